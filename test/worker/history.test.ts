import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminFetch, env, getLead, leadObject, outboxDrained, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A quote request is worth `points`, halving every hour: cold < 30 <= warm < 60 <= hot. */
function decayConfig(site: string, points = 70, extra: Record<string, unknown> = {}) {
  return shopConfig(site, extra, { decay: { halfLife: "1h" }, rules: [{ id: "quote", event: "quote_request", points }] });
}

/** The Worker and its Durable Objects share this isolate's clock: moving it moves theirs. */
function clockAt(ms: number): void {
  vi.useFakeTimers({ toFake: ["Date"], now: ms });
}

afterEach(() => {
  vi.useRealTimers();
});

async function history(site: string, ref: string, query = ""): Promise<{ status: number; body: any }> {
  const res = await adminFetch(`/v1/sites/${site}/leads/${encodeURIComponent(ref)}/history${query}`);
  return { status: res.status, body: await res.json() };
}

async function simulate(site: string, body: unknown): Promise<any> {
  const res = await adminFetch(`/v1/sites/${site}/simulate`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return res.json();
}

async function storedEvents(site: string, ref: string): Promise<Array<{ id: string; name: string; ts: number }>> {
  const res = await adminFetch(`/v1/sites/${site}/leads/${encodeURIComponent(ref)}/events?limit=500`);
  return ((await res.json()) as any).events;
}

const recorded = (points: any[]) => points.filter((p) => p.cause);

describe("score history", () => {
  it("shows a rise, a decay across a line and a second rise at their instants, matching simulate at every event", async () => {
    const site = uniqueSite();
    await putConfig(site, decayConfig(site));
    const visitor = "visitor-history-01";
    const t0 = Date.now();
    clockAt(t0);
    await send(site, visitor, [wire("t", "quote_request")]);
    const crossesAt: number = (await getLead(site, visitor)).body.explanation.lowerLine.crossesAt;
    await outboxDrained(site, visitor);
    // The real alarm, at the instant it was set for: 70 * 2^-(t / 1 h) falls below 60 (hot -> warm).
    clockAt(crossesAt + 5);
    expect(await runDurableObjectAlarm(await leadObject(site, visitor))).toBe(true);
    // An hour after the first (still warm: 70 / 2 = 35): 70 / 2 + 70 = 105, hot again.
    const t2 = t0 + HOUR;
    clockAt(t2);
    await send(site, visitor, [wire("t", "quote_request")]);
    await outboxDrained(site, visitor);

    const { status, body } = await history(site, visitor);
    expect(status).toBe(200);
    const cause = (t: any) => (t.cause.kind === "event" ? t.cause.event.name : t.cause.kind);
    expect(body.transitions.map((t: any) => [t.t, t.kind, t.from, t.to, cause(t)])).toEqual([
      [t0, "label", "cold", "hot", "quote_request"],
      [crossesAt, "label", "hot", "warm", "decay"],
      [t2, "label", "warm", "hot", "quote_request"],
    ]);
    // Exact at each event and crossing: 70; 59.99 (the first score under 60); 70 * 2^-1 + 70.
    expect(recorded(body.points).map((p: any) => [p.t, p.score, p.label])).toEqual([
      [t0, 70, "hot"],
      [crossesAt, 59.99, "warm"],
      [t2, 70 / 2 + 70, "hot"],
    ]);
    // The webhooks told the same instants.
    const hooks = (await received(site)).map((h) => JSON.parse(h.body)).filter((p) => p.type === "lead.label_changed");
    expect(hooks.map((p) => Date.parse(p.timestamp)).sort()).toEqual([t0, crossesAt, t2]);

    // The values at the events are simulate's on the same events.
    const events = await storedEvents(site, visitor);
    const sim = await simulate(site, { events: events.map((e) => ({ id: e.id, name: e.name, timestamp: e.ts })), anonymousId: visitor });
    const atEvents = recorded(body.points).filter((p: any) => p.cause.kind === "event");
    expect(atEvents.map((p: any) => [p.t, p.score, p.label])).toEqual(sim.timeline.filter((s: any) => s.eventId).map((s: any) => [s.at, s.score, s.label]));

    // Between the points, the decay curve itself: 70 * 2^-(t / 1 h) at every sample, falling, up to just before the second event.
    const between = body.points.filter((p: any) => !p.cause && p.t > t0 && p.t < t2);
    expect(between.length).toBeGreaterThanOrEqual(8);
    for (const p of between) expect(p.score).toBeCloseTo(70 * 2 ** (-(p.t - t0) / HOUR), 2);
    expect(between.map((p: any) => p.score)).toEqual([...between.map((p: any) => p.score)].sort((a, b) => b - a));
    expect(between.at(-1).t).toBe(t2 - 1);
    expect(body.points.at(-1).t).toBe(body.to);
    expect(body.points.every((p: any) => p.configVersion === 1)).toBe(true);

    // A window of it: only what lies inside, starting with the curve's value at `from`.
    // Half an hour in, past the crossing (at 0.22 h): the window opens on the curve's value there.
    const half = t0 + HOUR / 2;
    const window = await history(site, visitor, `?from=${half}&to=${t2}`);
    expect(window.body.transitions.map((t: any) => [t.from, t.to])).toEqual([["warm", "hot"]]);
    expect(window.body.points[0]).toMatchObject({ t: half, score: Math.round(70 * 2 ** -0.5 * 100) / 100, label: "warm" });
  });

  it("keeps the past points of an old config and records the config change as a transition", async () => {
    const site = uniqueSite();
    await putConfig(site, decayConfig(site, 70));
    const visitor = "visitor-history-02";
    const t0 = Date.now();
    clockAt(t0);
    await send(site, visitor, [wire("t", "quote_request")]);
    await outboxDrained(site, visitor);
    // Half an hour later the quote is worth 40 under a new config: 40 * 2^-0.5 = 28.28, cold.
    clockAt(t0 + HOUR / 2);
    expect((await putConfig(site, decayConfig(site, 40))).status).toBe(200);
    clockAt(t0 + HOUR);
    // 40 * 2^-1 + 40 = 60: hot under the new config.
    await send(site, visitor, [wire("t", "quote_request")]);
    await outboxDrained(site, visitor);

    const { body } = await history(site, visitor);
    const points = recorded(body.points).map((p: any) => [p.t, p.score, p.label, p.configVersion, p.cause.kind]);
    expect(points).toEqual([
      [t0, 70, "hot", 1, "event"],
      [t0 + HOUR / 2, 28.28, "cold", 2, "config"],
      [t0 + HOUR, 40 / 2 + 40, "hot", 2, "event"],
    ]);
    expect(body.transitions.map((t: any) => [t.from, t.to, t.cause.kind])).toEqual([
      ["cold", "hot", "event"],
      ["hot", "cold", "config"],
      ["cold", "hot", "event"],
    ]);
    // The curve before the change is the old config's: 70 decaying, not 40.
    const before = body.points.filter((p: any) => !p.cause && p.t < t0 + HOUR / 2);
    for (const p of before) expect(p.score).toBeCloseTo(70 * 2 ** (-(p.t - t0) / HOUR), 2);
    expect(body.configVersion).toBe(2);
  });

  it("deletes batch rows past the site's retention without changing the score, waking a quiet lead for it", async () => {
    const site = uniqueSite();
    // Nothing decays: no crossing will ever wake this lead, only its retention.
    const config = shopConfig(site, { history: { retention: "7d" } }, { rules: [{ id: "cart", event: "cart_add", points: 2 }, { id: "quote", event: "quote_request", points: 70 }] });
    expect((await putConfig(site, config)).status).toBe(200);
    const visitor = "visitor-history-03";
    const t0 = Date.now();
    clockAt(t0);
    // Twenty events fill one batch row (FLUSH_EVENTS).
    await send(site, visitor, [wire("t", "quote_request"), ...Array.from({ length: 19 }, () => wire("t", "cart_add"))]);
    await outboxDrained(site, visitor);
    const stub = await leadObject(site, visitor);
    const stats = await stub.stats();
    expect(stats.events).toBe(20);
    // The alarm is set for the instant that row passes the retention.
    expect(stats.alarm).toBe(t0 + 7 * DAY);

    clockAt(t0 + 7 * DAY + 1);
    const before = (await getLead(site, visitor)).body;
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    const after = (await getLead(site, visitor)).body;
    // 70 + 19 * 2, before and after alike.
    expect(after.score).toBe(70 + 19 * 2);
    expect(after.score).toBe(before.score);
    expect(after.label).toBe(before.label);
    expect(await stub.stats()).toMatchObject({ events: 0, alarm: null });
    // Its history went with the rows: the timeline starts at the cutoff, on the newest folded curve.
    const { body } = await history(site, visitor);
    expect(recorded(body.points)).toEqual([]);
    expect(body.points[0]).toMatchObject({ t: t0 + 1, score: 70 + 19 * 2 });
    expect(body.points.at(-1).score).toBe(after.score);

    // New events score on top of the folded ones.
    await send(site, visitor, [wire("t", "cart_add")]);
    expect((await getLead(site, visitor)).body.score).toBe(70 + 20 * 2);
  });

  it("answers a merged anonymous id with its lead's history, 404 for an unknown lead and 422 for a bad window", async () => {
    const site = uniqueSite();
    await putConfig(site, decayConfig(site));
    const visitor = "visitor-history-04";
    await send(site, visitor, [wire("t", "quote_request")]);
    await send(site, visitor, [wire("i", "identify")], "ann@example.com");
    await outboxDrained(site, "ann@example.com");
    const known = await history(site, "ann@example.com");
    expect(known.status).toBe(200);
    // The visitor's history before the sign-up is the person's: it came along, then the merge.
    expect(recorded(known.body.points).map((p: any) => p.cause.kind).sort()).toEqual(["event", "event", "merge"]);
    const viaAnonymous = await history(site, visitor);
    expect(viaAnonymous.body.leadId).toBe(known.body.leadId);

    expect((await history(site, "nobody-at-all")).status).toBe(404);
    for (const query of ["?from=yesterday", "?from=20&to=10", "?to=-5"]) {
      const bad = await history(site, visitor, query);
      expect(bad.status).toBe(422);
      expect(bad.body.error.issues[0].path).toMatch(/^\$\.(from|to)$/);
    }
  });

  it("is gone after erasure", async () => {
    const site = uniqueSite();
    await putConfig(site, decayConfig(site));
    await send(site, "visitor-history-05", [wire("t", "quote_request")]);
    expect((await history(site, "visitor-history-05")).status).toBe(200);
    await adminFetch(`/v1/sites/${site}/leads/visitor-history-05`, { method: "DELETE" });
    expect((await history(site, "visitor-history-05")).status).toBe(404);
  });
});

describe("a lead's deliveries", () => {
  it("lists each webhook sent about the lead with its delivery state", async () => {
    const site = uniqueSite();
    await putConfig(site, decayConfig(site));
    await send(site, "visitor-deliveries", [wire("t", "quote_request")]);
    await outboxDrained(site, "visitor-deliveries");
    const res = await adminFetch(`/v1/sites/${site}/leads/visitor-deliveries/deliveries`);
    expect(res.status).toBe(200);
    const { deliveries } = (await res.json()) as any;
    expect(deliveries.map((d: any) => [d.type, d.endpointId, d.state, d.previous, d.current])).toEqual([["lead.label_changed", "main", "delivered", "cold", "hot"]]);
    const hook = JSON.parse((await received(site))[0]!.body);
    expect(deliveries[0]).toMatchObject({ messageId: (await received(site))[0]!.headers["webhook-id"], at: Date.parse(hook.timestamp), attempts: 1 });
    expect((await adminFetch(`/v1/sites/${site}/leads/nobody/deliveries`)).status).toBe(404);
  });
});

void env;
