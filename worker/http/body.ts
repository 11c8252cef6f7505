import { decodedBody, exceedsRatio, MAX_COMPRESSION_RATIO, type BodyEncoding } from "./content-encoding";
import { ApiError } from "./errors";

/** Keys that could reach an object's prototype if a later merge were careless: refuse them at the door. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);
/** Deeper than any real event needs; deep nesting is a parser-exhaustion trick. */
const MAX_DEPTH = 12;

export interface ReadJsonOptions {
  /** Largest accepted body in bytes (413 beyond). */
  maxBytes: number;
  /** Accepted media types, e.g. ["application/json", "text/plain"] (415 otherwise). */
  types: readonly string[];
  /**
   * Accepted Content-Encodings (415 for others; default none). `maxBytes` then bounds the decompressed
   * size, and the compressed input too; a body expanding more than 100:1 is refused as a bomb.
   */
  encodings?: readonly BodyEncoding[];
}

/**
 * Reads a JSON body defensively: media type, content encoding, size (streamed and counted after
 * decompression, so neither a lying Content-Length nor a zip bomb can exhaust memory), strict UTF-8,
 * JSON syntax, nesting depth and prototype keys. Each failure is a 4xx `ApiError`, never a 500.
 *
 * hono's `bodyLimit` does not fit here: it counts the bytes on the wire (a 500 KB gzip body can
 * inflate to 50 MB), buffers a second copy of a chunked body before this reader sees it, and answers
 * its own 413 where Segment's routes must answer 400. The limit is counted in this one streaming
 * pass instead, after decompression.
 *
 * @example const body = await readJson(c.req.raw, { maxBytes: 32_768, types: ["application/json"] })
 */
export async function readJson(request: Request, options: ReadJsonOptions): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!options.types.includes(type)) {
    throw new ApiError(415, "unsupported_media_type", `Send the body as ${options.types.join(" or ")}`);
  }
  const bytes = await readLimited(request, options);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError(400, "invalid_encoding", "The body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The body is not valid JSON");
  }
  const problem = findStructuralProblem(value, 0, "$");
  if (problem) throw new ApiError(400, "invalid_json", problem.message, [problem]);
  return value;
}

async function readLimited(request: Request, options: ReadJsonOptions): Promise<Uint8Array> {
  const { maxBytes } = options;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const body = decodedBody(request, options.encodings ?? [], maxBytes);
  if (!body) return new Uint8Array();
  // An uncompressed body of a declared length is framed by it (the runtime reads no byte past it), so
  // one native read replaces the chunk loop; the length is checked again in case it was not.
  if (!body.encoding && request.headers.has("content-length")) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await request.arrayBuffer());
    } catch {
      throw new ApiError(400, "invalid_encoding", "The body could not be read");
    }
    if (bytes.byteLength > maxBytes) throw tooLarge(maxBytes);
    return bytes;
  }
  const reader = body.stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let step: ReadableStreamReadResult<Uint8Array>;
    try {
      step = await reader.read();
    } catch {
      // The decoder failed (corrupt or truncated data) or the compressed input passed the limit.
      if (body.encodedBytes() > maxBytes) throw tooLarge(maxBytes, body.encoding);
      throw new ApiError(400, "invalid_encoding", body.encoding ? `The body is not valid ${body.encoding} data` : "The body could not be read");
    }
    if (step.done) break;
    total += step.value.byteLength;
    const problem = total > maxBytes ? tooLarge(maxBytes, body.encoding) : body.encoding && exceedsRatio(total, body.encodedBytes()) ? tooCompressed() : null;
    if (problem) {
      await reader.cancel().catch(() => {});
      throw problem;
    }
    chunks.push(step.value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Over the limit once decompressed is its own code: a route may answer plain oversize differently. */
function tooLarge(maxBytes: number, encoding: BodyEncoding | null = null): ApiError {
  return encoding
    ? new ApiError(413, "decompressed_too_large", `The body is larger than ${maxBytes} bytes once decompressed (${encoding})`)
    : new ApiError(413, "payload_too_large", `The body is larger than ${maxBytes} bytes`);
}

function tooCompressed(): ApiError {
  return new ApiError(413, "compression_ratio_exceeded", `The body expands more than ${MAX_COMPRESSION_RATIO}:1 when decompressed; send it uncompressed`);
}

function findStructuralProblem(value: unknown, depth: number, path: string): { path: string; message: string } | null {
  if (value === null || typeof value !== "object") return null;
  if (depth >= MAX_DEPTH) return { path, message: `Nested deeper than ${MAX_DEPTH} levels` };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findStructuralProblem(value[i], depth + 1, `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return { path: `${path}.${key}`, message: `The key "${key}" is not allowed` };
    const problem = findStructuralProblem((value as Record<string, unknown>)[key], depth + 1, `${path}.${key}`);
    if (problem) return problem;
  }
  return null;
}
