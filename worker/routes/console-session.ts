import { Hono } from "hono";
import type { Env } from "../env";
import { authenticateAdmin, isAdminToken } from "../http/auth";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import { endSession, isSameOrigin, readSession, startSession } from "../http/session";
import { signInRequestSchema } from "./console-session-schema";

/**
 * Console sign-in and sign-out: `POST /v1/session` trades the admin token for an HttpOnly session
 * cookie, `GET` tells the console whether it is signed in, `DELETE` ends the session.
 */
export const consoleSession = new Hono<{ Bindings: Env }>();

consoleSession.post("/v1/session", async (c) => {
  // A page elsewhere must not sign this browser in to a session of its choosing (login CSRF).
  if (!isSameOrigin(c.req.url, c.req.header("origin"))) {
    throw new ApiError(403, "cross_origin", "Sign in from the console's own origin");
  }
  const { token } = parseOr(signInRequestSchema, await readJson(c.req.raw, { maxBytes: 4096, types: ["application/json"] }));
  if (!(await isAdminToken(c.env, token))) throw new ApiError(401, "unauthorized", "That is not the admin token");
  const session = await startSession(c, token, Date.now());
  c.header("Cache-Control", "no-store");
  return c.json({ signedIn: true as const, via: "session" as const, expiresAt: new Date(session.expiresAt).toISOString(), demo: c.env.DEMO === "1" });
});

consoleSession.get("/v1/session", async (c) => {
  const via = await authenticateAdmin(c);
  const session = via === "session" ? await readSession(c, Date.now()) : null;
  c.header("Cache-Control", "no-store");
  return c.json({ signedIn: true as const, via, ...(session ? { expiresAt: new Date(session.expiresAt).toISOString() } : {}), demo: c.env.DEMO === "1" });
});

consoleSession.delete("/v1/session", async (c) => {
  const via = await authenticateAdmin(c);
  const session = via === "session" ? await readSession(c, Date.now()) : null;
  if (session) await endSession(c, session);
  c.header("Cache-Control", "no-store");
  return c.json({ signedOut: true });
});
