import { z } from "zod";

/** Signing in to the console: the admin token, sent once. */
export const signInRequestSchema = z.object({ token: z.string().min(1).max(512) }).strict();

/** A console session as the browser may know it: never its id, which only the HttpOnly cookie holds. */
export const sessionResponseSchema = z.object({
  signedIn: z.literal(true),
  via: z.enum(["bearer", "session"]),
  /** ISO 8601; absent for the bearer token, which does not expire. */
  expiresAt: z.iso.datetime().optional(),
  /** The demo shop is served (local development): the console offers the "demo" site first. */
  demo: z.boolean(),
});
