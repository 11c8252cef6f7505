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
}

/**
 * Reads a JSON body defensively: media type, size (streamed, so a lying Content-Length cannot
 * exhaust memory), strict UTF-8, JSON syntax, nesting depth and prototype keys. Each failure is a
 * 4xx `ApiError`, never a 500.
 *
 * @example const body = await readJson(c.req.raw, { maxBytes: 32_768, types: ["application/json"] })
 */
export async function readJson(request: Request, options: ReadJsonOptions): Promise<unknown> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!options.types.includes(type)) {
    throw new ApiError(415, "unsupported_media_type", `Send the body as ${options.types.join(" or ")}`);
  }
  const bytes = await readLimited(request, options.maxBytes);
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

async function readLimited(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw tooLarge(maxBytes);
  if (!request.body) return new Uint8Array();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `The body is larger than ${maxBytes} bytes`);
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
