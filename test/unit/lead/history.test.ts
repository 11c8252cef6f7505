import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FLUSH_EVENTS } from "../../../worker/lead/decide";
import type { HistoryEntry } from "../../../worker/lead/history";
import { historyAnswer } from "../../../worker/lead/history-read";
import { foldRows } from "../../../worker/lead/retention";
import { leadDeliveries, withSent } from "../../../worker/lead/sent-log";
import { applyEvents, curveScore, newLeadState, shapeAt, view } from "../../../worker/scoring";
import { siteConfigSchema } from "../../../worker/site/config";
import { ev, MemoryLead, page, request, stored, T0 } from "./fixtures";

const HOUR = 3_600_000;

/** Two half-lives at once (a 1 h quote, a 1 d cart), a non-decaying signup, and a fit rule: no single half-life redraws it. */
const MIXED = siteConfigSchema.parse({
  models: [
    {
      id: "mixed",
      decay: "1d",
      rules: [
        { id: "quote", event: "quote_request", points: 40, decay: "1h" },
        { id: "cart", event: "cart_add", points: 20 },
        { id: "signup", event: "signup", points: 15, decay: false },
        { id: "berlin", trait: "city", match: "Berlin", points: 10 },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
    },
  ],
});

describe("the stored curve", () => {
  it("gives the engine's own score at every later instant, for a sum of half-lives plus steady and fit points", () => {
    const events = [ev("identify", T0, { traits: { city: "Berlin" } }), ev("signup", T0 + 1), ev("cart_add", T0 + 2), ev("quote_request", T0 + HOUR)];
    const { state } = applyEvents(newLeadState(), events, MIXED, T0 + HOUR, { deduplicated: true });
    const { view: now, shape } = shapeAt(state, MIXED, T0 + HOUR);
    // 10 (fit) + 15 (signup) + 20 * 2^-(1 h / 1 d) + 40
    expect(now.score).toBeCloseTo(10 + 15 + 20 * 2 ** (-1 / 24) + 40, 2);
    expect(shape.d!.map(([h]) => h)).toEqual([HOUR, 24 * HOUR]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 * 24 * HOUR }), (dt) => {
        expect(curveScore(shape, T0 + HOUR, T0 + HOUR + dt)).toBe(view(state, MIXED, T0 + HOUR + dt).score);
      }),
    );
  });
});

describe("decide() records the history as it happens", () => {
  it("records a point per event and per crossing, riding in the record until the events are flushed with it", () => {
    const lead = new MemoryLead();
    // 30 (pricing) + 1 (page): warm; a day later 15.5, cold.
    lead.send([page("/pricing", T0)], T0);
    lead.tick(T0 + 24 * HOUR);
    const entries = lead.record!.history!;
    expect(entries.map((e) => [e.t, e.score, e.label, e.cause.kind])).toEqual([
      [T0, 30 + 1, "warm", "event"],
      [entries[1]!.t, 29.99, "cold", "decay"],
    ]);
    // The crossing is the instant 31 * 2^-(t / 1 d) first shows under 30.
    expect(entries[1]!.t - T0).toBeCloseTo(24 * HOUR * Math.log2(31 / 29.995), -3);
    expect(entries.flatMap((e) => e.moves ?? [])).toEqual([
      { kind: "label", from: "cold", to: "warm" },
      { kind: "label", from: "warm", to: "cold" },
    ]);
    const events = Array.from({ length: FLUSH_EVENTS }, (_, i) => ev("chat_open", T0 + 25 * HOUR + i));
    const flushed = lead.send(events, T0 + 25 * HOUR + FLUSH_EVENTS);
    // One point per event: the lines the chats cross upward are those events' own transitions.
    expect(flushed.changes.length).toBeGreaterThan(0);
    expect(flushed.batch!.history!.length).toBe(2 + FLUSH_EVENTS);
    expect(flushed.record.history).toBeUndefined();
  });

  it("records nothing for a resent batch, so history costs no write of its own", () => {
    const lead = new MemoryLead();
    const events = [page("/pricing", T0), ev("cart_add", T0 + 1)];
    lead.send(events, T0);
    const resent = lead.send(events, T0 + 10);
    expect(resent.recordChanged).toBe(false);
    expect(resent.record.history!.length).toBe(2);
  });

  it("names the config version of each point", () => {
    const lead = new MemoryLead(stored({}, 1));
    lead.send([page("/pricing", T0)], T0);
    const next = new MemoryLead(stored({}, 2));
    next.record = lead.record;
    next.tick(T0 + HOUR);
    expect(next.record!.history!.map((e) => [e.v, e.cause.kind])).toEqual([
      [1, "event"],
      [2, "config"],
    ]);
  });
});

function entry(t: number, score: number, shape: HistoryEntry["shape"], extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return { t, score, label: "warm", stage: "lead", model: "m", v: 1, cause: { kind: "event", event: { id: `e${t}`, name: "x" } }, shape, ...extra };
}

