import { api } from "./http";

export interface SessionInfo {
  signedIn: true;
  via: "bearer" | "session";
  expiresAt?: string;
  demo: boolean;
}

/**
 * Trades the admin token for the HttpOnly session cookie. The token goes to the worker once and is
 * kept nowhere in the browser.
 *
 * @example await signIn(form.token.value)
 */
export function signIn(token: string): Promise<SessionInfo> {
  return api<SessionInfo>("/v1/session", { method: "POST", body: { token }, quiet401: true });
}

/** The current session, or a 401 `ApiError` when there is none. */
export function currentSession(): Promise<SessionInfo> {
  return api<SessionInfo>("/v1/session", { quiet401: true });
}

/** Ends the session on the worker (the cookie stops working everywhere at once). */
export function signOut(): Promise<{ signedOut: true }> {
  return api<{ signedOut: true }>("/v1/session", { method: "DELETE", quiet401: true });
}
