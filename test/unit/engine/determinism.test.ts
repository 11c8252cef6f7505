import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvents, explain, newLeadState, replay, view, type ScoringConfig, type ScoringEvent } from "../../../worker/scoring";
import { DAY, HOUR, T0 } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "biz",
      audience: { company: { exists: true } },
      decay: "2d",
      hysteresis: 3,
      rules: [
        { id: "pv", event: "page_view", points: 2, cap: { max: 4, per: "day" } },
        { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 15, cap: "once" },
        { id: "cart", event: "cart_add", points: 12, decay: "6h", cap: { max: 3 } },
        { id: "careers", event: "page_view", when: { path: "/careers" }, points: -5 },
        { id: "buy", event: "purchase", points: 5, setStage: "customer" },
        { id: "size", trait: "companySize", match: { gte: 50 }, points: 20 },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 20 }, { name: "hot", min: 45 }],
      stages: [{ name: "lead" }, { name: "MQL", min: 30 }, { name: "customer" }],
    },
    {
      id: "shop",
      decay: "3h",
      rules: [
        { id: "pv", event: "page_view", points: 4, cap: { max: 2, per: "hour" } },
        { id: "cart", event: "cart_add", points: 20 },
        { id: "chat", event: "chat_open", points: 10, decay: false, cap: "once" },
        { id: "unsub", event: "unsubscribe", disqualify: true },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
    },
  ],
};

const eventArb: fc.Arbitrary<Omit<ScoringEvent, "id">> = fc.oneof(
  fc.record({ name: fc.constant("page_view"), ts: fc.integer({ min: 0, max: 5 * DAY }), path: fc.constantFrom("/", "/pricing", "/careers", "/products/a") }),
  fc.record({ name: fc.constantFrom("cart_add", "chat_open", "purchase"), ts: fc.integer({ min: 0, max: 5 * DAY }) }),
  fc.record({ name: fc.constant("identify"), ts: fc.integer({ min: 0, max: 5 * DAY }), traits: fc.record({ company: fc.constantFrom("Acme", ""), companySize: fc.integer({ min: 1, max: 200 }) }) }),
);

const streamArb = fc.array(eventArb, { minLength: 1, maxLength: 40 }).map((list) => list.map((e, i) => ({ ...e, id: `ev${i}`, ts: T0 + e.ts })));
const NOW = T0 + 6 * DAY;

describe("determinism", () => {
  it("replay is independent of the order events are listed in (property)", () => {
    fc.assert(
      fc.property(streamArb, fc.integer(), (events, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), { seed, numRuns: 1 })[0]!;
        expect(replay(shuffled, CONFIG, NOW)).toEqual(replay(events, CONFIG, NOW));
      }),
    );
  });

  it("applying events incrementally in time order equals a replay, bit for bit (property)", () => {
    fc.assert(
      fc.property(streamArb, fc.integer({ min: 1, max: 8 }), (events, chunk) => {
        const ordered = [...events].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : 1));
        let state = newLeadState();
        for (let i = 0; i < ordered.length; i += chunk) {
          const batch = ordered.slice(i, i + chunk);
          // The object sees each batch at the time of its last event (or later).
          state = applyEvents(state, batch, CONFIG, batch[batch.length - 1]!.ts + 1).state;
        }
        state = applyEvents(state, [], CONFIG, NOW).state;
        expect(state).toEqual(replay(events, CONFIG, NOW));
      }),
    );
  });

  it("late events fold into the same score, contributions and caps (property)", () => {
    fc.assert(
      fc.property(streamArb, (events) => {
        let state = newLeadState();
        for (const event of events) state = applyEvents(state, [event], CONFIG, Math.max(state.clock, event.ts)).state;
        state = applyEvents(state, [], CONFIG, NOW).state;
        const expected = replay(events, CONFIG, NOW);
        const a = explain(state, CONFIG, NOW);
        const b = explain(expected, CONFIG, NOW);
        expect(a.score).toBeCloseTo(b.score, 1);
        expect(a.model).toBe(b.model);
        expect(a.contributions.map((c) => [c.rule, c.count, c.events])).toEqual(b.contributions.map((c) => [c.rule, c.count, c.events]));
        expect(state.traits).toEqual(expected.traits);
      }),
    );
  });

  it("ignores duplicate event ids, within a batch and across batches", () => {
    const e = { id: "dup", name: "cart_add", ts: T0 };
    const once = replay([e], CONFIG, T0);
    const { state, changes } = applyEvents(once, [e, { ...e, ts: T0 + HOUR }], CONFIG, T0 + HOUR);
    expect(changes).toEqual([]);
    expect(view(state, CONFIG, T0 + HOUR)).toEqual(view(once, CONFIG, T0 + HOUR));
    expect(replay([e, e, e], CONFIG, T0)).toEqual(once);
  });

  it("does not mutate its inputs", () => {
    const events = [{ id: "a", name: "cart_add", ts: T0 }];
    const state = newLeadState();
    const before = structuredClone(state);
    applyEvents(state, events, CONFIG, T0);
    expect(state).toEqual(before);
    expect(events).toEqual([{ id: "a", name: "cart_add", ts: T0 }]);
  });

  it("keeps state JSON-serialisable and versioned", () => {
    const state = replay([{ id: "a", name: "identify", ts: T0, traits: { company: "Acme", companySize: 80 } }, { id: "b", name: "cart_add", ts: T0 }], CONFIG, T0);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state.v).toBe(1);
  });
});