describe("historyAnswer", () => {
  const first = entry(0, 50, { c: 10, d: [[HOUR, 40]] });
  const second = entry(4 * HOUR, 12.5 + 20, { c: 10, d: [[HOUR, 22.5]] });

  it("passes exactly through each point and samples each point's own curve between", () => {
    const answer = historyAnswer([second, first], { leadId: "l", from: 0, to: 6 * HOUR, configVersion: 1 });
    expect(answer.points.filter((p) => p.cause).map((p) => [p.t, p.score])).toEqual([
      [0, 50],
      [4 * HOUR, 12.5 + 20],
    ]);
    const between = answer.points.filter((p) => !p.cause && p.t < 4 * HOUR);
    // A sample every eighth of a half-life: 10 + 40 * 2^-(t / 1 h).
    expect(between.length).toBeGreaterThanOrEqual(4 * 8);
    for (const p of between) expect(p.score).toBeCloseTo(10 + 40 * 2 ** (-p.t / HOUR), 2);
    expect(between.at(-1)!.t).toBe(4 * HOUR - 1);
    expect(answer.points.at(-1)).toMatchObject({ t: 6 * HOUR, score: Math.round((10 + 22.5 / 4) * 100) / 100 });
  });

  it("draws a flat stretch as two points, and an absence step where it falls", () => {
    const flat = entry(0, 20, { c: 20, s: [[HOUR, -5]] });
    const answer = historyAnswer([flat], { leadId: "l", from: 0, to: 2 * HOUR, configVersion: 1 });
    expect(answer.points.map((p) => [p.t, p.score])).toEqual([
      [0, 20],
      [HOUR - 1, 20],
      [HOUR, 15],
      [2 * HOUR, 15],
    ]);
  });

  it("opens a window on the curve's value at `from`", () => {
    const answer = historyAnswer([first, second], { leadId: "l", from: HOUR, to: 2 * HOUR, configVersion: 1 });
    expect(answer.points[0]).toMatchObject({ t: HOUR, score: 10 + 40 / 2 });
    expect(answer.points.every((p) => p.t >= HOUR && p.t <= 2 * HOUR && !p.cause)).toBe(true);
  });
});

describe("retention", () => {
  it("folds old rows into a state that replays like the events it replaces", () => {
    const events = [page("/pricing", T0), ev("cart_add", T0 + 1), ev("chat_open", T0 + 2)];
    const config = stored().config;
    const folded = foldRows(undefined, [{ receivedAt: T0, firstId: events[0]!.id, events }], config, T0 + HOUR);
    const later = [ev("cart_add", T0 + 2 * HOUR)];
    const fromFold = applyEvents(folded.state, later, config, T0 + 3 * HOUR, { deduplicated: true }).state;
    const fromScratch = applyEvents(newLeadState(), [...events, ...later], config, T0 + 3 * HOUR, { deduplicated: true }).state;
    expect(view(fromFold, config, T0 + 3 * HOUR).score).toBe(view(fromScratch, config, T0 + 3 * HOUR).score);
    expect(folded).toMatchObject({ before: T0 + HOUR, events: 3 });
  });

  it("lets a merge re-score the union from the known lead's folded state: nothing it folded is lost", () => {
    const config = stored();
    const mine = [page("/pricing", T0), ev("chat_open", T0 + 1)];
    const known = new MemoryLead(config);
    known.run({ request: request(mine, { userId: "ann@example.com", anonymousId: null }), now: T0 + 2 });
    // Retention folded the known lead's rows: its events are in no list any more.
    known.record = { ...known.record!, pending: [], folded: foldRows(undefined, [{ receivedAt: T0, firstId: mine[0]!.id, events: mine }], config.config, T0 + HOUR) };
    known.history = [];
    const visitor = [ev("cart_add", T0 + 2 * HOUR)];
    const absorbed = { events: visitor, anonymousIds: ["visitor-0002"], mergedInto: null, leadId: "a_visitor", promos: [], lastView: null };
    const merged = known.run({ request: request([], { userId: "ann@example.com", anonymousId: "visitor-0002" }), absorbed, now: T0 + 3 * HOUR });
    const all = applyEvents(newLeadState(), [...mine, ...visitor], config.config, T0 + 3 * HOUR, { deduplicated: true }).state;
    // 30 + 10 + 25, each decayed from its own instant: the union as if nothing had been folded.
    expect(view(merged.record.state, config.config, T0 + 3 * HOUR).score).toBe(view(all, config.config, T0 + 3 * HOUR).score);
    // The visitor's events join a batch row with the known lead's own points and the merge point (the
    // known lead had a history of its own, so the visitor's is not taken over).
    expect(merged.batch!.history!.map((e) => e.cause.kind)).toEqual(["event", "event", "merge"]);
  });

  it("is a site setting of at least 7 days", () => {
    expect(siteConfigSchema.safeParse({ models: MIXED.models, history: { retention: "30d" } }).success).toBe(true);
    const short = siteConfigSchema.safeParse({ models: MIXED.models, history: { retention: "2d" } });
    expect(short.error?.issues[0]?.path).toEqual(["history", "retention"]);
  });
});

describe("a lead's deliveries", () => {
  it("lists what the outbox settled and what it still holds, newest first, without index updates", () => {
    const body = (at: number, previous: string, current: string) => JSON.stringify({ type: "lead.label_changed", timestamp: new Date(at).toISOString(), data: { previous, current } });
    const hot = { messageId: "msg_2", endpointId: "crm", type: "lead.label_changed", body: body(T0 + 2, "warm", "hot"), attempts: 0, nextAt: T0 + 5 };
    const warm = { messageId: "msg_1", endpointId: "crm", type: "lead.label_changed", body: body(T0 + 1, "cold", "warm"), attempts: 0, nextAt: T0 + 5 };
    const index = { messageId: "idx", endpointId: "#index", type: "index", body: "{}", attempts: 0, nextAt: T0 };
    const sent = withSent(withSent([], warm, "delivered", T0 + 10), index, "delivered", T0 + 10);
    expect(leadDeliveries([hot, index], sent).map((d) => [d.messageId, d.state, d.at, d.previous, d.current])).toEqual([
      ["msg_2", "pending", T0 + 2, "warm", "hot"],
      ["msg_1", "delivered", T0 + 1, "cold", "warm"],
    ]);
  });
});
