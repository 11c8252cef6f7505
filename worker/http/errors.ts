import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import { issuesFromZod, jsonPath, type Issue } from "./issues";

/** One problem with a request: `path` is a JSON path into the input ("$.events[2].name"). */
export type ErrorIssue = Issue;
export { issuesFromZod, jsonPath };

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

/** Parses `input` with `schema` or throws a 400 (or the given status) naming every problem. */
export function parseOr<T extends z.ZodType>(
  schema: T,
  input: unknown,
  status: ContentfulStatusCode = 400,
  code = "invalid_request",
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ApiError(status, code, "The request does not match the expected shape", issuesFromZod(result.error, input));
  }
  return result.data;
}

/**
 * The contract's error body.
 *
 * @example errorBody("precondition_failed", "The config changed since you read it")
 */
export function errorBody(code: string, message: string, issues: ErrorIssue[] = []): ErrorBody {
  return { error: { code, message, issues } };
}

/**
 * hono `onError`: ApiError -> its status and body; hono's own middleware (bearerAuth, basicAuth)
 * -> the response it built, already in the contract's shape; anything else -> 500 without internals.
 */
export function handleError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
    return c.json(errorBody(err.code, err.message, err.issues), err.status);
  }
  if (err instanceof HTTPException) return err.getResponse();
  console.error("unhandled", err);
  return c.json(errorBody("internal", "Something went wrong on our side"), 500);
}

export function notFound(c: Context): Response {
  return c.json(errorBody("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`), 404);
}
