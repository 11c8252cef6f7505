/** A promo code issued to a lead: once per lead, whatever happens later. */
export interface PromoRecord {
  code: string;
  issuedAt: number;
  eventId: string | null;
}

/** Crockford base32 without look-alikes (no I, L, O, U): codes people read aloud and type. */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** 12 symbols of 5 bits: 60 bits of randomness, unguessable and unique per lead in practice. */
const CODE_SYMBOLS = 12;

/**
 * Issues an unguessable code from the platform's CSPRNG, grouped in fours.
 *
 * @example issuePromo("HOT-", Date.now(), "evt_1").code // "HOT-7KQ2-M9XD-4RTA"
 */
export function issuePromo(prefix: string, now: number, eventId: string | null): PromoRecord {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_SYMBOLS));
  let symbols = "";
  // 256 is a multiple of 32, so taking each byte modulo 32 has no bias.
  for (const b of bytes) symbols += ALPHABET[b % 32];
  const code = prefix + symbols.match(/.{4}/g)!.join("-");
  return { code, issuedAt: now, eventId };
}
