/**
 * Outcomes as the live worker records them: a conversion by event, by stage and by a trait set on
 * identify, each read just before the deciding event; a negative once the horizon passes (the site's
 * sweep, test/worker/horizon-sweep.test.ts in full); what the report says with nothing to measure; bad
 * input; label changes per day.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { adminFetch, env, eventually, pageView, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

const OUTCOMES = { horizon: "30d", conversion: [{ event: "purchase" }, { stage: "customer" }, { trait: "crm_status", match: { in: ["won"] } }], loss: [{ event: "lost" }] };
const STAGES = [{ name: "lead" }, { name: "customer" }];

/** The one site a write key names: purchases are server-only events, sent through `/v1/track`. */
const SERVER_SITE = "outsite";

async function site(outcomes: unknown = OUTCOMES, id = uniqueSite("out")): Promise<string> {
  const config = shopConfig(id, id === SERVER_SITE ? { writeKey: { env: "TEST_WRITE_KEY_OUTCOMES" } } : {}, { stages: STAGES, ...(outcomes ? { outcomes } : {}) }) as any;
  config.models[0].rules.push({ id: "won", event: "deal_won", setStage: "customer" }, { id: "purchase", event: "purchase", points: 50 });
  expect((await putConfig(id, config)).status).toBe(200);
  return id;
}

/** A server-side purchase, as a shop's back end reports it. */
async function purchase(anonymousId: string): Promise<void> {
  const auth = `Basic ${btoa(`${env.TEST_WRITE_KEY_OUTCOMES}:`)}`;
  const res = await adminFetch("/v1/track", { method: "POST", headers: { authorization: auth, "content-type": "application/json" }, body: JSON.stringify({ anonymousId, event: "purchase", properties: { total: 42 } }) });
  expect(res.status).toBe(200);
}

async function report(id: string, query = ""): Promise<any> {
  const res = await adminFetch(`/v1/sites/${id}/report${query}`);
  expect(res.status).toBe(200);
  return res.json();
}

const horizonSweep = (id: string) => env.SITES.getByName(id).horizonSweep();

afterEach(() => {
  vi.useRealTimers();
});

/** Waits for the site's counters to hold `leads` settled leads (outcomes reach it through the leads' outboxes). */
const settled = (id: string, leads: number) => eventually(async () => {
  const r = await report(id);
  return r.leads === leads && r;
});

describe("outcomes recorded live", () => {
  it("records a purchase with the lead's score and label just before it: the purchase's own 50 points never count", async () => {
    const id = await site(OUTCOMES, SERVER_SITE);
    await send(id, "visitor-out-buyer-1", [pageView("/pricing"), wire("t", "cart_add")]);
    await purchase("visitor-out-buyer-1");
    const r = await settled(id, 1);
    expect(r).toMatchObject({ status: "ok", conversions: 1, baseRate: 1, auc: null });
    // 30 (pricing) + 1 (a page) + 25 (cart) = 56: warm before the purchase, not hot after it.
    expect(r.labels.find((l: any) => l.name === "warm")).toMatchObject({ leads: 1, conversions: 1, rate: 1, lift: 1, precision: 1, recall: 1 });
    expect(r.labels.find((l: any) => l.name === "hot")).toMatchObject({ leads: 0, conversions: 0, rate: null, lift: null, precision: null, recall: 0 });
  });

  it("converts on reaching a stage and on a trait set through identify; a loss is a negative at once", async () => {
    const id = await site();
    await send(id, "visitor-out-stage-1", [pageView("/"), wire("t", "deal_won")]);
    await send(id, "visitor-out-trait-1", [pageView("/"), wire("i", "identify", { tr: { crm_status: "open" } })]);
    await send(id, "visitor-out-trait-1", [wire("i", "identify", { tr: { crm_status: "Won" } })]);
    await send(id, "visitor-out-lost-1", [pageView("/pricing"), wire("t", "lost")]);
    const r = await settled(id, 3);
    expect(r).toMatchObject({ conversions: 2, baseRate: 0.6667 });
    expect(r.stages.find((s: any) => s.name === "lead")).toMatchObject({ leads: 3, conversions: 2 });
  });

  it("does not count a lead while its horizon runs, and counts it a negative when the site's sweep closes it", async () => {
    const id = await site({ horizon: "1d", conversion: [{ event: "purchase" }] });
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
    await send(id, "visitor-out-quiet-1", [pageView("/pricing")]);
    const open = await report(id);
    if (open.leads === 0) expect(open).toMatchObject({ status: "no_outcomes_yet", baseRate: null, auc: null, labels: [], weeks: [] });
    // No event comes: the lead's index entry told the site when its horizon ends, and the site's alarm
    // (the daily sweep after that end) asks it to settle. The test moves the shared clock and runs it.
    await eventually(async () => (await horizonSweep(id)).dueAt !== null);
    vi.setSystemTime((await horizonSweep(id)).dueAt!);
    // (The save's re-score alarm may fire by itself meanwhile: it runs the same sweep, once.)
    await runDurableObjectAlarm(env.SITES.getByName(id));
    const r = await settled(id, 1);
    expect(r).toMatchObject({ status: "ok", conversions: 0, baseRate: 0 });
    expect(r.labels.find((l: any) => l.name === "warm")).toMatchObject({ leads: 1, conversions: 0, rate: 0, lift: null });
  });

  it("says so when no model names outcomes, with nulls rather than NaN", async () => {
    const id = await site(null);
    await send(id, "visitor-out-none-1", [pageView("/pricing")]);
    const r = await report(id);
    expect(r).toMatchObject({ status: "no_outcomes_configured", model: "shop", leads: 0, conversions: 0, baseRate: null, auc: null, horizon: null });
    expect(r.message).toContain("outcomes");
    expect(JSON.stringify(r)).not.toContain("NaN");
  });

  it("judges the leads already there when a save adds outcomes: the re-score it starts replays each", async () => {
    const id = await site(null);
    await send(id, "visitor-out-before-1", [pageView("/"), wire("t", "deal_won")]);
    await send(id, "visitor-out-before-2", [pageView("/pricing")]);
    await eventually(async () => ((await (await adminFetch(`/v1/sites/${id}/leads`)).json()) as any).leads.length === 2);
    expect((await report(id)).status).toBe("no_outcomes_configured");
    const config = ((await (await adminFetch(`/v1/sites/${id}/config`)).json()) as any);
    config.models[0].outcomes = OUTCOMES;
    expect((await putConfig(id, config)).status).toBe(200);
    // The customer converted within its horizon; the other lead's horizon is still open, so it is not counted yet.
    const r = await settled(id, 1);
    expect(r).toMatchObject({ conversions: 1, baseRate: 1 });
  });

  it("forgets an erased lead's outcome", async () => {
    const id = await site();
    await send(id, "visitor-out-erase-1", [pageView("/"), wire("t", "deal_won")]);
    await settled(id, 1);
    expect((await adminFetch(`/v1/sites/${id}/leads/visitor-out-erase-1`, { method: "DELETE" })).status).toBe(200);
    expect((await report(id)).status).toBe("no_outcomes_yet");
  });
});

