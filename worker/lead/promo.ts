import type { LeadView, ScoringEvent } from "../scoring";
import type { SiteConfig } from "../site/config";

/** A promo code issued to a lead: once per lead, whatever happens later (a merge may bring more). */
export interface PromoRecord {
  code: string;
  issuedAt: number;
  eventId: string | null;
}

/** Random bytes: the platform's CSPRNG in the object, a seeded source in tests. */
export type RandomBytes = (length: number) => Uint8Array;

/** Crockford base32 without look-alikes (no I, L, O, U): codes people read aloud and type. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 12 symbols of 5 bits: 60 bits of randomness, unguessable and unique per lead in practice. */
const CODE_SYMBOLS = 12;

/**
 * Issues an unguessable code, grouped in fours.
 *
 * @example issuePromo("HOT-", Date.now(), "evt_1", cryptoBytes).code // "HOT-7KQ2-M9XD-4RTA"
 */
export function issuePromo(prefix: string, now: number, eventId: string | null, random: RandomBytes): PromoRecord {
  let symbols = "";
  // 256 is a multiple of 32, so taking each byte modulo 32 has no bias.
  for (const b of random(CODE_SYMBOLS)) symbols += ALPHABET[b % 32];
  const code = prefix + symbols.match(/.{4}/g)!.join("-");
  return { code, issuedAt: now, eventId };
}

/**
 * Whether this batch earns the lead its code: the site offers one, the lead has none yet, may get
 * one, is not disqualified, carries the promo's label and (if required) ever sent the required event.
 * Answers the event that earned it, or null.
 *
 * @example promoTrigger(config.promo, view, fresh, names, null, true) // { id: "evt_9", name: "cart_add", ... }
 */
export function promoTrigger(
  promo: SiteConfig["promo"],
  view: LeadView,
  fresh: ScoringEvent[],
  eventNames: readonly string[],
  current: PromoRecord | null,
  allowed: boolean,
): ScoringEvent | null {
  if (!promo || current || !allowed || fresh.length === 0) return null;
  if (view.disqualified || view.label !== promo.label) return null;
  if (promo.requireEvent && !eventNames.includes(promo.requireEvent)) return null;
  return fresh.at(-1)!;
}

/**
 * The codes a person holds after a merge: the lead's own first (the first is the one the API's `promo`
 * names), then the merged lead's, each once.
 *
 * @example mergePromos([{ code: "HOT-A" … }], [{ code: "HOT-B" … }]).map((p) => p.code) // ["HOT-A", "HOT-B"]
 */
export function mergePromos(own: readonly PromoRecord[], joining: readonly PromoRecord[]): PromoRecord[] {
  const codes = new Set(own.map((p) => p.code));
  return [...own, ...joining.filter((p) => !codes.has(p.code))];
}

/** The platform's CSPRNG as a RandomBytes source. */
export function cryptoBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
