import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { readSecret } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import { loadSiteConfig } from "../site/config-cache";
import { signIdentityToken } from "./token";

/** How long the demo's identity tokens last: a real back end picks what suits its sessions. */
const TOKEN_LIFETIME_S = 60 * 60;
const DEMO_SITE = "demo";

const requestSchema = z.object({ userId: z.string().trim().min(1).max(256) }).strict();

/**
 * The demo shop's stand-in back end (DEMO=1 only): after a sign-up, a real shop's server knows who
 * signed up and gives the page an identity token for that user id. This one signs whatever it is
 * asked, which is exactly what a real back end must never do: it signs only the user it authenticated.
 */
export const demoBackend = new Hono<{ Bindings: Env }>();

demoBackend.post("/demo/identity-token", async (c) => {
  if (c.env.DEMO !== "1") throw new ApiError(404, "not_found", "No route for POST /demo/identity-token");
  const { userId } = parseOr(requestSchema, await readJson(c.req.raw, { maxBytes: 4096, types: ["application/json"] }));
  const ref = (await loadSiteConfig(c.env, DEMO_SITE, Date.now()))?.config.identity?.secret;
  const secret = ref ? readSecret(c.env, ref.env) : undefined;
  if (!secret) throw new ApiError(404, "no_identity_secret", "The demo site has no identity secret; identify stays unverified");
  const expiresAt = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
  return c.json({ userId, expiresAt, signature: await signIdentityToken(userId, secret, expiresAt) });
});
