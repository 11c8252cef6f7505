import { Hono } from "hono";
import type { Env } from "./env";
import { handleError, notFound } from "./http/errors";
import { demoBackend } from "./identity/demo-backend";
import { admin } from "./routes/admin";
import { adminOverview } from "./routes/admin-overview";
import { adminWebhooks } from "./routes/admin-webhooks";
import { assets } from "./routes/assets";
import { collect } from "./routes/collect";
import { consoleSession } from "./routes/console-session";
import { openapi } from "./routes/openapi";
import { segment } from "./routes/segment";

export { LeadObject } from "./lead/LeadObject";
export { SessionObject } from "./session/SessionObject";
export { SiteObject } from "./site/SiteObject";

/** The worker: collect (snippet), operator API, console sign-in, OpenAPI, and the static assets. */
export const app = new Hono<{ Bindings: Env }>();

app.get("/health", (c) => c.json({ ok: true }));
app.route("/", collect);
app.route("/", segment);
app.route("/", admin);
app.route("/", adminWebhooks);
app.route("/", adminOverview);
app.route("/", consoleSession);
app.route("/", openapi);
app.route("/", demoBackend);
app.route("/", assets);
app.notFound(notFound);
app.onError(handleError);

export default app;
