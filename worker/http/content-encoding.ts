import { ApiError } from "./errors";

/** The Content-Encodings a route may accept, decoded by the platform's DecompressionStream. */
export type BodyEncoding = "gzip" | "deflate";

/** RFC 9110: "x-gzip" is gzip's old name and is read as gzip. "deflate" is the zlib format (RFC 1950). */
const FORMATS: Record<string, BodyEncoding> = { gzip: "gzip", "x-gzip": "gzip", deflate: "deflate" };

/**
 * A compressed body may expand at most this much. Real JSON compresses about 5-20:1; a body that
 * expands further is a decompression bomb, refused at the first chunk that passes the ratio, before the
 * size limit is reached.
 */
export const MAX_COMPRESSION_RATIO = 100;
/** Below this decompressed size the ratio is not checked: tiny bodies of repeated bytes are harmless. */
const RATIO_FLOOR_BYTES = 16 * 1024;

/** A request body as the route reads it: decoded bytes, with the count of encoded bytes consumed so far. */
export interface DecodedBody {
  stream: ReadableStream<Uint8Array>;
  /** The Content-Encoding being decoded, or null for an uncompressed body (read as it comes). */
  encoding: BodyEncoding | null;
  /** Encoded bytes read from the request so far (counted only when compressed). */
  encodedBytes(): number;
}

/**
 * The request's body, decompressed when its Content-Encoding is one of `accepted`; any other encoding
 * is a 415 (an unknown encoding read as JSON would only be a confusing 400). Reading more than
 * `maxEncodedBytes` of a compressed body errors the stream, even while the decoder yields nothing (a
 * gzip header can hide megabytes that decode to no output).
 *
 * @example
 *   const body = decodedBody(request, ["gzip", "deflate"], 500 * 1024); // Content-Encoding: gzip
 *   const reader = body?.stream.getReader(); // decompressed chunks
 */
export function decodedBody(request: Request, accepted: readonly BodyEncoding[], maxEncodedBytes: number): DecodedBody | null {
  const header = (request.headers.get("content-encoding") ?? "").trim().toLowerCase();
  const encoding = header === "" || header === "identity" ? null : FORMATS[header];
  if (encoding === undefined || (encoding && !accepted.includes(encoding))) {
    const allowed = accepted.length ? `uncompressed or with Content-Encoding ${accepted.join(" or ")}` : "uncompressed";
    throw new ApiError(415, "unsupported_encoding", `Content-Encoding "${header}" is not accepted here: send the body ${allowed}`);
  }
  if (!request.body) return null;
  if (!encoding) return { stream: request.body, encoding, encodedBytes: () => 0 };
  let encoded = 0;
  const counted = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      encoded += chunk.byteLength;
      if (encoded > maxEncodedBytes) controller.error(new RangeError("compressed body over its limit"));
      else controller.enqueue(chunk);
    },
  });
  return { stream: request.body.pipeThrough(counted).pipeThrough(new DecompressionStream(encoding)), encoding, encodedBytes: () => encoded };
}

/**
 * Whether `decoded` bytes from `encoded` ones pass the ratio a real body can have.
 * @example exceedsRatio(2_000_000, 10_000) // -> true (200:1)
 */
export function exceedsRatio(decoded: number, encoded: number): boolean {
  return decoded > RATIO_FLOOR_BYTES && decoded > MAX_COMPRESSION_RATIO * Math.max(encoded, 1);
}
