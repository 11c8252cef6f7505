// The worker's operator API over HTTP, with the contract's error body read into a CliError whose
// exit code says whose fault it was: 1 the input was refused, 2 usage, credentials or the network.

/** Exit codes, as README documents them. */
export const EXIT = { ok: 0, badInput: 1, usage: 2 };

/** Statuses that refuse what was sent (the config, the journey, the version it was based on). */
const BAD_INPUT = new Set([400, 409, 412, 413, 415, 422]);

/** A failure to report and exit with. */
export class CliError extends Error {
  constructor(message, exitCode, issues = []) {
    super(message);
    this.exitCode = exitCode;
    this.issues = issues;
  }
}

/**
 * Calls the operator API and answers `{ status, headers, body }`, or throws a CliError.
 *
 * @example await request({ url: "http://127.0.0.1:8787", token }, "GET", "/v1/sites/shop/config")
 */
export async function request(target, method, path, { body, headers = {} } = {}) {
  let res;
  try {
    res = await fetch(new URL(path, target.url), {
      method,
      headers: { authorization: `Bearer ${target.token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
  } catch (err) {
    throw new CliError(`Could not reach ${target.url}: ${err.cause?.message ?? err.message}`, EXIT.usage);
  }
  const text = await res.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: a proxy's error page, say; the status tells what happened.
  }
  if (res.ok) return { status: res.status, headers: res.headers, body: parsed };
  const error = parsed?.error ?? {};
  const message = `${method} ${path} answered ${res.status}${error.code ? ` ${error.code}` : ""}: ${error.message ?? (text.slice(0, 200) || res.statusText)}`;
  throw new CliError(message, BAD_INPUT.has(res.status) ? EXIT.badInput : EXIT.usage, Array.isArray(error.issues) ? error.issues : []);
}

/**
 * `/v1/sites/{site}` with the site escaped.
 *
 * @example sitePath("shop", "/config") // "/v1/sites/shop/config"
 */
export function sitePath(site, rest = "") {
  return `/v1/sites/${encodeURIComponent(site)}${rest}`;
}
