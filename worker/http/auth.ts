import type { MiddlewareHandler } from "hono";
import type { Env } from "../env";
import { ApiError } from "./errors";

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

/** Bearer admin token for the operator API; an unset ADMIN_TOKEN locks the API rather than opening it. */
export const requireAdmin: MiddlewareHandler<{ Bindings: Env }> = async (c, next) => {
  const header = c.req.header("authorization") ?? "";
  const token = /^Bearer\s+(.+)$/i.exec(header)?.[1]?.trim();
  const expected = c.env.ADMIN_TOKEN;
  if (!token || !expected || !(await secretsEqual(token, expected))) {
    throw new ApiError(401, "unauthorized", "Send the admin token as 'Authorization: Bearer <token>'", [], { "WWW-Authenticate": 'Bearer realm="leadscore"' });
  }
  await next();
};
