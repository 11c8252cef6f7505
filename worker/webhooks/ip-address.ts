/**
 * IP literals and the ranges a webhook must never reach. Parsers follow the WHATWG URL standard, which
 * is what `fetch` itself uses, so "0x7f.1" or "2130706433" are recognised as the 127.0.0.1 they are.
 */

/**
 * Parses an IPv4 host the way the WHATWG URL parser does: 1–4 parts, each decimal, octal (leading 0)
 * or hex (0x), the last part filling the remaining bytes. Returns the address as an unsigned 32-bit
 * number, or null when the text is not an IPv4 literal.
 *
 * @example
 * parseIPv4("127.0.0.1")  // 2130706433
 * parseIPv4("0x7f.1")     // 2130706433
 * parseIPv4("2130706433") // 2130706433
 * parseIPv4("example.com") // null
 */
export function parseIPv4(host: string): number | null {
  const parts = host.split(".");
  if (parts.at(-1) === "" && parts.length > 1) parts.pop(); // a single trailing dot is allowed
  if (parts.length === 0 || parts.length > 4) return null;
  const numbers: number[] = [];
  for (const part of parts) {
    const value = parseIPv4Part(part);
    if (value === null) return null;
    numbers.push(value);
  }
  const last = numbers.pop() as number;
  if (numbers.some((n) => n > 255)) return null;
  if (last >= 256 ** (4 - numbers.length)) return null;
  let address = last;
  numbers.forEach((n, i) => (address += n * 256 ** (3 - i)));
  return address;
}

function parseIPv4Part(part: string): number | null {
  let digits = part;
  let radix = 10;
  if (/^0x/i.test(part)) {
    digits = part.slice(2);
    radix = 16;
  } else if (part.length > 1 && part.startsWith("0")) {
    digits = part.slice(1);
    radix = 8;
  }
  if (digits === "") return radix === 16 || part === "0" ? 0 : null;
  const pattern = radix === 16 ? /^[0-9a-f]+$/i : radix === 8 ? /^[0-7]+$/ : /^[0-9]+$/;
  if (!pattern.test(digits)) return null;
  const value = parseInt(digits, radix);
  return Number.isSafeInteger(value) ? value : null;
}

/** WHATWG "ends in a number": such a host is an IPv4 literal or invalid, never a domain name. */
export function endsInNumber(host: string): boolean {
  const parts = host.split(".");
  if (parts.at(-1) === "" && parts.length > 1) parts.pop();
  const last = parts.at(-1) ?? "";
  return /^[0-9]+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

/**
 * Parses an IPv6 literal (without brackets), including "::" and a trailing dotted IPv4 part, into a
 * 128-bit bigint; null if it is not one. Zone ids ("%eth0") are refused: URLs cannot carry them.
 *
 * @example
 * parseIPv6("::1")                // 1n
 * parseIPv6("::ffff:127.0.0.1")   // 0xffff7f000001n
 */
export function parseIPv6(text: string): bigint | null {
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] === "" ? [] : (halves[0] as string).split(":");
  const tail = halves.length === 2 ? (halves[1] === "" ? [] : (halves[1] as string).split(":")) : [];
  const groups: number[] = [];
  const all = [...head, ...tail];
  // A dotted IPv4 may stand for the last two groups.
  const lastPart = all.at(-1);
  let embedded: number | null = null;
  if (lastPart !== undefined && lastPart.includes(".")) {
    if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(lastPart)) return null;
    const octets = lastPart.split(".").map(Number);
    if (octets.some((o) => o > 255)) return null;
    embedded = octets.reduce((acc, o) => acc * 256 + o, 0);
    if (tail.length > 0) tail.pop();
    else head.pop();
  }
  for (const part of [...head, ...tail]) if (!/^[0-9a-f]{1,4}$/i.test(part)) return null;
  const explicit = head.length + tail.length + (embedded === null ? 0 : 2);
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const zeros = 8 - explicit;
  groups.push(...head.map((g) => parseInt(g, 16)), ...Array<number>(zeros).fill(0), ...tail.map((g) => parseInt(g, 16)));
  let address = 0n;
  for (const group of groups) address = (address << 16n) | BigInt(group);
  if (embedded !== null) address = (address << 32n) | BigInt(embedded);
  return address;
}

interface Range<T> {
  base: T;
  bits: number;
  name: string;
}

function v4(cidr: string, name: string): Range<number> {
  const [base, bits] = cidr.split("/");
  return { base: parseIPv4(base as string) as number, bits: Number(bits), name: `${name} (${cidr})` };
}

