/**
 * Message ids: `msg_` + a ULID (https://github.com/ulid/spec). The first 10 characters encode the
 * millisecond, so ids sort by creation time in logs, the outbox and the dead-letter list.
 */

export const MESSAGE_ID_PREFIX = "msg_";
/** Crockford's base32: no I, L, O or U, so ids survive being read aloud or retyped. */
const CROCKFORD_BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
/** 48 bits of milliseconds last until the year 10889. */
const MAX_TIME = 2 ** 48 - 1;

export const MESSAGE_ID_PATTERN = /^msg_[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * A new message id for the instant `now` (ms). Ids from different milliseconds sort by time; within
 * one millisecond their order is random, which is enough for listing and costs no shared state.
 *
 * @example
 * newMessageId(Date.UTC(2025, 0, 1)) // "msg_01JGFJJZ00" + 16 random characters
 */
export function newMessageId(now: number, randomBytes: (length: number) => Uint8Array = secureRandomBytes): string {
  if (!Number.isInteger(now) || now < 0 || now > MAX_TIME) throw new RangeError(`now out of range: ${now}`);
  let time = "";
  for (let rest = now, i = 0; i < TIME_CHARS; i++, rest = Math.floor(rest / 32)) {
    time = CROCKFORD_BASE32[rest % 32] + time;
  }
  // 16 characters x 5 bits = 80 bits: take 5 bits from each random byte's low end.
  const bytes = randomBytes(RANDOM_CHARS);
  let random = "";
  for (let i = 0; i < RANDOM_CHARS; i++) random += CROCKFORD_BASE32[(bytes[i] ?? 0) & 31];
  return `${MESSAGE_ID_PREFIX}${time}${random}`;
}

function secureRandomBytes(length: number): Uint8Array {
  return crypto.getRandomValues(new Uint8Array(length));
}
