/**
 * The console's session cookie: signed with a key derived from ADMIN_TOKEN (rotating the token ends
 * every session), expiring, and backed by an allow-list in the SessionObject so signing out ends
 * that very cookie at once. The token itself is sent once, to sign in, and never stored by the browser.
 */
import type { Context } from "hono";
import { deleteCookie, getSignedCookie, setSignedCookie } from "hono/cookie";
import type { Env } from "../env";

/** A working day: long enough not to nag, short enough that a forgotten browser is not a standing door. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Domain separation: the same ADMIN_TOKEN keys nothing else this way. */
const KEY_CONTEXT = "leadscore/console-session/v1";
const COOKIE = "leadscore_session";
/** Plain http is allowed only where nobody else is on the wire. */
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);
/** The one SessionObject that holds every console session of this worker. */
const STORE_NAME = "console";

export interface Session {
  id: string;
  expiresAt: number;
}

/**
 * Where the cookie may travel: `__Host-` and Secure over https, plain on a loopback http origin.
 *
 * @example cookieFlavour("http://127.0.0.1:8787/") // { name: "leadscore_session", secure: false }
 */
export function cookieFlavour(url: string): { name: string; secure: boolean; prefix?: "host" } {
  const u = new URL(url);
  const insecureLoopback = u.protocol === "http:" && LOOPBACK_HOSTS.has(u.hostname);
  // __Host- pins the cookie to this exact host and path "/", so no subdomain can plant or read it.
  return insecureLoopback ? { name: COOKIE, secure: false } : { name: `__Host-${COOKIE}`, secure: true, prefix: "host" };
}

function cookieOptions(url: string) {
  const { secure, prefix } = cookieFlavour(url);
  return { path: "/", httpOnly: true, secure, sameSite: "Strict" as const, ...(prefix ? { prefix } : {}) };
}

/**
 * The HMAC key of session cookies: HMAC-SHA256(ADMIN_TOKEN, context), so a leaked cookie says
 * nothing about the token and a new token invalidates every cookie signed with the old one.
 *
 * @example const key = await sessionKey("s3cret") // 32 bytes
 */
export async function sessionKey(adminToken: string): Promise<ArrayBuffer> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(adminToken), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return crypto.subtle.sign("HMAC", key, new TextEncoder().encode(KEY_CONTEXT));
}

function store(env: Env) {
  return env.SESSIONS.getByName(STORE_NAME);
}

function encode(session: Session): string {
  return `${session.id}:${session.expiresAt}`;
}

function decode(value: string): Session | null {
  const m = /^([A-Za-z0-9_-]{22,64}):(\d{13})$/.exec(value);
  return m ? { id: m[1]!, expiresAt: Number(m[2]) } : null;
}

function newSessionId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Starts a session and sets its cookie on the response. The caller has checked the token.
 *
 * @example const session = await startSession(c, c.env.ADMIN_TOKEN!, Date.now())
 */
export async function startSession(c: Context<{ Bindings: Env }>, adminToken: string, now: number): Promise<Session> {
  const session = { id: newSessionId(), expiresAt: now + SESSION_TTL_MS };
  await store(c.env).create(session.id, now, session.expiresAt);
  await setSignedCookie(c, COOKIE, encode(session), await sessionKey(adminToken), { ...cookieOptions(c.req.url), maxAge: Math.floor(SESSION_TTL_MS / 1000) });
  return session;
}

/**
 * The request's session if its cookie is well signed, not expired and still on the allow-list;
 * otherwise null (no cookie, tampered, expired, signed with an older token, or ended).
 */
export async function readSession(c: Context<{ Bindings: Env }>, now: number): Promise<Session | null> {
  const token = c.env.ADMIN_TOKEN;
  if (!token) return null;
  const raw = await getSignedCookie(c, await sessionKey(token), COOKIE, cookieFlavour(c.req.url).prefix);
  const session = raw ? decode(raw) : null;
  // The expiry is inside the signature: a replayed cookie past its Max-Age is still refused.
  if (!session || session.expiresAt <= now) return null;
  return (await store(c.env).isActive(session.id, now)) ? session : null;
}

/** Whether the request carries a session cookie at all (valid or not). */
export function hasSessionCookie(c: Context<{ Bindings: Env }>): boolean {
  const { name } = cookieFlavour(c.req.url);
  return (c.req.header("cookie") ?? "").split(";").some((part) => part.trim().startsWith(`${name}=`));
}

/** Ends the session server-side and clears its cookie. */
export async function endSession(c: Context<{ Bindings: Env }>, session: Session): Promise<void> {
  await store(c.env).end(session.id);
  deleteCookie(c, COOKIE, cookieOptions(c.req.url));
}

/**
 * Whether a request comes from a page of this worker's own origin. Browsers send `Origin` on every
 * cross-origin request and on same-origin writes, so a missing header on a write is refused too.
 *
 * @example isSameOrigin("https://ls.example/v1/x", "https://ls.example") // true
 */
export function isSameOrigin(requestUrl: string, origin: string | undefined): boolean {
  return origin !== undefined && origin === new URL(requestUrl).origin;
}