function v6(cidr: string, name: string): Range<bigint> {
  const [base, bits] = cidr.split("/");
  return { base: parseIPv6(base as string) as bigint, bits: Number(bits), name: `${name} (${cidr})` };
}

/** IANA IPv4 special-purpose registry: every block that is not globally reachable, plus multicast. */
const NON_PUBLIC_IPV4: readonly Range<number>[] = [
  v4("0.0.0.0/8", "\"this\" network"),
  v4("10.0.0.0/8", "private"),
  v4("100.64.0.0/10", "carrier-grade NAT"),
  v4("127.0.0.0/8", "loopback"),
  v4("169.254.0.0/16", "link-local"),
  v4("172.16.0.0/12", "private"),
  v4("192.0.0.0/24", "IETF protocol assignments"),
  v4("192.0.2.0/24", "documentation"),
  v4("192.88.99.0/24", "6to4 relay anycast"),
  v4("192.168.0.0/16", "private"),
  v4("198.18.0.0/15", "benchmarking"),
  v4("198.51.100.0/24", "documentation"),
  v4("203.0.113.0/24", "documentation"),
  v4("224.0.0.0/4", "multicast"),
  v4("240.0.0.0/4", "reserved"),
];

/** IPv6 blocks that wrap an IPv4 address in their low 32 bits; the IPv4 address decides. */
const IPV4_CARRYING_IPV6: readonly Range<bigint>[] = [
  v6("::ffff:0:0/96", "IPv4-mapped"),
  v6("64:ff9b::/96", "NAT64"),
];

/** Only global unicast (2000::/3) is public; the rest are named for a readable reason. */
const GLOBAL_UNICAST_IPV6 = v6("2000::/3", "global unicast");

const NON_PUBLIC_IPV6: readonly Range<bigint>[] = [
  v6("::/128", "unspecified"),
  v6("::1/128", "loopback"),
  v6("::/96", "IPv4-compatible (deprecated)"),
  v6("64:ff9b:1::/48", "local-use NAT64"),
  v6("100::/64", "discard-only"),
  v6("fc00::/7", "unique local"),
  v6("fe80::/10", "link-local"),
  v6("fec0::/10", "site-local (deprecated)"),
  v6("ff00::/8", "multicast"),
  // Inside 2000::/3 but still not a plain public host:
  v6("2001::/23", "IETF protocol assignments (Teredo, benchmarking, ORCHID)"),
  v6("2001:db8::/32", "documentation"),
  v6("2002::/16", "6to4 (deprecated)"),
  v6("3fff::/20", "documentation"),
];

function inRange4(address: number, { base, bits }: Range<number>): boolean {
  if (bits === 0) return true;
  const shift = 32 - bits;
  return Math.floor(address / 2 ** shift) === Math.floor(base / 2 ** shift);
}

function inRange6(address: bigint, { base, bits }: Range<bigint>): boolean {
  const shift = BigInt(128 - bits);
  return address >> shift === base >> shift;
}

/**
 * Why an IPv4 address is not public, or null if it is.
 *
 * @example
 * nonPublicIPv4Reason(parseIPv4("10.1.2.3")!) // "private (10.0.0.0/8)"
 * nonPublicIPv4Reason(parseIPv4("8.8.8.8")!)  // null
 */
export function nonPublicIPv4Reason(address: number): string | null {
  return NON_PUBLIC_IPV4.find((range) => inRange4(address, range))?.name ?? null;
}

/**
 * Why an IPv6 address is not public, or null if it is.
 *
 * @example
 * nonPublicIPv6Reason(parseIPv6("::ffff:127.0.0.1")!) // "IPv4-mapped (::ffff:0:0/96) loopback (127.0.0.0/8)"
 * nonPublicIPv6Reason(parseIPv6("2606:4700::1111")!)  // null
 */
export function nonPublicIPv6Reason(address: bigint): string | null {
  const carrier = IPV4_CARRYING_IPV6.find((range) => inRange6(address, range));
  if (carrier) {
    const inner = nonPublicIPv4Reason(Number(address & 0xffffffffn));
    return inner === null ? null : `${carrier.name} ${inner}`;
  }
  const named = NON_PUBLIC_IPV6.find((range) => inRange6(address, range));
  if (named) return named.name;
  return inRange6(address, GLOBAL_UNICAST_IPV6) ? null : "not global unicast (outside 2000::/3)";
}
