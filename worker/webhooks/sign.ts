/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`,
 * sent as `webhook-signature: v1,<base64>`. WebCrypto only, so it runs in workerd and Node alike.
 * Receivers (and this project's inspector and tests) verify with the reference `standardwebhooks` package.
 */
import { z } from "zod";
import { bytesToBase64 } from "./base64";
import { parseSecret } from "./secret";

export { generateSecret, parseSecret, whsecSchema, type WebhookSecret } from "./secret";

export const SIGNATURE_VERSION = "v1";
export type WebhookHeaderName = "webhook-id" | "webhook-timestamp" | "webhook-signature";
export type WebhookHeaders = Record<WebhookHeaderName, string>;

/**
 * The id is part of the signed string `id.timestamp.body`: a "." or whitespace in it would make that
 * string ambiguous or break the space-separated header, so ids stay in a URL-safe alphabet.
 */
export const messageIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, "a message id is 1-256 of A-Z a-z 0-9 _ -");

const signInputSchema = z.object({
  id: messageIdSchema,
  timestamp: z.number().int().nonnegative(),
  body: z.string(),
  secrets: z.array(z.string()).min(1, "at least one secret signs a message"),
});

export interface SignWebhookInput {
  /** The message id; the same on every retry of one message. */
  id: string;
  /** Unix seconds at the moment of this attempt. */
  timestamp: number;
  /** The exact body text that will be sent. */
  body: string;
  /** `whsec_…` secrets; two during a rotation, so receivers on either secret accept the message. */
  secrets: readonly string[];
}

const ENCODER = new TextEncoder();

/**
 * Keys this isolate imported, by secret: a lead's outbox signs with the same few secrets all day. The
 * keys themselves are kept, never a pending import: a promise must not pass from one request to another.
 */
const KEYS = new Map<string, CryptoKey>();
const MAX_KEPT_KEYS = 64;

async function importHmacKey(secret: string): Promise<CryptoKey> {
  const kept = KEYS.get(secret);
  if (kept) return kept;
  const key = await crypto.subtle.importKey("raw", parseSecret(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  if (KEYS.size >= MAX_KEPT_KEYS) KEYS.delete(KEYS.keys().next().value!);
  KEYS.set(secret, key);
  return key;
}

function signedContent(id: string, timestamp: number, body: string): Uint8Array<ArrayBuffer> {
  return ENCODER.encode(`${id}.${timestamp}.${body}`) as Uint8Array<ArrayBuffer>;
}

/**
 * Signs one delivery attempt. Throws on an invalid id or secret: those are bugs in the caller,
 * not conditions of the network.
 *
 * @example
 * const headers = await signWebhook({
 *   id: "msg_01J9Z6TQ6C2V8XKQ0M4W5R7N3B",
 *   timestamp: 1_735_689_600,
 *   body: '{"type":"lead.label_changed",…}',
 *   secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
 * });
 * // { "webhook-id": "msg_…", "webhook-timestamp": "1735689600", "webhook-signature": "v1,K5oZ…=" }
 */
export async function signWebhook(input: SignWebhookInput): Promise<WebhookHeaders> {
  const { id, timestamp, body, secrets } = signInputSchema.parse(input);
  const content = signedContent(id, timestamp, body);
  const signatures = await Promise.all(
    secrets.map(async (secret) => {
      const mac = await crypto.subtle.sign("HMAC", await importHmacKey(secret), content);
      return `${SIGNATURE_VERSION},${bytesToBase64(new Uint8Array(mac))}`;
    }),
  );
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    // Standard Webhooks: several signatures are space-delimited; a receiver accepts if any one matches.
    "webhook-signature": signatures.join(" "),
  };
}
