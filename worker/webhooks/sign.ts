/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`,
 * sent as `webhook-signature: v1,<base64>`. WebCrypto only, so it runs in workerd and Node alike.
 */
import { z } from "zod";
import { base64ToBytes, bytesToBase64 } from "./base64";
import { parseSecret } from "./secret";

export { generateSecret, parseSecret, whsecSchema, type WebhookSecret } from "./secret";

export const SIGNATURE_VERSION = "v1";
/** The reference libraries reject timestamps more than five minutes off; receivers expect the same. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

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

function importHmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", parseSecret(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

function signedContent(id: string, timestamp: number | string, body: string): Uint8Array<ArrayBuffer> {
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
      const mac = await crypto.subtle.sign("HMAC", await importHmacKey(secret, "sign"), content);
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

export type VerifyResult = { ok: true; id: string; timestamp: number } | { ok: false; reason: string };

export interface VerifyOptions {
  toleranceSeconds?: number;
  /** The receiver's clock in milliseconds; defaults to Date.now(). */
  now?: number;
}

function readHeader(headers: Headers | Record<string, string | undefined>, name: WebhookHeaderName): string | null {
  if (headers instanceof Headers) return headers.get(name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return null;
}

/**
 * Verifies a Standard Webhooks request as a receiver would; the inspector uses it to show why a
 * message does or does not verify. Never throws: every failure is a reason.
 *
 * @example
 * const result = await verifyWebhook(request.headers, await request.text(), "whsec_…");
 * if (!result.ok) console.log(result.reason); // e.g. "timestamp is 412 s away from now (tolerance 300 s)"
 */
export async function verifyWebhook(
  headers: Headers | Record<string, string | undefined>,
  body: string,
  secret: string | readonly string[],
  { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now() }: VerifyOptions = {},
): Promise<VerifyResult> {
  const id = readHeader(headers, "webhook-id");
  const timestampText = readHeader(headers, "webhook-timestamp");
  const signatureHeader = readHeader(headers, "webhook-signature");
  if (!id || !timestampText || !signatureHeader) {
    return { ok: false, reason: "missing webhook-id, webhook-timestamp or webhook-signature header" };
  }
  if (!/^\d{1,15}$/.test(timestampText)) return { ok: false, reason: "webhook-timestamp is not Unix seconds" };
  const timestamp = Number(timestampText);
  const skew = Math.abs(Math.floor(now / 1000) - timestamp);
  // The timestamp is signed, so checking it bounds how long a captured request can be replayed.
  if (skew > toleranceSeconds) {
    return { ok: false, reason: `timestamp is ${skew} s away from now (tolerance ${toleranceSeconds} s)` };
  }

  const secrets = typeof secret === "string" ? [secret] : secret;
  let keys: CryptoKey[];
  try {
    keys = await Promise.all(secrets.map((s) => importHmacKey(s, "verify")));
  } catch {
    return { ok: false, reason: "the secret is not a valid whsec_ secret" };
  }

  const content = signedContent(id, timestampText, body);
  const candidates = signatureHeader
    .split(" ")
    .filter((entry) => entry.startsWith(`${SIGNATURE_VERSION},`))
    .map((entry) => base64ToBytes(entry.slice(SIGNATURE_VERSION.length + 1)))
    .filter((bytes) => bytes !== null);
  for (const key of keys) {
    for (const candidate of candidates) {
      // subtle.verify compares in constant time, so the check leaks nothing about the expected MAC.
      if (await crypto.subtle.verify("HMAC", key, candidate, content)) return { ok: true, id, timestamp };
    }
  }
  return {
    ok: false,
    reason: candidates.length === 0 ? `no ${SIGNATURE_VERSION} signature in webhook-signature` : "no signature matches",
  };
}
