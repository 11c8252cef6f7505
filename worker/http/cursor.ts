/**
 * Opaque page cursors: a small JSON value as URL-safe base64 (RFC 4648 §5, no padding). Opaque to
 * clients, not secret: whatever reads one back validates its shape before trusting it.
 */
import { base64ToBytes, bytesToBase64 } from "../webhooks/base64";

/**
 * Encodes a JSON value as a cursor string.
 *
 * @example encodeJsonCursor([1767225600000, "evt_1"]) // "WzE3NjcyMjU2MDAwMDAsImV2dF8xIl0"
 */
export function encodeJsonCursor(value: unknown): string {
  return bytesToBase64(new TextEncoder().encode(JSON.stringify(value))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * The JSON value a cursor holds, or undefined for a string that is not one of ours.
 *
 * @example decodeJsonCursor("WzE3NjcyMjU2MDAwMDAsImV2dF8xIl0") // [1767225600000, "evt_1"]
 */
export function decodeJsonCursor(text: string): unknown {
  const padded = text.replace(/-/g, "+").replace(/_/g, "/");
  const bytes = base64ToBytes(padded + "=".repeat((4 - (padded.length % 4)) % 4));
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}
