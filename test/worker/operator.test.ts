import { describe, expect, it } from "vitest";
import { adminFetch, getLead, leadObject, outboxDrained, pageView, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

async function operate(site: string, lead: string, action: "adjust" | "requalify", body: unknown, contentType = "application/json"): Promise<{ status: number; body: any }> {
  const res = await adminFetch(`/v1/sites/${site}/leads/${encodeURIComponent(lead)}/${action}`, { method: "POST", headers: { "content-type": contentType }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function settled(site: string, ref: string): Promise<any[]> {
  await outboxDrained(site, ref);
  return (await received(site)).map((h) => JSON.parse(h.body));
}

const UNSUBSCRIBE = { id: "unsubscribed", event: "unsubscribe", disqualify: true };

describe("operator actions on a lead", () => {
  it("adjusts a lead by +20 with a reason: in the explanation and history, one webhook caused by the operator", async () => {
    const site = uniqueSite("adjust");
    await putConfig(site, shopConfig(site));
    const anon = "visitor-adjust-01";
    await send(site, anon, [pageView("/pricing"), wire("t", "chat_open")]); // 30 + 1 + 10 = 41 warm

    const adjusted = await operate(site, anon, "adjust", { points: 20, reason: "called us" });
    expect(adjusted.status).toBe(200);
    expect(adjusted.body.lead).toMatchObject({ score: 41 + 20, label: "hot" });
    expect(adjusted.body.event).toMatchObject({ name: "adjust", adjust: { points: 20, reason: "called us" } });
    expect(adjusted.body.changes).toEqual([{ type: "lead.label_changed", previous: "warm", current: "hot", direction: "up" }]);

    const lead = await getLead(site, anon);
    expect(lead.body.explanation.contributions).toContainEqual(expect.objectContaining({ rule: "adjust", kind: "operator", reason: "called us", points: 20 }));
    expect(lead.body.recentEvents[0]).toMatchObject({ id: adjusted.body.event.id, name: "adjust", adjust: { reason: "called us" } });

    const hot = (await settled(site, anon)).filter((p) => p.data.current === "hot");
    expect(hot).toHaveLength(1);
    expect(hot[0]).toMatchObject({ type: "lead.label_changed", data: { previous: "warm", cause: { kind: "operator", action: "adjust", reason: "called us" } } });
  });

  it("a decaying adjustment keeps its half-life; a negative one takes points away", async () => {
    const site = uniqueSite("adjust");
    await putConfig(site, shopConfig(site));
    const anon = "visitor-adjust-02";
    await send(site, anon, [pageView("/pricing")]); // 31 warm
    const decaying = await operate(site, anon, "adjust", { points: 10, reason: "webinar", decay: "7d" });
    expect(decaying.body.event.adjust).toEqual({ points: 10, reason: "webinar", halfLife: 7 * 24 * 3600 * 1000 });
    const taken = await operate(site, anon, "adjust", { points: -15, reason: "competitor" });
    expect(taken.body.lead.score).toBeCloseTo(31 + 10 - 15, 1);
    expect(taken.body.changes).toEqual([{ type: "lead.label_changed", previous: "warm", current: "cold", direction: "down" }]);
  });

  it("requalify lifts a disqualification with one webhook; a later disqualifying event counts again", async () => {
    const site = uniqueSite("requalify");
    // This site takes unsubscribe from the browser (serverOnlyEvents empty): the test has no back end.
    await putConfig(site, shopConfig(site, { serverOnlyEvents: [] }, { rules: [...shopConfig(site).models[0]!.rules, UNSUBSCRIBE] }));
    const anon = "visitor-requalify-01";
    await send(site, anon, [pageView("/pricing")]); // 31 warm
    await send(site, anon, [wire("t", "unsubscribe")]);
    expect((await getLead(site, anon)).body.disqualified).toBe(true);

    const lifted = await operate(site, anon, "requalify", { reason: "asked to hear from us again" });
    expect(lifted.status).toBe(200);
    expect(lifted.body.lead).toMatchObject({ score: 31, label: "warm" });
    expect((await getLead(site, anon)).body.disqualified).toBe(false);
    const back = (await settled(site, anon)).filter((p) => p.type === "lead.label_changed" && p.data.current === "warm" && p.data.previous !== "cold");
    expect(back).toHaveLength(1);
    expect(back[0].data.cause).toEqual({ kind: "operator", action: "requalify", reason: "asked to hear from us again" });

    // A later unsubscribe (after the requalify's instant) disqualifies again.
    await send(site, anon, [wire("t", "unsubscribe", { t: Date.now() + 1000 })]);
    expect((await getLead(site, anon)).body.disqualified).toBe(true);
    expect((await settled(site, anon)).filter((p) => p.type === "lead.disqualified")).toHaveLength(2);
  });

  it("answers 422 for bad bodies and 404 for unknown leads, storing nothing", async () => {
    const site = uniqueSite("operator");
    await putConfig(site, shopConfig(site));
    const anon = "visitor-operator-01";
    await send(site, anon, [pageView("/pricing")]);
    const stub = await leadObject(site, anon);
    const before = await stub.stats();
    const bad = [
      { points: 0, reason: "nothing" },
      { points: 5000, reason: "too much" },
      { points: 20 },
      { points: 20, reason: "   " },
      { points: 20, reason: "x".repeat(201) },
      { points: "20", reason: "called us" },
      { points: 20, reason: "called us", decay: "soon" },
      { points: 20, reason: "called us", extra: true },
    ];
    for (const body of bad) {
      const res = await operate(site, anon, "adjust", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.issues.length).toBeGreaterThan(0);
    }
    expect((await operate(site, anon, "requalify", {})).status).toBe(422);
    expect((await operate(site, anon, "adjust", "{ not json")).status).toBe(400);
    expect((await operate(site, anon, "adjust", { points: 20, reason: "called us" }, "text/plain")).status).toBe(415);
    expect(await stub.stats()).toEqual(before);
    expect((await getLead(site, anon)).body.score).toBe(31);

    const unknown = await operate(site, "nobody-ever-seen", "adjust", { points: 20, reason: "called us" });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe("unknown_lead");
    expect((await getLead(site, "nobody-ever-seen")).status).toBe(404);
    expect((await operate(site, "nobody-ever-seen", "requalify", { reason: "why not" })).status).toBe(404);
    expect(((await (await adminFetch(`/v1/sites/${site}/leads/${anon}/adjust`, { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer wrong" }, body: "{}" })).status))).toBe(401);
  });
});
