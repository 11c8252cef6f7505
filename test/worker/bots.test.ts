import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { getLead, ORIGIN, pageView, putConfig, shopConfig, uniqueSite, DESKTOP_UA as DESKTOP } from "./helpers";

const SITE = uniqueSite("bots");

/** A collect request as the snippet's would be, with the given User-Agent (null: none) and `request.cf`. */
async function post(anon: string, userAgent: string | null, cf?: Record<string, unknown>) {
  const headers: Record<string, string> = { "content-type": "text/plain", origin: ORIGIN };
  if (userAgent !== null) headers["user-agent"] = userAgent;
  const res = await SELF.fetch("https://leadscore.test/e", { method: "POST", headers, body: JSON.stringify({ s: SITE, a: anon, e: [pageView("/pricing")] }), ...(cf ? { cf } : {}) });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  const config = shopConfig(SITE) as Record<string, unknown>;
  delete config.ignoreBots; // the default: bots are ignored
  expect((await putConfig(SITE, config)).status).toBe(200);
});

describe("the bot rule on /e", () => {
  it.each([
    ["no User-Agent", null],
    ["an empty User-Agent", ""],
    ["curl", "curl/8.5.0"],
    ["Node's fetch", "node"],
    ["python-requests", "python-requests/2.32.3"],
  ])("refuses %s with a 403 that points to the write-key API, storing nothing", async (_, ua) => {
    const anon = `server-${crypto.randomUUID().slice(0, 8)}`;
    const res = await post(anon, ua);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("use_server_api");
    expect(res.body.error.message).toMatch(/\/v1\/track.*write key/);
    expect((await getLead(SITE, anon)).status).toBe(404);
  });

  it.each([
    ["a crawler's User-Agent", "Googlebot/2.1 (+http://www.google.com/bot.html)", undefined],
    ["Cloudflare's verified-bot flag", DESKTOP, { botManagement: { score: 95, verifiedBot: true } }],
    ["a verified-bot category", DESKTOP, { verifiedBotCategory: "Search Engine Crawler" }],
    ["a bot score of 1 (automated)", DESKTOP, { botManagement: { score: 1, verifiedBot: false } }],
    ["a bot score of 29 (likely automated)", DESKTOP, { botManagement: { score: 29, verifiedBot: false } }],
  ])("ignores %s without an error (202), storing nothing", async (_, ua, cf) => {
    const anon = `bot-${crypto.randomUUID().slice(0, 8)}`;
    const res = await post(anon, ua, cf);
    expect(res).toEqual({ status: 202, body: { ignored: "bot", accepted: 0, duplicates: 0, actions: [] } });
    expect((await getLead(SITE, anon)).status).toBe(404);
  });

  it("scores a browser, with or without a human bot score", async () => {
    for (const cf of [undefined, { botManagement: { score: 30, verifiedBot: false } }, { botManagement: { score: 99, verifiedBot: false } }]) {
      const anon = `human-${crypto.randomUUID().slice(0, 8)}`;
      const res = await post(anon, DESKTOP, cf);
      expect(res.status).toBe(200);
      expect(res.body.lead.score).toBe(30 + 1);
    }
  });

  it("scores everything when the site switches the rule off", async () => {
    const site = uniqueSite("nobots");
    await putConfig(site, shopConfig(site, { ignoreBots: false }));
    const res = await SELF.fetch("https://leadscore.test/e", { method: "POST", headers: { "content-type": "text/plain", origin: ORIGIN, "user-agent": "curl/8.5.0" }, body: JSON.stringify({ s: site, a: "curl-visitor-1", e: [pageView("/pricing")] }) });
    expect(res.status).toBe(200);
  });
});
