/**
 * The console's one way to the operator API: same origin, the session cookie (never a token), JSON
 * in and out, and the contract's error body turned into an `ApiError`. A 401 anywhere means the
 * session is over: listeners (the app shell) show the sign-in form.
 */

export interface Issue {
  path: string;
  message: string;
}

/** A rejected request: the contract's `{ error: { code, message, issues } }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

const unauthorizedListeners = new Set<() => void>();

/** Calls `listener` whenever the API answers 401; answers the unsubscribe function. */
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  headers?: Record<string, string>;
  /** Do not announce a 401 (the sign-in form itself, the first session check). */
  quiet401?: boolean;
}

/**
 * Sends one request and answers the raw response when it succeeded.
 *
 * @example const res = await request("/v1/sites/demo/config"); res.headers.get("etag")
 */
export async function request(path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  const init: RequestInit = { method: options.method ?? "GET", credentials: "same-origin", headers, cache: "no-store" };
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  const res = await fetch(path, init);
  if (res.ok) return res;
  const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string; issues?: Issue[] } } | null;
  if (res.status === 401 && !options.quiet401) for (const listener of unauthorizedListeners) listener();
  throw new ApiError(res.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${res.status}`, body?.error?.issues ?? []);
}

/**
 * Sends one request and answers its JSON body.
 *
 * @example const { leads } = await api<{ leads: unknown[] }>("/v1/sites/demo/leads?limit=25")
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  return (await request(path, options)).json() as Promise<T>;
}

/** `/v1/sites/{site}` with the site escaped. */
export function sitePath(site: string, rest = ""): string {
  return `/v1/sites/${encodeURIComponent(site)}${rest}`;
}
