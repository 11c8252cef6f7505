/**
 * Verified identity: a site's back end vouches for a user id with an identity token, the way
 * Intercom's identity verification and HubSpot's visitor identification token do. The browser only
 * carries the token; it cannot make one without the site's identity secret.
 *
 * Token: `<expiresAt>.<hex>`, where `expiresAt` is Unix seconds (`0`: never expires) and `hex` is the
 * lowercase hex HMAC-SHA256, keyed with the identity secret's UTF-8 bytes, of `<expiresAt>.<userId>`
 * with the user id normalised as the worker does (trimmed; an e-mail address also lowercased).
 * The expiry comes first and is digits only, so the signed text can never be read two ways.
 */
import { normaliseUserId } from "../lead/ids";

/** `1767225600.` + 64 hex digits; `0.` + 64 hex digits for a token that never expires. */
const TOKEN = /^(0|[1-9]\d{0,11})\.([0-9a-f]{64})$/i;

export type IdentityCheck =
  | { verified: true; expiresAt: number | null }
  | { verified: false; reason: "no_token" | "no_secret" | "malformed" | "expired" | "mismatch" };

/** Imported keys by secret: importKey is the costly part, and a site has one secret. */
const KEYS = new Map<string, Promise<CryptoKey>>();
const MAX_KEYS = 100;

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  const cacheKey = `${usage}\u0000${secret}`;
  let key = KEYS.get(cacheKey);
  if (!key) {
    if (KEYS.size >= MAX_KEYS) KEYS.clear();
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
    KEYS.set(cacheKey, key);
  }
  return key;
}

/** The text an identity token signs. */
export function identityMessage(userId: string, expiresAt: number): string {
  return `${expiresAt}.${normaliseUserId(userId)}`;
}

/**
 * Checks an identity token for a user id, in constant time (WebCrypto's HMAC verify compares the
 * whole MAC). Anything short of a valid, unexpired token for exactly this user id is unverified.
 *
 * @example await verifyIdentityToken("ada@example.com", "1767225600.9f2c…", secret, Date.now()) // { verified: true, expiresAt: 1767225600 }
 */
export async function verifyIdentityToken(userId: string, token: string | undefined, secret: string | undefined, now: number): Promise<IdentityCheck> {
  if (!token) return { verified: false, reason: "no_token" };
  if (!secret) return { verified: false, reason: "no_secret" };
  const match = TOKEN.exec(token.trim());
  if (!match) return { verified: false, reason: "malformed" };
  const expiresAt = Number(match[1]);
  const mac = new Uint8Array(match[2]!.match(/../g)!.map((byte) => parseInt(byte, 16)));
  const ok = await crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), mac, new TextEncoder().encode(identityMessage(userId, expiresAt)));
  if (!ok) return { verified: false, reason: "mismatch" };
  // Checked after the MAC so that a forged token learns nothing about the clock.
  if (expiresAt !== 0 && expiresAt * 1000 <= now) return { verified: false, reason: "expired" };
  return { verified: true, expiresAt: expiresAt === 0 ? null : expiresAt };
}

/**
 * Makes an identity token, as a site's back end does (README shows Node, Python and PHP): for tests
 * and for the demo shop's stand-in back end.
 *
 * @example await signIdentityToken("ada@example.com", secret, Math.floor(Date.now() / 1000) + 3600)
 */
export async function signIdentityToken(userId: string, secret: string, expiresAt: number): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), new TextEncoder().encode(identityMessage(userId, expiresAt)));
  return `${expiresAt}.${[...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
