import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

/** One problem with a request: `path` is a JSON path into the input ("$.events[2].name"). */
export interface ErrorIssue {
  path: string;
  message: string;
}

/** The contract's error body: `{ error: { code, message, issues } }`. */
export interface ErrorBody {
  error: { code: string; message: string; issues: ErrorIssue[] };
}

/**
 * A rejected request, thrown anywhere below a route and turned into the contract's error body by
 * `onError`. Bugs stay ordinary exceptions and become a 500 with no detail.
 *
 * @example throw new ApiError(413, "payload_too_large", "A batch holds at most 500 KB")
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues: ErrorIssue[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Formats a zod path as a JSON path: ["events", 2, "name"] -> "$.events[2].name". */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    "$",
  );
}

/**
 * Turns zod issues into the contract's issue list. A value matching no branch of a union is
 * reported through the branch it came closest to (fewest issues), so the path names the field that
 * is wrong ("$.models[0].rules[0].points") rather than the whole union.
 */
export function issuesFromZod(error: z.ZodError, max = 50): ErrorIssue[] {
  return flatten(error.issues, []).slice(0, max);
}

function flatten(issues: ReadonlyArray<z.core.$ZodIssue>, base: PropertyKey[]): ErrorIssue[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const closest = issue.errors.reduce((best, branch) => (branch.length < best.length ? branch : best));
      if (closest.length > 0) return flatten(closest, path);
    }
    return [{ path: jsonPath(path), message: issue.message }];
  });
}

/** Parses `input` with `schema` or throws a 400 (or the given status) naming every problem. */
export function parseOr<T extends z.ZodType>(
  schema: T,
  input: unknown,
  status: ContentfulStatusCode = 400,
  code = "invalid_request",
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError(status, code, "The request does not match the expected shape", issuesFromZod(result.error));
  }
  return result.data;
}

export function errorBody(code: string, message: string, issues: ErrorIssue[] = []): ErrorBody {
  return { error: { code, message, issues } };
}

/** hono `onError`: ApiError -> its status and body; anything else -> 500 without internals. */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message, err.issues), err.status);
  }
  console.error("unhandled", err);
  return c.json(errorBody("internal", "Something went wrong on our side"), 500);
}

export function notFound(c: Context): Response {
  return c.json(errorBody("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);
}
