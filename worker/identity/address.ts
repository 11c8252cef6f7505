import type { Env } from "../env";
import { readSecret } from "../env";
import { leadIdForAnonymous, leadIdForUser, normaliseUserId } from "../lead/ids";
import type { IdentityConfig } from "../site/config";
import { verifyIdentityToken, type IdentityCheck } from "./token";

/** Which lead a browser batch may touch, and what it claimed. */
export interface AddressedLead {
  leadId: string;
  /** The user id the lead object is told: only a verified (or, under "trust", accepted) one. */
  userId: string | null;
  verified: boolean;
  /** A user id the browser claimed but may not act as: kept with the batch, never used to address. */
  claimedUserId: string | null;
  check: IdentityCheck | null;
}

/**
 * Decides which lead a browser batch addresses. A signed user id (see `verifyIdentityToken`) is the
 * known lead `hash(site, u)`; an unsigned one is only a claim, and under the default policy the batch
 * stays on the browser's own anonymous lead `hash(site, a)`, so a stranger who knows someone's
 * e-mail can neither read nor change that person's lead.
 *
 * @example await addressBatch(env, "demo", config.identity, { a: "3482-1298", u: "ada@example.com", e: [{ k: "i", o: { signature } }] }, Date.now())
 */
export async function addressBatch(
  env: Env,
  site: string,
  identity: IdentityConfig | undefined,
  batch: { a: string; u?: string | undefined; e: ReadonlyArray<{ k: string; o?: { signature?: string | undefined } | undefined }> },
  now: number,
): Promise<AddressedLead> {
  const claim = batch.u ? normaliseUserId(batch.u) : null;
  if (!claim) return { leadId: await leadIdForAnonymous(site, batch.a), userId: null, verified: false, claimedUserId: null, check: null };
  const secret = identity?.secret ? readSecret(env, identity.secret.env) : undefined;
  const check = await verifyIdentityToken(claim, identifyToken(batch.e), secret, now);
  if (check.verified || identity?.unverified === "trust") {
    return { leadId: await leadIdForUser(site, claim), userId: claim, verified: check.verified, claimedUserId: null, check };
  }
  return { leadId: await leadIdForAnonymous(site, batch.a), userId: null, verified: false, claimedUserId: claim, check };
}

/**
 * The signature `u` comes with: the last identify's of the batch, since `u` is the id the snippet
 * held at send time, which the last identify set. An identify without one leaves `u` unverified even
 * if an earlier identify of the batch (for another id) was signed.
 */
function identifyToken(events: ReadonlyArray<{ k: string; o?: { signature?: string | undefined } | undefined }>): string | undefined {
  for (let i = events.length - 1; i >= 0; i--) if (events[i]!.k === "i") return events[i]!.o?.signature;
  return undefined;
}
