import type { Context, MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import type { Env } from "../env";
import { ApiError, errorBody } from "./errors";
import { hasSessionCookie, isSameOrigin, readSession } from "./session";

/** Methods that change something: a cookie alone is not enough for them, the page must be ours. */
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Compares two secrets in constant time. Both sides are hashed first so neither the length nor
 * the first differing byte leaks through timing.
 */
export async function secretsEqual(given: string, expected: string): Promise<boolean> {
  const enc = new TextEncoder();
  const [a, b] = await Promise.all([
    crypto.subtle.digest("SHA-256", enc.encode(given)),
    crypto.subtle.digest("SHA-256", enc.encode(expected)),
  ]);
  const x = new Uint8Array(a);
  const y = new Uint8Array(b);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ y[i]!;
  return diff === 0;
}

/** Whether `token` is the admin token; an unset ADMIN_TOKEN matches nothing. */
export async function isAdminToken(env: Env, token: string | undefined): Promise<boolean> {
  const expected = env.ADMIN_TOKEN;
  return !!token && !!expected && (await secretsEqual(token, expected));
}

const UNAUTHORIZED_MESSAGE = "Send the admin token as 'Authorization: Bearer <token>', or sign in to the console";
const BEARER_CHALLENGE = 'Bearer realm="leadscore"';

function unauthorized(): ApiError {
  return new ApiError(401, "unauthorized", UNAUTHORIZED_MESSAGE, [], { "WWW-Authenticate": BEARER_CHALLENGE });
}

/** Every refusal of the bearer check is the same 401 in the contract's shape: no hint which part was wrong. */
function unauthorizedResponse(): Response {
  return Response.json(errorBody("unauthorized", UNAUTHORIZED_MESSAGE), { status: 401, headers: { "WWW-Authenticate": BEARER_CHALLENGE } });
}

/** hono's bearer check with the admin token, compared in constant time (secretsEqual). */
const adminBearer = bearerAuth<{ Bindings: Env }>({
  verifyToken: (token, c) => isAdminToken(c.env, token),
  noAuthenticationHeader: { message: unauthorizedResponse },
  invalidAuthenticationHeader: { message: unauthorizedResponse },
  invalidToken: { message: unauthorizedResponse },
});

/** How the request proved it is the operator: the `bearer` token, or a console `session` cookie. */
export type AdminVia = "bearer" | "session";

/**
 * Who the request is: the bearer token (scripts, curl) or a console session cookie. A cookie travels
 * with every request the browser makes, so writes that ride on one must come from a page of this
 * very origin (CSRF); a bearer token is never sent on its own and needs no such check.
 */
export async function authenticateAdmin(c: Context<{ Bindings: Env }>): Promise<AdminVia> {
  const header = c.req.header("authorization");
  if (header !== undefined) {
    await adminBearer(c, async () => {});
    return "bearer";
  }
  if (!hasSessionCookie(c) || !(await readSession(c, Date.now()))) throw unauthorized();
  if (WRITE_METHODS.has(c.req.method) && !isSameOrigin(c.req.url, c.req.header("origin"))) {
    throw new ApiError(403, "cross_origin", "A write with the console's cookie must come from the console's own origin");
  }
  return "session";
}

/** Requests already let through: route files that each guard their paths must not ask the session store twice. */
const ADMITTED = new WeakMap<Request, AdminVia>();

/** Operator API guard: the bearer admin token or a console session (see authenticateAdmin). */
export const requireAdmin: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  if (!ADMITTED.has(c.req.raw)) ADMITTED.set(c.req.raw, await authenticateAdmin(c));
  await next();
};
