import { describe, expect, it } from "vitest";
import { adminFetch, eventually, getLead, pageView, putConfig, received, scriptChannel, send, shopConfig, uniqueSite, wire } from "./helpers";

/** A stored event as the operator API's readable event. */
function readable(e: { id: string; name: string; ts: number; url?: string; path?: string }) {
  return { id: e.id, name: e.name, timestamp: e.ts, ...(e.url ? { url: e.url } : {}), ...(e.path ? { path: e.path } : {}) };
}

async function simulate(site: string, body: unknown): Promise<any> {
  const res = await adminFetch(`/v1/sites/${site}/simulate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

describe("simulate shows what would leave the Lead object", () => {
  it("answers the exact webhook messages and index update a real receiver and the index get for the same events", async () => {
    const site = uniqueSite();
    await scriptChannel(site, {});
    // A second endpoint subscribed to nothing but promo codes: label changes go to "main" only.
    const config = shopConfig(site, {});
    (config as any).webhooks.push({ id: "promo-only", url: (config as any).webhooks[0].url, secret: { env: "TEST_WEBHOOK_SECRET" }, types: ["lead.promo_issued"] });
    expect((await putConfig(site, config)).status).toBe(200);
    const visitor = "visitor-simulated-01";
    // 30 (pricing) + 1 (page) = 31 warm, + 25 (cart) = 56, + 10 (chat) = 66 hot.
    const events = [pageView("/pricing"), wire("t", "cart_add"), wire("t", "chat_open")];

    await send(site, visitor, events);
    const got = await eventually(async () => {
      const all = await received(site);
      return all.length === 2 ? all : undefined;
    });
    // The events as the object stored them: collect puts the visitor's clock on the worker's.
    const stored = (await getLead(site, visitor)).body.recentEvents.reverse();
    expect(stored.map((e: any) => e.id)).toEqual(events.map((e) => e.i));

    const sim = await simulate(site, { events: stored.map(readable), anonymousId: visitor });
    expect(sim.messages.map((m: any) => [m.type, m.endpointIds])).toEqual([
      ["lead.label_changed", ["main"]],
      ["lead.label_changed", ["main"]],
    ]);
    const byTimestamp = (a: any, b: any) => a.timestamp.localeCompare(b.timestamp) || a.data.current.localeCompare(b.data.current);
    expect(got.map((h) => JSON.parse(h.body)).sort(byTimestamp)).toEqual(sim.messages.map((m: any) => m.payload).sort(byTimestamp));
    expect(sim.messages.map((m: any) => m.payload.data.current)).toEqual(["warm", "hot"]);

    // The index update: the lead the site's list shows is the one simulate announced.
    expect(sim.indexUpdates).toHaveLength(1);
    const { updatedAt: _simulatedAt, ...entry } = sim.indexUpdates[0];
    const listed = await eventually(async () => {
      const res = (await (await adminFetch(`/v1/sites/${site}/leads`)).json()) as any;
      return res.leads.length === 1 ? res.leads[0] : undefined;
    });
    expect(listed).toMatchObject({ leadId: entry.leadId, userId: null, score: 30 + 1 + 25 + 10, label: "hot", stage: entry.stage });
    expect(entry).toMatchObject({ score: 30 + 1 + 25 + 10, label: "hot" });
  });

  it("stores nothing and follows decay until the given instant, as the alarm would", async () => {
    const site = uniqueSite();
    const halfLife = 86_400_000;
    expect((await putConfig(site, shopConfig(site, {}, { decay: "1d" }))).status).toBe(200);
    const t0 = Date.parse("2026-11-20T10:00:00Z");
    // 25 * 2 (cart, capped at 2) + 10 (chat) = 60: hot, then decay takes it below 60 and below 30.
    const events = [
      { name: "cart_add", timestamp: t0 },
      { name: "cart_add", timestamp: t0 + 1 },
      { name: "chat_open", timestamp: t0 + 2 },
    ];
    const sim = await simulate(site, { events, until: t0 + 7 * halfLife });
    expect(sim.messages.map((m: any) => `${m.payload.data.previous}->${m.payload.data.current}:${m.payload.data.cause.kind}`)).toEqual([
      "cold->warm:event",
      "warm->hot:event",
      "hot->warm:decay",
      "warm->cold:decay",
    ]);
    // What the timeline reports as webhooks is what the messages carry.
    expect(sim.webhooks.map((w: any) => w.to)).toEqual(sim.messages.map((m: any) => m.payload.data.current));
    expect(sim.indexUpdates.map((u: any) => u.label)).toEqual(["hot", "warm", "cold"]);
    expect(((await (await adminFetch(`/v1/sites/${site}/leads`)).json()) as any).leads).toEqual([]);
  });
});
