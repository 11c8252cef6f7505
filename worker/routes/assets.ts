import { Hono, type Context } from "hono";
import type { Env } from "../env";
import { ApiError } from "../http/errors";

/**
 * Everything Workers Static Assets holds (see scripts/build-assets.mjs), served through the worker:
 * `run_worker_first` sends every request here first, so the snippet keeps its CORS and cache
 * headers, the console gets its security headers and a page for each of its paths, and the demo
 * shop exists only with DEMO=1.
 */
export const assets = new Hono<{ Bindings: Env }>();

type C = Context<{ Bindings: Env }>;

/** Short browser cache, longer at the edge: a new snippet reaches every site within minutes. */
const SNIPPET_HEADERS = {
  "Content-Type": "application/javascript; charset=utf-8",
  "Cache-Control": "public, max-age=300, s-maxage=3600",
  "Access-Control-Allow-Origin": "*",
};

/**
 * The console talks to its own origin only and runs only its own bundle; it may not be framed
 * (clickjacking of the erase button) and sends no referrer.
 */
const CONSOLE_HEADERS = {
  "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

/** The console's page is tiny and names unhashed files: always revalidate, never serve a stale one. */
const CONSOLE_PAGE_CACHE = "no-cache";

/** Asks the assets binding for `path`; conditional requests pass through so a browser gets its 304. */
async function asset(c: C, path: string): Promise<Response> {
  const headers = new Headers();
  const etag = c.req.header("if-none-match");
  if (etag) headers.set("if-none-match", etag);
  return c.env.ASSETS.fetch(new Request(new URL(path, c.req.url), { headers }));
}

/** The asset's answer with `extra` headers set (asset responses are immutable: copy first). */
function withHeaders(res: Response, extra: Record<string, string>): Response {
  const out = new Response(res.body, res);
  for (const [name, value] of Object.entries(extra)) out.headers.set(name, value);
  return out;
}

assets.get("/leadscore.js", async (c) => withHeaders(await asset(c, "/leadscore.js"), SNIPPET_HEADERS));

assets.get("/console", (c) => c.redirect("/console/", 301));

/** Bundles under /console/_/; every other /console/ path is a page of the console (it routes in the browser). */
assets.get("/console/*", async (c) => {
  const path = new URL(c.req.url).pathname;
  if (path.startsWith("/console/_/")) {
    const res = await asset(c, path);
    if (res.status === 404) throw new ApiError(404, "not_found", `No console file ${path}`);
    return withHeaders(res, { ...CONSOLE_HEADERS, "Cache-Control": CONSOLE_PAGE_CACHE });
  }
  return withHeaders(await asset(c, "/console/index.html"), { ...CONSOLE_HEADERS, "Cache-Control": "no-store" });
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
  for (const candidate of candidates) {
    // `html_handling: "none"`: each candidate is an exact file, never a redirect to a tidier path.
    if (candidate.includes("//")) continue;
    const res = await asset(c, `/demo${candidate}`);
    if (res.status === 404) continue;
    return withHeaders(res, { "Cache-Control": "no-store" });
  }
  return next();
});
