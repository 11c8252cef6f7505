/**
 * Whether an IP literal in a webhook URL is a public unicast address, by ipaddr.js's table of special
 * ranges (IANA's special-purpose registries). Addresses that embed an IPv4 address (IPv4-mapped,
 * NAT64, 6to4) are judged by the address they carry, since that is where the packet goes.
 */
import ipaddr from "ipaddr.js";

type Subnet = [ipaddr.IPv4 | ipaddr.IPv6, number];

const IPV4_LABELS: Readonly<Record<string, string>> = {
  unspecified: '"this" network',
  broadcast: "broadcast",
  multicast: "multicast",
  linkLocal: "link-local",
  loopback: "loopback",
  carrierGradeNat: "carrier-grade NAT",
  private: "private",
  reserved: "reserved",
  as112: "AS112",
  amt: "AMT",
};

const IPV6_LABELS: Readonly<Record<string, string>> = {
  unspecified: "unspecified",
  linkLocal: "link-local",
  multicast: "multicast",
  loopback: "loopback",
  uniqueLocal: "unique local",
  deprecatedSiteLocal: "site-local",
  discard: "discard-only",
  rfc6145: "IPv4-translated",
  teredo: "Teredo",
  benchmarking: "benchmarking",
  amt: "AMT",
  as112v6: "AS112",
  deprecatedOrchid: "ORCHID",
  orchid2: "ORCHIDv2",
  droneRemoteIdProtocolEntityTags: "DRIP",
  segmentRouting: "segment routing",
  reserved: "reserved",
};

/** Ranges whose address carries an IPv4 address in its last 32 bits (6to4 in bits 16-47). */
const EMBEDDING: Readonly<Record<string, string>> = { ipv4Mapped: "IPv4-mapped", rfc6052: "NAT64", "6to4": "6to4" };

/** Global unicast (RFC 4291): anything outside 2000::/3 is not routed on the internet. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");

/** The CIDR of a named special range that holds `address`, e.g. "10.0.0.0/8" for 10.1.2.3. */
function cidrOf(address: ipaddr.IPv4 | ipaddr.IPv6, range: string): string {
  // The table ipaddr.js matched against: public at run time, missing from its type declarations.
  const entry = (address as unknown as { SpecialRanges: Record<string, Subnet | Subnet[]> }).SpecialRanges[range];
  const subnets: Subnet[] = entry && Array.isArray(entry[0]) ? (entry as Subnet[]) : [entry as Subnet];
  const hit = subnets.find(([net, bits]) => address.kind() === net.kind() && (address as ipaddr.IPv4).match(net as ipaddr.IPv4, bits));
  return hit ? `${hit[0].toString()}/${hit[1]}` : range;
}

function ipv4Reason(address: ipaddr.IPv4): string | null {
  const range = address.range();
  if (range === "unicast") return null;
  return `${IPV4_LABELS[range] ?? range} (${cidrOf(address, range)})`;
}

function embeddedIPv4(address: ipaddr.IPv6, range: string): ipaddr.IPv4 {
  const bytes = address.toByteArray();
  return new ipaddr.IPv4(range === "6to4" ? bytes.slice(2, 6) : bytes.slice(12, 16));
}

function ipv6Reason(address: ipaddr.IPv6): string | null {
  const range = address.range();
  const embedding = EMBEDDING[range];
  if (embedding) {
    const inner = ipv4Reason(embeddedIPv4(address, range));
    return inner && `${embedding} ${inner}`;
  }
  if (range !== "unicast") return `${IPV6_LABELS[range] ?? range} (${cidrOf(address, range)})`;
  return address.match(GLOBAL_UNICAST) ? null : "not global unicast (outside 2000::/3)";
}

/**
 * Why an IP literal is not a public address (null: it is public), or "not a valid … address". Takes
 * IPv4 in any spelling ipaddr.js knows ("127.1", "0x7f.1", "2130706433") and IPv6 without brackets.
 *
 * @example
 * nonPublicAddressReason("10.1.2.3")         // "private (10.0.0.0/8)"
 * nonPublicAddressReason("::ffff:127.0.0.1") // "IPv4-mapped loopback (127.0.0.0/8)"
 * nonPublicAddressReason("8.8.8.8")          // null
 */
export function nonPublicAddressReason(text: string, family: "ipv4" | "ipv6"): string | null {
  if (family === "ipv6") {
    if (!ipaddr.IPv6.isValid(text) || text.includes("%")) return "not a valid IPv6 address";
    return ipv6Reason(ipaddr.IPv6.parse(text));
  }
  if (!ipaddr.IPv4.isValid(text)) return "not a valid IPv4 address";
  return ipv4Reason(ipaddr.IPv4.parse(text));
}
