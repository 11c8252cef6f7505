import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import readme from "../../README.md?raw";
import { CONFIG_VERSIONS_KEPT } from "../../worker/site/SiteObject";
import { demoConfig } from "../../worker/site/demo-config";
import { adminFetch, collect, env, eventually, pageView, putConfig, received, receiverUrl, send, shopConfig, uniqueSite, DESKTOP_UA } from "./helpers";

const EXAMPLES = import.meta.glob("../../examples/*.json", { eager: true, query: "?raw", import: "default" }) as Record<string, string>;

async function getConfig(site: string): Promise<{ status: number; etag: string | null; body: any }> {
  const res = await adminFetch(`/v1/sites/${site}/config`);
  return { status: res.status, etag: res.headers.get("etag"), body: await res.json() };
}

function write(site: string, method: "PUT" | "PATCH", body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return adminFetch(`/v1/sites/${site}/config`, { method, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}

function rollback(site: string, version: number, headers: Record<string, string> = {}): Promise<Response> {
  return adminFetch(`/v1/sites/${site}/config/rollback`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ version }) });
}

/** The README's "change the config" command, read from the README itself. */
function readmeConfigCommand(): { method: string; path: string; headers: Record<string, string>; file: string } {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n\s*/g, " ")).find((b) => /--data @examples\//.test(b) && /\/config\b/.test(b));
  if (!block) throw new Error("README has no config command with an example file");
  const command = block.split("\n").find((line) => line.includes("--data @examples/"))!;
  const headers = Object.fromEntries(
    [...command.matchAll(/-H (?:'([^']*)'|"([^"]*)")/g)].map((m) => {
      const [name, ...value] = (m[1] ?? m[2]!).split(":");
      return [name!.trim().toLowerCase(), value.join(":").trim()];
    }),
  );
  return {
    method: /-X (\w+)/.exec(command)?.[1] ?? "GET",
    path: /(?:https:\/\/YOUR-WORKER|\$LEADSCORE_URL)([^\s"]+)/.exec(command)![1]!,
    headers,
    file: /--data @(\S+)/.exec(command)![1]!,
  };
}

describe("config API", () => {
  it("GETs exactly the document PUT accepts, with its version as ETag and Last-Modified", async () => {
    const site = uniqueSite();
    const put = await putConfig(site, shopConfig(site));
    expect(put.status).toBe(200);
    expect(put.headers.get("etag")).toBe('"v1"');
    const got = await getConfig(site);
    expect(got.etag).toBe('"v1"');
    expect(Date.parse((await adminFetch(`/v1/sites/${site}/config`)).headers.get("last-modified")!)).toBeGreaterThan(0);
    expect(got.body).toMatchObject(shopConfig(site));
    // GET -> PUT round-trips unchanged.
    const again = await putConfig(site, got.body);
    expect(again.status).toBe(200);
    const second = (await again.json()) as any;
    expect(second.version).toBe(2);
    expect(second.summary).toBe("no change");
    expect((await getConfig(site)).body).toEqual(got.body);
  });

  it("answers 412 for a stale If-Match and changes nothing; the current ETag saves", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    await putConfig(site, shopConfig(site, { ignoreBots: true }));
    const changed = shopConfig(site) as any;
    changed.models[0].rules[0].points = 99;
    const stale = await write(site, "PUT", changed, { "if-match": '"v1"' });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"v2"');
    const body = (await stale.json()) as any;
    expect(body.error).toMatchObject({ code: "precondition_failed", issues: [] });
    expect(body.error.message).toMatch(/version 2/);
    expect((await getConfig(site)).body.models[0].rules[0].points).toBe(30);
    const patchStale = await write(site, "PATCH", { ignoreBots: false }, { "if-match": '"v1"' });
    expect(patchStale.status).toBe(412);

    const fresh = await write(site, "PUT", changed, { "if-match": '"v2"' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("etag")).toBe('"v3"');
    expect((await getConfig(site)).body.models[0].rules[0].points).toBe(99);
  });

  it('treats If-Match: * as "a config exists" and no If-Match as unconditional', async () => {
    const site = uniqueSite();
    expect((await write(site, "PUT", shopConfig(site), { "if-match": "*" })).status).toBe(412);
    expect((await getConfig(site)).status).toBe(404);
    expect((await write(site, "PUT", shopConfig(site))).status).toBe(200);
    expect((await write(site, "PUT", shopConfig(site), { "if-match": "*" })).status).toBe(200);
    expect((await getConfig(site)).etag).toBe('"v2"');
  });

  it("PATCHes with a JSON merge patch: models change, the site settings stay, null removes", async () => {
    const site = uniqueSite();
    const full = shopConfig(site, { writeKey: { env: "TEST_WRITE_KEY" }, promo: { label: "hot", prefix: "HOT-" } }) as any;
    await putConfig(site, full);
    const models = [{ id: "other", rules: [{ id: "cart", event: "cart_add", points: 50 }], labels: [{ name: "cold" }, { name: "hot", min: 60 }] }];
    const res = await write(site, "PATCH", { models }, { "content-type": "application/merge-patch+json" });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"v2"');
    const saved = (await res.json()) as any;
    // The test write key belongs to another site: legal, and answered as a warning beside the save.
    expect(saved).toMatchObject({ version: 2, summary: "models: +other, -shop", warnings: [{ code: "write_key_site", path: "$.writeKey.env" }] });
    const after = (await getConfig(site)).body;
    expect(after.models).toEqual(models);
    expect(after).toMatchObject({ origins: full.origins, webhooks: [{ id: "main", url: full.webhooks[0].url }], writeKey: full.writeKey, promo: { label: "hot", prefix: "HOT-" } });

    // Plain application/json is a merge patch too; null removes a key.
    expect((await write(site, "PATCH", { promo: null })).status).toBe(200);
    expect((await getConfig(site)).body.promo).toBeUndefined();
  });

  it("validates a PATCH after merging, and refuses what is not a merge patch", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const bad = await write(site, "PATCH", { models: [], origins: ["ftp://x"] });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as any).error.issues.map((i: any) => i.path)).toEqual(expect.arrayContaining(["$.models", "$.origins[0]"]));
    expect((await write(site, "PATCH", ["models"])).status).toBe(400);
    const asText = await adminFetch(`/v1/sites/${site}/config`, { method: "PATCH", headers: { "content-type": "text/plain" }, body: "{}" });
    expect(asText.status).toBe(415);
    expect((await write(uniqueSite(), "PATCH", { origins: [] })).status).toBe(404);
    expect((await getConfig(site)).etag).toBe('"v1"');
  });

  it("lists versions newest first with what changed, pages them, and answers one", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    await write(site, "PATCH", { origins: ["https://a.test"] });
    await write(site, "PATCH", { ignoreBots: true, limits: { leadEventsPerMinute: 10 } });
    const page = (await (await adminFetch(`/v1/sites/${site}/config/versions?limit=2`)).json()) as any;
    expect(page.versions.map((v: any) => [v.version, v.summary])).toEqual([
      [3, "ignoreBots; limits"],
      [2, "origins"],
    ]);
    expect(Date.parse(page.versions[0].savedAt)).toBeGreaterThan(0);
    expect(page.next).toBe(2);
    const rest = (await (await adminFetch(`/v1/sites/${site}/config/versions?limit=2&before=${page.next}`)).json()) as any;
    expect(rest).toMatchObject({ versions: [{ version: 1, summary: "first version" }], next: null });
    const one = await adminFetch(`/v1/sites/${site}/config/versions/2`);
    expect(one.headers.get("etag")).toBe('"v2"');
    expect(((await one.json()) as any).config.origins).toEqual(["https://a.test"]);
    expect((await adminFetch(`/v1/sites/${site}/config/versions/9`)).status).toBe(404);
    expect((await adminFetch(`/v1/sites/${site}/config/versions/zero`)).status).toBe(400);
  });

  it(`keeps the last ${CONFIG_VERSIONS_KEPT} versions`, async () => {
    const site = uniqueSite();
    const stub = env.SITES.getByName(site);
    const config = (await (await putConfig(site, shopConfig(site))).json() as any).config;
    for (let i = 0; i < CONFIG_VERSIONS_KEPT; i++) await stub.saveConfig(config, Date.now());
    const versions = (await (await adminFetch(`/v1/sites/${site}/config/versions?limit=100`)).json()) as any;
    expect(versions.versions).toHaveLength(CONFIG_VERSIONS_KEPT);
    expect(versions.versions[0].version).toBe(1 + CONFIG_VERSIONS_KEPT);
    expect(versions.versions.at(-1).version).toBe(2);
    expect((await adminFetch(`/v1/sites/${site}/config/versions/1`)).status).toBe(404);
  });

  it("checks the expected version and saves in one step, so a racing save cannot pass the same If-Match", async () => {
    const site = uniqueSite();
    const stub = env.SITES.getByName(site);
    const config = ((await (await putConfig(site, shopConfig(site))).json()) as any).config;
    const [first, second] = await Promise.all([stub.saveConfig(config, Date.now(), { expectedVersion: 1 }), stub.saveConfig(config, Date.now(), { expectedVersion: 1 })]);
    expect([first, second].map((r: any) => ("conflict" in r ? `conflict at ${r.currentVersion}` : `saved ${r.version}`)).sort()).toEqual(["conflict at 2", "saved 2"]);
    expect((await getConfig(site)).etag).toBe('"v2"');
  });

  it("rolls back: the earlier document is saved as a new version, GET answers it and scoring uses it", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const richer = shopConfig(site) as any;
    richer.models[0].rules[0].points = 50;
    await putConfig(site, richer);
    expect((await send(site, "visitor-rollback1", [pageView("/pricing")])).body.lead.score).toBe(50 + 1);

    expect((await rollback(site, 1, { "if-match": '"v1"' })).status).toBe(412);
    const res = await rollback(site, 1, { "if-match": '"v2"' });
    expect(res.status).toBe(200);
    expect(res.headers.get("etag")).toBe('"v3"');
    expect(((await res.json()) as any).summary).toBe("rollback to version 1: models: shop");
    expect((await getConfig(site)).body.models[0].rules[0].points).toBe(30);
    // The pricing rule is once-only: a fresh visitor shows the rolled-back points.
    expect((await send(site, "visitor-rollback2", [pageView("/pricing")])).body.lead.score).toBe(30 + 1);
    expect((await rollback(site, 7)).status).toBe(404);
  });

  it("runs the README's config command against the demo, and the demo keeps working", async () => {
    const command = readmeConfigCommand();
    expect(command).toMatchObject({ method: "PATCH", path: "/v1/sites/demo/config", file: "examples/b2c-shop.json" });
    // The demo as `npm start` runs it, with its inspector replaced by the test receiver.
    const channel = `demo-${crypto.randomUUID().slice(0, 8)}`;
    const demo = demoConfig({ ...env, DEMO_WEBHOOK_URL: `${receiverUrl()}/r/${channel}` });
    const changedModels = { ...demo, models: [{ id: "demo-old", rules: [], labels: [{ name: "cold" }] }] };
    expect((await putConfig("demo", changedModels)).status).toBe(200);

    const res = await adminFetch(command.path, {
      method: command.method,
      headers: { ...command.headers, authorization: `Bearer ${env.ADMIN_TOKEN}` },
      body: EXAMPLES[`../../${command.file}`],
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).warnings).toEqual([]);

    const after = (await getConfig("demo")).body;
    expect(after.models.map((m: any) => m.id)).toEqual(JSON.parse(EXAMPLES["../../examples/b2c-shop.json"]!).models.map((m: any) => m.id));
    expect(after.webhooks).toMatchObject([{ id: "inspector", secret: { env: "DEMO_WEBHOOK_SECRET" } }]);
    // A browser on the demo's own origin ("self") is still accepted...
    const browser = await collect({ s: "demo", a: "demo-visitor-0001", e: [pageView("/pricing"), pageView("/directions")] }, { origin: "https://leadscore.test", headers: { "user-agent": DESKTOP_UA } });
    expect(browser.status).toBe(200);
    expect(((await browser.json()) as any).lead).toMatchObject({ score: 20 + 20, label: "warm" });
    // ...the webhook endpoint still receives the crossing...
    const labelChange = await eventually(async () => (await received(channel)).map((r) => JSON.parse(r.body)).find((m) => m.type === "lead.label_changed"));
    expect(labelChange).toMatchObject({ data: { previous: "cold", current: "warm" } });
    // ...and the Segment write key still authenticates.
    const segment = await SELF.fetch("https://leadscore.test/v1/track", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Basic ${btoa(`${env.DEMO_WRITE_KEY}:`)}` },
      body: JSON.stringify({ userId: "ada@example.com", event: "Email Link Clicked", messageId: `m-${channel}` }),
    });
    expect(segment.status).toBe(200);
  });
});
