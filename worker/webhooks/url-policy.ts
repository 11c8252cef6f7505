/**
 * Which URLs a webhook may target. Endpoints are configured by site operators, and the worker makes the
 * request, so an unchecked URL lets a config reach whatever the worker's network can (SSRF): https to
 * public hosts only, unless the operator lists a host for local development.
 *
 * Limits, on purpose: a public name can still resolve to a private address (DNS rebinding, or names
 * like 127.0.0.1.nip.io). Workers cannot resolve names before fetching, and Cloudflare's edge does not
 * route Worker subrequests into private networks, so this check targets the literal cases that matter
 * in workerd on a developer's machine or a self-hosted runtime.
 */
import { nonPublicAddressReason } from "./ip-range";

export type UrlCheck = { ok: true } | { ok: false; reason: string };

/** Longer URLs are a sign of a mistake or of smuggling data; real receivers need far less. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Names that never resolve on the public internet: special-use (RFC 6761, 6762, 8375, 9476) and the
 * suffixes routers and cloud providers use for internal hosts.
 */
const NON_PUBLIC_SUFFIXES: readonly string[] = [
  "localhost",
  "local",
  "internal",
  "localdomain",
  "home.arpa",
  "lan",
  "test",
  "invalid",
  "onion",
  "alt",
];

const DEFAULT_PORTS: Readonly<Record<string, string>> = { "http:": "80", "https:": "443" };

/**
 * Ports a webhook may use without being allow-listed: the web's own. Any other port on a public host
 * is more likely a service that was never meant to receive webhooks (SSH on 22, a database, an admin
 * console) than a receiver.
 */
export const WEBHOOK_PORTS: readonly string[] = ["443", "80", "8443"];

interface AllowedHost {
  hostname: string;
  /** null: any port on that host. */
  port: string | null;
}

/** "localhost:8787" -> { hostname: "localhost", port: "8787" }; "[::1]" -> { hostname: "[::1]", port: null }. */
function parseAllowedHost(entry: string): AllowedHost | null {
  const port = /^(?:\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(entry.trim())?.[1] ?? null;
  try {
    // Canonicalise through the same parser the request URL went through, so "LOCALHOST" or
    // "[0:0::1]" match what URL produces.
    return { hostname: new URL(`http://${entry.trim()}`).hostname, port };
  } catch {
    return null;
  }
}

function isAllowedHost(url: URL, allowHosts: readonly string[]): boolean {
  const port = url.port || DEFAULT_PORTS[url.protocol] || "";
  return allowHosts.some((entry) => {
    const allowed = parseAllowedHost(entry);
    return allowed !== null && allowed.hostname === url.hostname && (allowed.port === null || allowed.port === port);
  });
}

/**
 * WHATWG URL rule: a host whose last label is a number is an IPv4 address. The URL parser already
 * turned "2130706433" or "0x7f.1" into dotted form; parsing again keeps this check sound if a
 * runtime's parser ever lets such a form through unchanged.
 */
function endsInNumber(host: string): boolean {
  const last = host.replace(/\.$/, "").split(".").at(-1) ?? "";
  return /^(\d+|0x[0-9a-f]*)$/i.test(last);
}

function hostnameReason(hostname: string): string | null {
  if (hostname.startsWith("[")) {
    const reason = nonPublicAddressReason(hostname.slice(1, -1), "ipv6");
    return reason && (reason.startsWith("not a valid") ? reason : `${reason} address`);
  }
  if (endsInNumber(hostname)) {
    const reason = nonPublicAddressReason(hostname.replace(/\.$/, ""), "ipv4");
    return reason && (reason.startsWith("not a valid") ? reason : `${reason} address`);
  }
  const name = hostname.replace(/\.+$/, "");
  const suffix = NON_PUBLIC_SUFFIXES.find((s) => name === s || name.endsWith(`.${s}`));
  if (suffix) return `".${suffix}" names are not public`;
  // A single label ("intranet") only resolves through a local search domain.
  if (!name.includes(".")) return "a single-label host name is not public";
  return null;
}

/**
 * Checks a webhook URL: https, no credentials, a web port (443, 80, 8443), and a host that is public,
 * or else explicitly allowed.
 * `allowHosts` entries are "host" (any port) or "host:port"; they may also use http, for local
 * development against e.g. `http://localhost:8787`.
 *
 * @example
 * checkWebhookUrl("https://hooks.example.com/leadscore", []) // { ok: true }
 * checkWebhookUrl("http://2130706433/", [])                   // { ok: false, reason: "only https URLs are allowed" }
 * checkWebhookUrl("https://10.0.0.5/", [])                    // { ok: false, reason: "private (10.0.0.0/8) address" }
 * checkWebhookUrl("https://hooks.example.com:22/", [])        // { ok: false, reason: "port 22 is not allowed (…)" }
 * checkWebhookUrl("http://localhost:8787/hook", ["localhost:8787"]) // { ok: true }
 */
export function checkWebhookUrl(url: string, allowHosts: readonly string[]): UrlCheck {
  if (url.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, reason: `longer than ${MAX_WEBHOOK_URL_LENGTH} characters` };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: "not a valid absolute URL" };
  }
  // Credentials in a URL end up in logs and config dumps; the signature is the authentication.
  if (parsed.username !== "" || parsed.password !== "") return { ok: false, reason: "credentials (user:password@) are not allowed in the URL" };
  const allowed = isAllowedHost(parsed, allowHosts);
  if (parsed.protocol !== "https:" && !(allowed && parsed.protocol === "http:")) {
    return { ok: false, reason: allowed ? "only http or https URLs are allowed" : "only https URLs are allowed" };
  }
  if (allowed) return { ok: true };
  const reason = hostnameReason(parsed.hostname);
  if (reason !== null) return { ok: false, reason };
  const port = parsed.port || DEFAULT_PORTS[parsed.protocol]!;
  if (!WEBHOOK_PORTS.includes(port)) return { ok: false, reason: `port ${port} is not allowed (only ${WEBHOOK_PORTS.join(", ")}, unless WEBHOOK_ALLOW_HOSTS lists the host:port)` };
  return { ok: true };
}
