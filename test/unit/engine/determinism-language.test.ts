// The determinism properties of determinism.test.ts, for a config using visits, absence, combined and
// relative rules: however the events are listed, batched and the time between them advanced, the
// state is the one a replay gives.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advance, applyEvents, newLeadState, nextCrossing, replay, type ScoringConfig, type ScoringEvent } from "../../../worker/scoring";
import { DAY, HOUR, T0 } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "m",
      decay: "2d",
      visits: { timeout: "30m" },
      rules: [
        { id: "pv", event: "page_view", points: 2, cap: { max: 5, per: "day" } },
        { id: "returning", event: "visit_start", when: { visit: { number: { gte: 2 } } }, points: 5 },
        { id: "frequent", event: "visit_start", when: { visits: { atLeast: 3, within: "3d" } }, points: 10 },
        { id: "email-engaged", all: [{ event: "email_open" }, { event: "email_click" }], within: "2d", points: 8, cap: { max: 2 } },
        { id: "pricing-after-demo", all: [{ event: "demo_request" }, { event: "page_view", when: { path: "/pricing*" } }], inOrder: true, within: "3d", points: 12 },
        { id: "idle", absence: { after: "4d" }, points: -6 },
        { id: "one-visit", absence: { after: "2d", visits: 1 }, points: -3, cap: "once" },
        { id: "soon", trait: "expectedPurchase", match: { within: "3d" }, points: 9 },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 12 }, { name: "hot", min: 30 }],
    },
  ],
};

const ts = fc.integer({ min: 0, max: 10 * DAY });
const eventArb: fc.Arbitrary<Omit<ScoringEvent, "id">> = fc.oneof(
  fc.record({ name: fc.constant("page_view"), ts, path: fc.constantFrom("/", "/pricing", "/blog/x"), url: fc.constantFrom("https://s.example/", "https://s.example/?utm_medium=email") }),
  fc.record({ name: fc.constantFrom("email_open", "email_click", "demo_request"), ts }),
  fc.record({ name: fc.constant("identify"), ts, traits: fc.record({ expectedPurchase: fc.integer({ min: 0, max: 14 }).map((d) => new Date(T0 + d * DAY).toISOString()) }) }),
);
const streamArb = fc.array(eventArb, { minLength: 1, maxLength: 30 }).map((list) => list.map((e, i) => ({ ...e, id: `ev${i}`, ts: T0 + e.ts })));
const NOW = T0 + 15 * DAY;
const byTime = (a: ScoringEvent, b: ScoringEvent) => a.ts - b.ts || (a.id < b.id ? -1 : 1);

describe("determinism of visits, absence, combined and relative rules", () => {
  it("replay is independent of the order events are listed in (property)", () => {
    fc.assert(
      fc.property(streamArb, fc.integer(), (events, seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(events, { minLength: events.length }), { seed, numRuns: 1 })[0]!;
        expect(replay(shuffled, CONFIG, NOW)).toEqual(replay(events, CONFIG, NOW));
      }),
    );
  });

  it("batches in time order, with the alarm firing at every nextCrossing between them, give a replay's state (property)", () => {
    fc.assert(
      fc.property(streamArb, fc.integer({ min: 1, max: 6 }), (events, chunk) => {
        const ordered = [...events].sort(byTime);
        let state = newLeadState();
        let clock = T0;
        const alarmsUntil = (t: number) => {
          // What the lead's one alarm does: wake at nextCrossing, advance, re-arm.
          for (let at = nextCrossing(state, CONFIG, clock); at !== null && at < t; at = nextCrossing(state, CONFIG, clock)) {
            // Each wake-up is strictly later than the last: the alarm never spins.
            expect(at).toBeGreaterThan(clock);
            clock = at;
            state = advance(state, CONFIG, clock).state;
          }
        };
        for (let i = 0; i < ordered.length; i += chunk) {
          const batch = ordered.slice(i, i + chunk);
          const at = batch[batch.length - 1]!.ts;
          alarmsUntil(batch[0]!.ts);
          clock = Math.max(clock, at);
          state = applyEvents(state, batch, CONFIG, clock).state;
        }
        alarmsUntil(NOW);
        state = advance(state, CONFIG, NOW).state;
        expect(state).toEqual(replay(events, CONFIG, NOW));
      }),
      { numRuns: 150 },
    );
  });

  it("nextCrossing of a lead advanced to now is always later than now (property)", () => {
    fc.assert(
      fc.property(streamArb, fc.integer({ min: 0, max: 15 * DAY }), (events, offset) => {
        const now = T0 + offset;
        const state = replay(events.filter((e) => e.ts <= now), CONFIG, now);
        const at = nextCrossing(state, CONFIG, now);
        if (at !== null) expect(at).toBeGreaterThan(now);
      }),
    );
  });

  it("keeps the state bounded: a year of daily visits keeps only the visit starts the 3-day window needs", () => {
    const events = Array.from({ length: 365 }, (_, d) => ({ id: `d${d}`, name: "page_view", ts: T0 + d * DAY + HOUR, path: "/" }));
    const state = replay(events, CONFIG, T0 + 366 * DAY);
    expect(state.models.m!.visit!.starts.length).toBeLessThanOrEqual(3);
    expect(Object.keys(state.models.m!.idle!)).toEqual(["idle", "one-visit"]);
    expect(JSON.stringify(state.models.m!.combos ?? {}).length).toBeLessThan(200);
  });
});
