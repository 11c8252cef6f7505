/**
 * Signing secrets in the Standard Webhooks `whsec_<base64 key>` form.
 */
import { z } from "zod";
import { base64ToBytes, bytesToBase64 } from "./base64";

export const WHSEC_PREFIX = "whsec_";
/** Standard Webhooks: keys SHOULD be 24 to 64 bytes; below 24 an HMAC key is too guessable. */
export const SECRET_MIN_BYTES = 24;
export const SECRET_MAX_BYTES = 64;
/** What `generateSecret` makes: the same size Svix issues, so secrets look familiar to receivers. */
export const GENERATED_SECRET_BYTES = 24;

/**
 * A `whsec_…` secret whose key decodes to 24–64 bytes.
 *
 * @example
 * whsecSchema.safeParse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").success // true
 */
export const whsecSchema = z
  .string()
  .startsWith(WHSEC_PREFIX, { error: `a webhook secret starts with "${WHSEC_PREFIX}"` })
  .refine(
    (secret) => {
      const key = base64ToBytes(secret.slice(WHSEC_PREFIX.length));
      return key !== null && key.length >= SECRET_MIN_BYTES && key.length <= SECRET_MAX_BYTES;
    },
    { error: `a webhook secret is "${WHSEC_PREFIX}" + base64 of ${SECRET_MIN_BYTES}–${SECRET_MAX_BYTES} bytes` },
  );

export type WebhookSecret = z.infer<typeof whsecSchema>;

/**
 * Validates a `whsec_…` secret and returns its raw HMAC key. Throws (a ZodError) on a malformed secret:
 * secrets come from configuration, which is parsed at its own boundary, so a bad one here is a bug.
 *
 * @example
 * parseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").length // 24
 */
export function parseSecret(secret: string): Uint8Array<ArrayBuffer> {
  const valid = whsecSchema.parse(secret);
  // The schema has already proven this decodes.
  return base64ToBytes(valid.slice(WHSEC_PREFIX.length)) as Uint8Array<ArrayBuffer>;
}

/**
 * Makes a fresh random signing secret.
 *
 * @example
 * generateSecret() // "whsec_" + 32 base64 characters
 */
export function generateSecret(): WebhookSecret {
  const key = crypto.getRandomValues(new Uint8Array(GENERATED_SECRET_BYTES));
  return `${WHSEC_PREFIX}${bytesToBase64(key)}`;
}
