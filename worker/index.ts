import { Hono } from "hono";
import type { Env } from "./env";
import { handleError, notFound } from "./http/errors";
import { demoBackend } from "./identity/demo-backend";
import { admin } from "./routes/admin";
import { assets } from "./routes/assets";
import { collect } from "./routes/collect";
import { openapi } from "./routes/openapi";
import { segment } from "./routes/segment";

export { LeadObject } from "./lead/LeadObject";
export { SiteObject } from "./site/SiteObject";

/** The worker: collect (snippet), operator API, OpenAPI and the snippet itself. */
export const app = new Hono<{ Bindings: Env }>();

app.get("/health", (c) => c.json({ ok: true }));
app.route("/", collect);
app.route("/", segment);
app.route("/", admin);
app.route("/", openapi);
app.route("/", demoBackend);
app.route("/", assets);
app.notFound(notFound);
app.onError(handleError);

export default app;
