// Events that disqualify or mean money come only from the site's servers: a browser batch carrying
// one (here with a forged Origin and a desktop User-Agent, as curl can send) has it dropped, counted as
// ignored, while the rest of the batch is scored.
import { describe, expect, it } from "vitest";
import { collect, DESKTOP_UA, getLead, putConfig, shopConfig, uniqueSite, wire } from "./helpers";

const RULES = [
  { id: "cart", event: "cart_add", points: 25 },
  { id: "purchase", event: "purchase", points: 50 },
  { id: "refund", event: "refund_requested", points: -40 },
  { id: "unsubscribe", event: "unsubscribe", disqualify: true },
];
const FORGED = { origin: "https://shop.test", headers: { "user-agent": DESKTOP_UA } };

async function post(site: string, anon: string, events: unknown[]) {
  const res = await collect({ s: site, a: anon, e: events }, FORGED);
  return { status: res.status, body: (await res.json()) as any };
}

describe("serverOnlyEvents", () => {
  it("drops unsubscribe and purchase from a browser batch by default, scoring the rest", async () => {
    const site = uniqueSite("server-only");
    await putConfig(site, shopConfig(site, { ignoreBots: true }, { rules: RULES }));
    const anon = `forger-${crypto.randomUUID().slice(0, 8)}`;
    const res = await post(site, anon, [wire("t", "cart_add"), wire("t", "purchase"), wire("t", "unsubscribe")]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, ignored: 2, duplicates: 0, lead: { score: 25, label: "cold" } });
    const lead = await getLead(site, anon);
    expect(lead.body.disqualified).toBe(false);
    expect(lead.body.recentEvents.map((e: any) => e.name)).toEqual(["cart_add"]);
  });

  it("drops the events a site lists and nothing else, and none at all with an empty list", async () => {
    const site = uniqueSite("server-only");
    await putConfig(site, shopConfig(site, { serverOnlyEvents: ["refund_requested"] }, { rules: RULES }));
    const anon = `lister-${crypto.randomUUID().slice(0, 8)}`;
    const res = await post(site, anon, [wire("t", "cart_add"), wire("t", "refund_requested"), wire("t", "purchase")]);
    expect(res.body).toMatchObject({ accepted: 2, ignored: 1, lead: { score: 25 + 50 } });

    const open = uniqueSite("server-only");
    await putConfig(open, shopConfig(open, { serverOnlyEvents: [] }, { rules: RULES }));
    const all = await post(open, anon, [wire("t", "purchase"), wire("t", "unsubscribe")]);
    expect(all.body).toMatchObject({ accepted: 2, ignored: 0, lead: { label: "disqualified" } });
  });

  it("answers a batch of nothing but server-only events with nothing scored", async () => {
    const site = uniqueSite("server-only");
    await putConfig(site, shopConfig(site, {}, { rules: RULES }));
    const anon = `only-${crypto.randomUUID().slice(0, 8)}`;
    const res = await post(site, anon, [wire("t", "unsubscribe")]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 0, ignored: 1, lead: { score: 0 } });
  });
});
