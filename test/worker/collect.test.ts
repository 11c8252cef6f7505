import { evictAllDurableObjects, listDurableObjectIds, SELF } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { collect, env, ORIGIN, getLead, pageView, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

let site: string;
beforeEach(async () => {
  site = uniqueSite();
  expect((await putConfig(site, shopConfig(site))).status).toBe(200);
});

describe("collect", () => {
  it("routes a visitor's batch to that visitor's lead object in one request and scores it", async () => {
    const before = (await listDurableObjectIds(env.LEADS)).length;
    const res = await send(site, "visitor-aaaa1111", [pageView("/"), pageView("/pricing"), wire("t", "cart_add", { p: { sku: "grinder" } })]);
    expect(res.status).toBe(200);
    expect(res.body.lead).toMatchObject({ score: 57, label: "warm" });
    expect(res.body.accepted).toBe(3);
    // One new lead object for the batch, none for anything else.
    expect((await listDurableObjectIds(env.LEADS)).length).toBe(before + 1);

    const other = await send(site, "visitor-bbbb2222", [pageView("/")]);
    expect(other.body.lead.score).toBe(1);
    expect(other.body.lead.id).not.toBe(res.body.lead.id);
  });

  it("keeps state across requests and across the object being evicted from memory", async () => {
    await send(site, "visitor-persist1", [pageView("/pricing")]);
    await evictAllDurableObjects();
    const res = await send(site, "visitor-persist1", [pageView("/directions")]);
    expect(res.body.lead).toMatchObject({ score: 52, label: "warm" });
    const lead = await getLead(site, "visitor-persist1");
    expect(lead.status).toBe(200);
    expect(lead.body.score).toBe(52);
    expect(lead.body.recentEvents).toHaveLength(2);
  });

  it("counts a resent batch once (retries carry the same event ids)", async () => {
    const batch = [pageView("/pricing"), wire("t", "chat_open")];
    const first = await send(site, "visitor-retry001", batch);
    const again = await send(site, "visitor-retry001", batch);
    expect(first.body.accepted).toBe(2);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(again.body.lead.score).toBe(first.body.lead.score);
  });

  it("applies caps: pricing once, cart twice", async () => {
    const res = await send(site, "visitor-caps0001", [pageView("/pricing"), pageView("/pricing"), ...Array.from({ length: 4 }, () => wire("t", "cart_add"))]);
    expect(res.body.lead.score).toBe(30 + 2 * 25 + 2);
  });

  it("keeps a batch whose URL or prop is over-long, truncating the value instead of losing the batch", async () => {
    const long = `/pricing?${"x".repeat(5000)}`;
    const res = await send(site, "visitor-long-001", [pageView(long), wire("t", "cart_add", { p: { note: "y".repeat(3000) } })]);
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    const lead = await getLead(site, "visitor-long-001");
    const events = lead.body.recentEvents;
    expect(Math.max(...events.map((e: any) => (e.url ?? "").length))).toBe(2048);
    expect(events.find((e: any) => e.name === "cart_add").props.note).toHaveLength(1000);
    expect(lead.body.score).toBe(31 + 25);
  });

  it("answers CORS for allowed origins and 403 for others", async () => {
    const ok = await collect({ s: site, a: "visitor-cors0001", e: [pageView("/")] });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://shop.test");
    const evil = await collect({ s: site, a: "visitor-cors0001", e: [pageView("/pricing")] }, { origin: "https://evil.test" });
    expect(evil.status).toBe(403);
    // Readable by the refused page (the snippet shows the message in its console), and it names the fix.
    expect(evil.headers.get("access-control-allow-origin")).toBe("https://evil.test");
    expect(((await evil.json()) as any).error).toMatchObject({
      code: "origin_not_allowed",
      message: `Events for "${site}" are not accepted from https://evil.test: add "https://evil.test" to the origins of the site config`,
    });
    const lead = await getLead(site, "visitor-cors0001");
    expect(lead.body.score).toBe(1);
    const preflight = await SELF.fetch("https://leadscore.test/e", { method: "OPTIONS", headers: { origin: ORIGIN, "access-control-request-method": "POST" } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-methods")).toContain("POST");
    expect(preflight.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(preflight.headers.get("access-control-allow-headers")?.toLowerCase()).toBe("content-type");
    expect(preflight.headers.get("access-control-max-age")).toBe("86400");
    expect(preflight.headers.get("vary")).toMatch(/\bOrigin\b/);
    expect(ok.headers.get("vary")).toMatch(/\bOrigin\b/);
    // A refusal is readable by the page too (the snippet reads every answer), and names no other origin.
    expect(evil.headers.get("access-control-allow-origin")).toBe("https://evil.test");
    // So is an answer the body parser gives before the route reads anything: the error is JSON, once.
    const garbled = await SELF.fetch("https://leadscore.test/e", { method: "POST", headers: { origin: ORIGIN, "content-type": "text/plain" }, body: "{nope" });
    expect(garbled.status).toBe(400);
    expect(garbled.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    expect(garbled.headers.get("vary")).toBe("Origin");
    expect(garbled.headers.get("content-type")).toMatch(/^application\/json/);
    const noOrigin = await collect({ s: site, a: "visitor-cors0001", e: [pageView("/")] }, { origin: null });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("bad input", () => {
  const control = "visitor-control1";
  type Case = [string, (site: string) => Promise<Response>, number];
  const cases: Case[] = [
    ["malformed JSON", () => collect("{not json"), 400],
    ["a JSON array", () => collect("[]"), 400],
    ["a missing site", () => collect({ a: control, e: [pageView("/pricing")] }), 400],
    ["an empty batch", (s) => collect({ s, a: control, e: [] }), 400],
    ["a wrong type", (s) => collect({ s, a: control, e: [{ ...pageView("/pricing"), t: "yesterday" }] }), 400],
    ["an unknown kind", (s) => collect({ s, a: control, e: [{ ...pageView("/pricing"), k: "x" }] }), 400],
    ["nested props", (s) => collect({ s, a: control, e: [wire("t", "cart_add", { p: { a: { b: 1 } } })] }), 400],
    ["a __proto__ key", (s) => collect(`{"s":"${s}","a":"${control}","e":[{"i":"x1","k":"t","n":"cart_add","t":1,"p":{"__proto__":{"x":1}}}]}`), 400],
    ["a constructor key", (s) => collect(`{"s":"${s}","a":"${control}","e":[{"i":"x1","k":"t","n":"cart_add","t":1,"p":{"constructor":1}}]}`), 400],
    ["invalid UTF-8", () => SELF.fetch("https://leadscore.test/e", { method: "POST", headers: { "content-type": "text/plain", origin: ORIGIN }, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }), 400],
    ["a wrong content type", (s) => collect({ s, a: control, e: [pageView("/pricing")] }, { contentType: "application/x-www-form-urlencoded" }), 415],
    ["an oversized body", (s) => collect({ s, a: control, e: [wire("t", "x", { p: { big: "x".repeat(70_000) } })] }), 413],
    ["too many events", (s) => collect({ s, a: control, e: Array.from({ length: 51 }, () => pageView("/pricing")) }), 400],
    ["an unknown site", () => collect({ s: "nosuchsite", a: control, e: [pageView("/pricing")] }), 404],
    ["no Origin header", (s) => collect({ s, a: control, e: [pageView("/pricing")] }, { origin: null }), 403],
    ["a foreign Origin", (s) => collect({ s, a: control, e: [pageView("/pricing")] }, { origin: "https://evil.test" }), 403],
  ];

  it.each(cases)("rejects %s with a 4xx in the contract's shape and changes nothing", async (_name, request, status) => {
    await send(site, control, [pageView("/")]);
    const before = await getLead(site, control);
    const res = await request(site);
    expect(res.status).toBe(status);
    const body = (await res.json()) as any;
    expect(body.error).toMatchObject({ code: expect.any(String), message: expect.any(String), issues: expect.any(Array) });
    const after = await getLead(site, control);
    expect(after.body.score).toBe(before.body.score);
    expect(after.body.recentEvents).toEqual(before.body.recentEvents);
  });
});
