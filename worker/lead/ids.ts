import type { Env } from "../env";

/** Lead ids are opaque: `u_` + hash for known people, `a_` + hash for anonymous visitors. */
const LEAD_ID = /^[ua]_[0-9a-f]{32}$/;

/**
 * Normalises a user id: e-mail addresses are compared case- and whitespace-insensitively, so
 * " Ada@Example.COM " and "ada@example.com" are one person; other ids are only trimmed.
 */
export function normaliseUserId(userId: string): string {
  const trimmed = userId.trim();
  return trimmed.includes("@") ? trimmed.toLowerCase() : trimmed;
}

/**
 * Hashes this isolate remembers: a visitor's lead id is derived on every collect request, and the
 * same visitors come back request after request. The oldest is forgotten first past the limit.
 */
const HASHES = new Map<string, string>();
const MAX_REMEMBERED_HASHES = 4096;

async function hashHex(text: string): Promise<string> {
  const known = HASHES.get(text);
  if (known !== undefined) return known;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const hex = [...new Uint8Array(digest, 0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  if (HASHES.size >= MAX_REMEMBERED_HASHES) HASHES.delete(HASHES.keys().next().value!);
  HASHES.set(text, hex);
  return hex;
}

const userKey = (site: string, userId: string) => `${site}\u0000user\u0000${normaliseUserId(userId)}`;
const anonymousKey = (site: string, anonymousId: string) => `${site}\u0000anon\u0000${anonymousId}`;

/** The lead id of a known person on a site. The site is hashed in so ids do not link across sites. */
export async function leadIdForUser(site: string, userId: string): Promise<string> {
  return `u_${await hashHex(userKey(site, userId))}`;
}

/** The lead id of an anonymous visitor (snippet anonymous id or Segment anonymousId). */
export async function leadIdForAnonymous(site: string, anonymousId: string): Promise<string> {
  return `a_${await hashHex(anonymousKey(site, anonymousId))}`;
}

/**
 * Forgets what this isolate remembers of an erased person's ids: the remembered hashes are keyed by
 * the e-mail itself, which must not outlive the erasure here. Other isolates forget theirs as newer
 * visitors push them out (they hold nothing that is stored, and nothing the e-mail does not give).
 */
export function forgetPerson(site: string, userIds: readonly string[], anonymousIds: readonly string[]): void {
  for (const userId of userIds) HASHES.delete(userKey(site, userId));
  for (const anonymousId of anonymousIds) HASHES.delete(anonymousKey(site, anonymousId));
}

/**
 * Resolves what an operator puts in a URL: a lead id as-is, an e-mail or other user id when it
 * contains "@", otherwise an anonymous id.
 */
export async function resolveLeadRef(site: string, ref: string): Promise<string> {
  if (LEAD_ID.test(ref)) return ref;
  return ref.includes("@") ? leadIdForUser(site, ref) : leadIdForAnonymous(site, ref);
}

/** Durable Object names are per site, so one site's leads can never reach another's object. */
export function leadStub(env: Env, site: string, leadId: string) {
  return env.LEADS.getByName(`${site}/${leadId}`);
}
