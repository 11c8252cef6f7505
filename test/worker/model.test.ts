import { SELF } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { describe, expect, it, vi } from "vitest";
import { SiteObject } from "../../worker/site/SiteObject";
import { collect, env, eventually, getLead, pageView, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

const verify = (h: { body: string; headers: Record<string, string> }) => new Webhook(env.TEST_WEBHOOK_SECRET).verify(h.body, h.headers) as any;

describe("stages and disqualification at the worker", () => {
  it("sends lead.stage_changed when a stage line is crossed and lead.disqualified when a rule disqualifies", async () => {
    const site = uniqueSite();
    await putConfig(
      site,
      // The browser may send unsubscribe here: by default only server-side sources may (serverOnlyEvents).
      shopConfig(site, { serverOnlyEvents: [] }, {
        stages: [{ name: "lead" }, { name: "MQL", min: 50 }],
        rules: [
          { id: "quote", event: "quote_request", points: 55 },
          { id: "unsubscribed", event: "unsubscribe", disqualify: true },
        ],
      }),
    );
    await send(site, "visitor-stage-01", [wire("t", "quote_request")]);
    await send(site, "visitor-stage-01", [wire("t", "unsubscribe")]);
    const hooks = await eventually(async () => {
      const list = (await received(site)).map(verify);
      return list.some((p) => p.type === "lead.disqualified") ? list : undefined;
    });
    const stage = hooks.find((p) => p.type === "lead.stage_changed");
    expect(stage.data).toMatchObject({ previous: "lead", current: "MQL", cause: { kind: "event", event: { name: "quote_request" } } });
    const dq = hooks.find((p) => p.type === "lead.disqualified");
    expect(dq.data).toMatchObject({ cause: { kind: "event", event: { name: "unsubscribe" } } });
    const lead = await getLead(site, "visitor-stage-01");
    expect(lead.body.disqualified).toBe(true);
    // Disqualification sticks: more intent does not bring the lead back.
    const again = await send(site, "visitor-stage-01", [wire("t", "quote_request")]);
    expect(again.body.lead.label).toBe(lead.body.label);
  });
});

describe("the hot path", () => {
  it("scores events with the isolate's cached config: no request to the site object per event", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    // The site object runs in this isolate: count its config reads on the class itself.
    const reads = vi.spyOn(SiteObject.prototype, "getConfig");
    try {
      for (let i = 0; i < 5; i++) await send(site, `visitor-hot-${i}000`, [pageView("/pricing")]);
      expect(reads).not.toHaveBeenCalled();
      // The spy does see a read when one happens.
      await env.SITES.getByName(site).getConfig();
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });
});

describe("abuse limits", () => {
  it("answers 429 with Retry-After when a lead exceeds its events per minute, storing nothing more", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site, { limits: { leadEventsPerMinute: 5, clientRequestsPerMinute: 1000 } }));
    expect((await send(site, "visitor-limit-01", Array.from({ length: 5 }, () => pageView("/")))).status).toBe(200);
    const res = await collect({ s: site, a: "visitor-limit-01", e: [pageView("/pricing")] });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await res.json()) as any).error.code).toBe("rate_limited");
    expect((await getLead(site, "visitor-limit-01")).body.score).toBe(5);
  });

  it("answers 429 when one client sends too many requests", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site, { limits: { leadEventsPerMinute: 1000, clientRequestsPerMinute: 3 } }));
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await collect({ s: site, a: `visitor-client-${i}0`, e: [pageView("/")] })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it("ignores known bots and headless browsers unless the site switches it off", async () => {
    const site = uniqueSite();
    const config = shopConfig(site) as Record<string, unknown>;
    delete config.ignoreBots;
    await putConfig(site, config);
    const asBot = (ua: string) =>
      SELF.fetch("https://leadscore.test/e", { method: "POST", headers: { "content-type": "text/plain", origin: "https://shop.test", "user-agent": ua }, body: JSON.stringify({ s: site, a: "visitor-bot-0001", e: [pageView("/pricing")] }) });
    for (const ua of ["Googlebot/2.1 (+http://www.google.com/bot.html)", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.0.0 Safari/537.36"]) {
      const res = await asBot(ua);
      expect(res.status).toBe(202);
    }
    expect((await getLead(site, "visitor-bot-0001")).status).toBe(404);
    await putConfig(site, { ...config, ignoreBots: false });
    expect((await asBot("Googlebot/2.1")).status).toBe(200);
  });
});

describe("config changes", () => {
  it("sends the webhook a new config causes by itself (cause config) when the lead is next scored", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    await send(site, "visitor-config-1", [pageView("/pricing")]); // 31: warm
    const stricter = shopConfig(site, {}, { labels: [{ name: "cold" }, { name: "warm", min: 50 }, { name: "hot", min: 80 }] });
    await putConfig(site, stricter);
    const res = await send(site, "visitor-config-1", [pageView("/")]); // 32 under the new bands: cold
    expect(res.body.lead.label).toBe("cold");
    const byConfig = await eventually(async () => (await received(site)).map(verify).find((p) => p.data.cause.kind === "config"));
    expect(byConfig.data).toMatchObject({ previous: "warm", current: "cold", direction: "down" });
  });
});
