import { listDurableObjectIds, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { OPERATIONS } from "../../worker/routes/openapi";
import { adminFetch, env, getLead, pageView, putConfig, send, shopConfig, uniqueSite } from "./helpers";

describe("operator API", () => {
  it("refuses requests without the right bearer token", async () => {
    const site = uniqueSite();
    // hono's bearerAuth: a missing, malformed or wrong token is the same 401 in the contract's shape.
    const refused = [{}, { authorization: "Bearer wrong" }, { authorization: "Basic dGVzdA==" }, { authorization: "Bearer" }, { authorization: "Bearer two words" }, { authorization: `Bearer ${env.ADMIN_TOKEN}x` }];
    for (const headers of refused as Record<string, string>[]) {
      const res = await SELF.fetch(`https://x/v1/sites/${site}/config`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Bearer realm="leadscore"');
      expect(await res.json()).toEqual({ error: { code: "unauthorized", message: expect.stringContaining("Bearer"), issues: [] } });
    }
  });

  it("answers 422 naming each mistake's JSON path and keeps the old config in force", async () => {
    const site = uniqueSite();
    expect((await putConfig(site, shopConfig(site))).status).toBe(200);
    const bad = shopConfig(site) as any;
    bad.models[0].rules[0].points = "thirty";
    bad.models[0].labels = [{ name: "cold" }, { name: "hot", min: 60 }, { name: "warm", min: 30 }];
    bad.webhooks[0].types = ["lead.exploded"];
    const res = await putConfig(site, bad);
    expect(res.status).toBe(422);
    const body = (await res.json()) as any;
    const paths = body.error.issues.map((i: any) => i.path);
    expect(paths).toContain("$.models[0].rules[0].points");
    expect(paths).toContain("$.webhooks[0].types[0]");

    const res2 = await adminFetch(`/v1/sites/${site}/config`);
    expect(res2.headers.get("etag")).toBe('"v1"');
    const current = (await res2.json()) as any;
    expect(current.models[0].rules[0].points).toBe(30);
    const scored = await send(site, "visitor-config01", [pageView("/pricing")]);
    expect(scored.body.lead.score).toBe(31);
  });

  it("reports semantic mistakes the schema alone cannot see", async () => {
    const site = uniqueSite();
    const bad = shopConfig(site) as any;
    bad.models[0].labels = [{ name: "cold" }, { name: "hot", min: 60 }, { name: "warm", min: 30 }];
    bad.models[0].rules[1].id = "pricing";
    const res = await putConfig(site, bad);
    expect(res.status).toBe(422);
    const issues = ((await res.json()) as any).error.issues;
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect((await adminFetch(`/v1/sites/${site}/config`)).status).toBe(404);
  });

  it("applies a new config to the very next event, without a redeploy", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    expect((await send(site, "visitor-newcfg01", [pageView("/pricing")])).body.lead.score).toBe(31);
    const richer = shopConfig(site) as any;
    richer.models[0].rules[1].points = 40;
    expect((await putConfig(site, richer)).status).toBe(200);
    expect((await send(site, "visitor-newcfg01", [pageView("/directions")])).body.lead.score).toBe(31 + 41);
  });

  it("refuses webhook URLs to private addresses unless the host is allowed", async () => {
    const site = uniqueSite();
    const config = shopConfig(site) as any;
    config.webhooks[0].url = "https://10.0.0.5/hooks";
    const res = await putConfig(site, config);
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.issues[0].path).toBe("$.webhooks[0].url");
  });

  it("simulates a journey with its webhooks and stores nothing", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const objectsBefore = (await listDurableObjectIds(env.LEADS)).length;
    const t0 = Date.parse("2026-11-20T10:00:00Z");
    const res = await adminFetch(`/v1/sites/${site}/simulate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        events: [
          { name: "page_view", path: "/pricing", timestamp: new Date(t0).toISOString() },
          { name: "cart_add", timestamp: t0 + 60_000 },
          { name: "chat_open", timestamp: t0 + 120_000 },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.timeline.map((s: any) => [s.score, s.label])).toEqual([
      [31, "warm"],
      [56, "warm"],
      [66, "hot"],
    ]);
    expect(body.webhooks.map((w: any) => `${w.type}:${w.from}->${w.to}`)).toEqual(["lead.label_changed:cold->warm", "lead.label_changed:warm->hot"]);
    expect((await listDurableObjectIds(env.LEADS)).length).toBe(objectsBefore);
  });

  it("answers 404 for a lead that does not exist", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    expect((await getLead(site, "never-seen-0001")).status).toBe(404);
  });

  it("publishes an OpenAPI document listing every endpoint, generated from the request schemas", async () => {
    const res = await SELF.fetch("https://x/openapi.json");
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe("3.1.0");
    for (const op of OPERATIONS) expect(doc.paths[op.path][op.method]).toBeDefined();
    const putBody = doc.paths["/v1/sites/{site}/config"].put.requestBody.content["application/json"].schema;
    expect(doc.components.schemas[putBody.$ref.replace("#/components/schemas/", "")].properties.models).toBeDefined();
    const schema = (await (await SELF.fetch("https://x/config.schema.json")).json()) as any;
    expect(schema.properties.models.type).toBe("array");
  });
});
