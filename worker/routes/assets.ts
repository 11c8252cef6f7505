import { Hono } from "hono";
import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { DEMO_FILES, SNIPPET_JS } from "../generated/assets";

export const assets = new Hono<{ Bindings: Env }>();

assets.get("/leadscore.js", (c) => {
  c.header("Content-Type", "application/javascript; charset=utf-8");
  // Short browser cache, longer at the edge: a new snippet reaches every site within minutes.
  c.header("Cache-Control", "public, max-age=300, s-maxage=3600");
  c.header("Access-Control-Allow-Origin", "*");
  return c.body(SNIPPET_JS);
});

/**
 * The demo footer's link to the webhook inspector: wherever `npm start` runs it (INSPECTOR_PORT), so
 * the pages name no port.
 */
assets.get("/inspector", (c, next) => {
  if (c.env.DEMO !== "1") return next();
  const url = c.env.DEMO_INSPECTOR_URL;
  if (!url) throw new ApiError(404, "no_inspector", "No webhook inspector runs next to this worker: `npm start` runs one and sets DEMO_INSPECTOR_URL");
  return c.redirect(url, 302);
});

/** The demo shop, only with DEMO=1 (local development); `/app/*` is the SPA's fallback page. */
assets.get("*", async (c, next) => {
  if (c.env.DEMO !== "1") return next();
  const path = new URL(c.req.url).pathname;
  const candidates = path.startsWith("/app/") ? ["/app.html"] : [path, `${path.replace(/\/$/, "")}/index.html`, `${path}.html`];
  const file = candidates.map((p) => DEMO_FILES[p]).find(Boolean);
  if (!file) return next();
  c.header("Content-Type", file.type);
  c.header("Cache-Control", "no-store");
  return c.body(file.base64 ? Uint8Array.from(atob(file.body), (ch) => ch.charCodeAt(0)) : file.body);
});
