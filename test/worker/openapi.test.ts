import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { app } from "../../worker/index";
import { OPERATIONS, RESPONSE_SCHEMAS } from "../../worker/routes/openapi";
import { adminFetch, collect, pageView, putConfig, shopConfig, uniqueSite } from "./helpers";

/** Parses an answer with the schema the OpenAPI document names for its status. */
async function conforms(res: Response, method: string, path: string): Promise<any> {
  const op = OPERATIONS.find((o) => o.method === method && o.path === path)!;
  const name = op.responses[String(res.status)]?.schema ?? (op.errors.includes(res.status) ? "Error" : undefined);
  expect(name, `${method} ${path} answered ${res.status}, which the document does not describe`).toBeDefined();
  const body = await res.json();
  const parsed = RESPONSE_SCHEMAS[name!]!.safeParse(body);
  expect(parsed.error?.issues ?? [], `${method} ${path} ${res.status}`).toEqual([]);
  return body;
}

describe("the OpenAPI document against the worker", () => {
  it("lists every route the worker serves", () => {
    const served = new Set(app.routes.filter((r) => r.method !== "ALL" && r.method !== "OPTIONS").map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`));
    const documented = new Set(OPERATIONS.map((op) => `${op.method} ${op.path}`));
    // The demo shop's own routes answer only with DEMO=1 (local development): they are not the product's API.
    const demoOnly = (route: string) => route.startsWith("get /app") || route.includes(" /demo/") || route === "get /inspector";
    // The console's pages are static files (Workers Static Assets), not API operations.
    const consolePage = (route: string) => route === "get /console" || route === "get /console/*";
    expect([...served].filter((route) => !documented.has(route) && !demoOnly(route) && !consolePage(route) && route !== "get /*")).toEqual([]);
    expect([...documented].filter((route) => !served.has(route))).toEqual([]);
  });

  it("describes what the endpoints really answer", async () => {
    const site = uniqueSite();
    const json = { "content-type": "application/json" };
    await conforms(await SELF.fetch("https://x/health"), "get", "/health");
    const put = await conforms(await putConfig(site, shopConfig(site)), "put", "/v1/sites/{site}/config");
    expect(put.version).toBe(1);
    await conforms(await adminFetch(`/v1/sites/${site}/config`), "get", "/v1/sites/{site}/config");
    await conforms(await adminFetch(`/v1/sites/${site}/config`, { method: "PATCH", headers: json, body: JSON.stringify({ ignoreBots: true }) }), "patch", "/v1/sites/{site}/config");
    await conforms(await adminFetch(`/v1/sites/${site}/config`, { method: "PATCH", headers: { ...json, "if-match": '"v1"' }, body: "{}" }), "patch", "/v1/sites/{site}/config");
    await conforms(await adminFetch(`/v1/sites/${site}/config`, { method: "PUT", headers: json, body: JSON.stringify({ models: [] }) }), "put", "/v1/sites/{site}/config");
    await conforms(await adminFetch(`/v1/sites/${site}/config/versions`), "get", "/v1/sites/{site}/config/versions");
    await conforms(await adminFetch(`/v1/sites/${site}/config/versions/1`), "get", "/v1/sites/{site}/config/versions/{version}");
    await conforms(await adminFetch(`/v1/sites/${site}/config/rollback`, { method: "POST", headers: json, body: JSON.stringify({ version: 1 }) }), "post", "/v1/sites/{site}/config/rollback");

    await conforms(await collect({ s: site, a: "visitor-openapi01", e: [pageView("/pricing")] }), "post", "/e");
    await conforms(await adminFetch(`/v1/sites/${site}/leads`), "get", "/v1/sites/{site}/leads");
    await conforms(await adminFetch(`/v1/sites/${site}/leads/visitor-openapi01`), "get", "/v1/sites/{site}/leads/{lead}");
    const events = [{ name: "page_view", path: "/pricing", timestamp: Date.now() }];
    await conforms(await adminFetch(`/v1/sites/${site}/simulate`, { method: "POST", headers: json, body: JSON.stringify({ events }) }), "post", "/v1/sites/{site}/simulate");
    await conforms(await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`), "get", "/v1/sites/{site}/webhooks/{endpoint}/dead-letters");
    await conforms(await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters/redeliver`, { method: "POST" }), "post", "/v1/sites/{site}/webhooks/{endpoint}/dead-letters/redeliver");
    await conforms(await adminFetch(`/v1/sites/${site}/leads/visitor-openapi01/history`), "get", "/v1/sites/{site}/leads/{lead}/history");
    await conforms(await adminFetch(`/v1/sites/${site}/leads/visitor-openapi01/history?from=9&to=1`), "get", "/v1/sites/{site}/leads/{lead}/history");
    await conforms(await adminFetch(`/v1/sites/${site}/leads/visitor-openapi01/deliveries`), "get", "/v1/sites/{site}/leads/{lead}/deliveries");
    await conforms(await adminFetch(`/v1/sites/${site}/leads/visitor-openapi01`, { method: "DELETE" }), "delete", "/v1/sites/{site}/leads/{lead}");

    // The Segment endpoints' successes are checked where their sites live (identity, config-api tests); here, a refusal.
    const refused = await SELF.fetch("https://x/v1/track", { method: "POST", headers: { ...json, authorization: `Basic ${btoa(`${site}.wrong:`)}` }, body: JSON.stringify({ userId: "ada@example.com", event: "cart_add" }) });
    expect(refused.status).toBe(401);
    await conforms(refused, "post", "/v1/track");
  });
});