describe("report and backtest input", () => {
  it.each([
    ["?from=yesterday", "$.from"],
    ["?from=2026-11-10&to=2026-11-02", "$.to"],
    ["?from=2020-01-01&to=2026-01-01", "$.from"],
    ["?model=nope", "$.model"],
  ])("answers 422 naming the path for %s", async (query, path) => {
    const id = await site();
    const res = await adminFetch(`/v1/sites/${id}/report${query}`);
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.issues.map((i: any) => i.path)).toContain(path);
  });

  it("validates a backtest's candidate like a PUT, and its sample, with paths; nothing is stored", async () => {
    const id = await site();
    const bad = shopConfig(id, {}, { outcomes: { horizon: "30d", conversion: [{ stage: "champion" }] } });
    const post = (body: unknown) => adminFetch(`/v1/sites/${id}/backtest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const res = await post({ config: bad });
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).error.issues.map((i: any) => i.path)).toContain("$.models[0].outcomes.conversion[0].stage");
    const sample = await post({ config: shopConfig(id), sample: 0 });
    expect(sample.status).toBe(422);
    expect(((await sample.json()) as any).error.issues.map((i: any) => i.path)).toContain("$.sample");
    expect(((await (await adminFetch(`/v1/sites/${id}/config`)).json()) as any).models[0].outcomes).toEqual(OUTCOMES);
  });

  it("is admin-only", async () => {
    const id = await site();
    expect((await adminFetch(`/v1/sites/${id}/report`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await adminFetch(`/v1/sites/${id}/backtest`, { method: "POST", headers: { authorization: "Bearer wrong", "content-type": "application/json" }, body: "{}" })).status).toBe(401);
  });
});

describe("label changes per day", () => {
  it("counts a lead's move into a label on its day, not its first listing", async () => {
    const id = await site();
    await send(id, "visitor-out-moves-1", [pageView("/")]);
    await eventually(async () => ((await (await adminFetch(`/v1/sites/${id}/leads`)).json()) as any).leads.length === 1);
    await send(id, "visitor-out-moves-1", [pageView("/pricing")]);
    const days = await eventually(async () => {
      const body: any = await (await adminFetch(`/v1/sites/${id}/label-changes?days=30`)).json();
      return body.days.at(-1).changes.warm === 1 && body.days;
    });
    expect(days).toHaveLength(30);
    expect(days.at(-1).date).toBe(new Date().toISOString().slice(0, 10));
    expect(days.slice(0, -1).every((d: any) => Object.keys(d.changes).length === 0)).toBe(true);
  });

  it("adds up the moves one request of gathered entries brings: each lead once per move, a late entry not at all", async () => {
    const site = env.SITES.getByName(uniqueSite("out-tally"));
    const day = Date.UTC(2026, 10, 2);
    const entry = (leadId: string, label: string, updatedAt: number) => ({ leadId, userId: null, score: 10, label, stage: "lead", model: "shop", updatedAt, horizonEnd: null });
    // First listings move nothing.
    await site.upsertLeads(["a", "b", "c"].map((id) => entry(id, "cold", day)));
    await site.upsertLeads([
      entry("a", "warm", day + 1_000),
      entry("b", "warm", day + 1_000),
      // One lead twice in one request: cold to warm, then warm to hot.
      entry("c", "warm", day + 1_000),
      entry("c", "hot", day + 2_000),
      // Older than what the index holds for a: it replaces nothing, so it moved nothing.
      entry("a", "hot", day + 500),
      // The same label again is no move.
      entry("b", "warm", day + 3_000),
    ]);
    const counted = await site.labelChanges(Math.floor(day / 86_400_000));
    expect(counted).toEqual([
      { day: Math.floor(day / 86_400_000), label: "hot", n: 1 },
      { day: Math.floor(day / 86_400_000), label: "warm", n: 3 },
    ]);
    // A later request adds to the same day's rows.
    await site.upsertLeads([entry("a", "hot", day + 4_000), entry("b", "hot", day + 4_000)]);
    expect((await site.labelChanges(Math.floor(day / 86_400_000))).find((r: any) => r.label === "hot")?.n).toBe(3);
  });
});
