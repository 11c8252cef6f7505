/** Config versions as HTTP entity tags, and `If-Match` (RFC 9110 section 13.1.1) against them. */

/** `*` (any current config), a list of versions, or null when the header is absent. */
export type IfMatch = "*" | number[] | null;

/**
 * The strong entity tag of a config version.
 *
 * @example etagOf(3) // '"v3"'
 */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/**
 * Parses an `If-Match` header. Weak tags (`W/"v3"`) and tags that are not config versions never match:
 * If-Match uses the strong comparison.
 *
 * @example parseIfMatch('"v2", "v3"') // [2, 3]
 * @example parseIfMatch("*")          // "*"
 */
export function parseIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return null;
  if (header.trim() === "*") return "*";
  return [...header.matchAll(/(W\/)?"v(\d{1,15})"/g)].filter((m) => !m[1]).map((m) => Number(m[2]));
}

/**
 * Whether a write may go ahead: no header always; `*` when a config exists; a list when it names
 * the version in force (`current`, null when there is none).
 *
 * @example ifMatchHolds([3], 3) // true
 * @example ifMatchHolds("*", null) // false
 */
export function ifMatchHolds(ifMatch: IfMatch, current: number | null): boolean {
  if (ifMatch === null) return true;
  if (ifMatch === "*") return current !== null;
  return current !== null && ifMatch.includes(current);
}
