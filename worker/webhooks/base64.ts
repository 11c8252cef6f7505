/**
 * Base64 for bytes, built on `btoa`/`atob` so it runs unchanged in workerd and Node 20+ (no Buffer).
 */

/** Strict standard base64 (RFC 4648 §4): the alphabet Standard Webhooks uses for keys and signatures. */
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Encodes bytes as standard, padded base64.
 *
 * @example
 * bytesToBase64(new Uint8Array([1, 2, 3])) // "AQID"
 */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  // Chunked so a large input never exceeds the engine's argument limit for String.fromCharCode.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes standard, padded base64; returns null for anything else rather than guessing
 * (`atob` alone tolerates missing padding and whitespace).
 *
 * @example
 * base64ToBytes("AQID") // Uint8Array [1, 2, 3]
 * base64ToBytes("AQ I") // null
 */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | null {
  if (!BASE64_PATTERN.test(text)) return null;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
