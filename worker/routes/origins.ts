/**
 * Whether a browser origin may post events for a site. Patterns: an exact origin, a wildcard
 * subdomain ("https://*.shop.example"), "self" (the worker's own origin) or "*". The worker's origin
 * may be given as a function: it is then worked out only for a site that lists "self".
 *
 * @example originAllowed("https://www.shop.example", ["https://*.shop.example"], "https://ls.example") // true
 */
export function originAllowed(origin: string, patterns: readonly string[], selfOrigin: string | (() => string)): boolean {
  const o = origin.toLowerCase();
  return patterns.some((raw) => {
    const p = raw.toLowerCase();
    if (p === "*") return true;
    if (p === "self") return o === (typeof selfOrigin === "string" ? selfOrigin : selfOrigin()).toLowerCase();
    const star = p.indexOf("://*.");
    if (star === -1) return o === p;
    const scheme = p.slice(0, star + 3);
    const suffix = p.slice(star + 4); // ".shop.example[:port]"
    return o.startsWith(scheme) && o.endsWith(suffix) && !o.slice(scheme.length, o.length - suffix.length).includes("/");
  });
}
