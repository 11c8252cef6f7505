/**
 * URL path globs ("/pricing*", "/docs/**", "!/careers/**") compiled once to regular expressions.
 * picomatch/posix skips the platform sniffing of the default entry, so it behaves the same in Node
 * and workerd.
 */
import picomatch from "picomatch/posix";

const GLOB_CACHE = new Map<string, RegExp>();
/** Compiled globs are shared by every config; cap the cache so hostile configs cannot grow it forever. */
const GLOB_CACHE_MAX = 5_000;

/**
 * The regular expression of one path glob (cached).
 *
 * @example globRegex("/pricing*").test("/pricing/") // true
 */
export function globRegex(glob: string): RegExp {
  let re = GLOB_CACHE.get(glob);
  if (!re) {
    re = picomatch.makeRe(glob, { dot: true });
    if (GLOB_CACHE.size >= GLOB_CACHE_MAX) GLOB_CACHE.clear();
    GLOB_CACHE.set(glob, re);
  }
  return re;
}

/**
 * A matcher for one glob or a list of them: a path matches when any positive glob matches and no
 * negated ("!") glob excludes it; a list of only negated globs matches everything they do not exclude.
 *
 * @example pathMatcher(["/products/**", "!/products/gift-card"])("/products/shoe") // true
 */
export function pathMatcher(globs: string | string[]): (path: string) => boolean {
  const all = typeof globs === "string" ? [globs] : globs;
  const include = all.filter((g) => !g.startsWith("!")).map(globRegex);
  const exclude = all.filter((g) => g.startsWith("!")).map((g) => globRegex(g.slice(1)));
  return (path) => (include.length === 0 || include.some((re) => re.test(path))) && !exclude.some((re) => re.test(path));
}

/** Why a glob is unusable, or undefined when it is fine (used by configIssues). */
export function globProblem(glob: string): string | undefined {
  const body = glob.startsWith("!") ? glob.slice(1) : glob;
  if (!body.startsWith("/") && !body.startsWith("*")) return `path glob "${glob}" must start with "/" (URL paths do)`;
  try {
    picomatch.makeRe(body, { dot: true, strictBrackets: true });
    return undefined;
  } catch (err) {
    return `invalid path glob "${glob}": ${(err as Error).message}`;
  }
}
