import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvents, explain, newLeadState, replay, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, HOUR, T0, ev } from "./fixtures";

function capped(cap: unknown, points = 10): ScoringConfig {
  return {
    models: [{ id: "m", rules: [{ id: "r", event: "x", points, cap }], labels: [{ name: "low" }] }],
  } as ScoringConfig;
}

function count(config: ScoringConfig, events: ReturnType<typeof ev>[], now = T0 + 30 * DAY): number {
  const state = replay(events, config, now);
  return explain(state, config, now).contributions.find((c) => c.rule === "r")?.count ?? 0;
}

describe("caps", () => {
  const everyHour = Array.from({ length: 24 * 9 }, (_, i) => ev("x", T0 + i * HOUR));

  it.each([
    ["once", "once", 1],
    ["max 3 ever", { max: 3 }, 3],
    ["max 1 per day (9 UTC days touched)", { max: 1, per: "day" }, 9 + 1],
    ["max 2 per day", { max: 2, per: "day" }, 20],
    ["max 1 per hour", { max: 1, per: "hour" }, 24 * 9],
    ["max 1 per week (Monday to Sunday, UTC)", { max: 1, per: "week" }, 2],
    ["uncapped", undefined, 24 * 9],
  ])("%s", (_name, cap, expected) => {
    // T0 is Monday 09:00 UTC; 216 hours reach into the 10th UTC day (Wednesday of week 2).
    expect(count(capped(cap), everyHour)).toBe(expected);
  });

  it("counts buckets in UTC: 23:30 and 00:30 are two days", () => {
    const late = Date.UTC(2026, 0, 6, 23, 30);
    expect(count(capped({ max: 1, per: "day" }), [ev("x", late), ev("x", late + HOUR)])).toBe(2);
    expect(count(capped({ max: 1, per: "day" }), [ev("x", late - HOUR), ev("x", late)])).toBe(1);
  });

  it("weeks start on Monday 00:00 UTC", () => {
    const sunday = Date.UTC(2026, 0, 11, 23, 59);
    const monday = Date.UTC(2026, 0, 12, 0, 1);
    expect(count(capped({ max: 1, per: "week" }), [ev("x", sunday), ev("x", monday)])).toBe(2);
    expect(count(capped({ max: 1, per: "week" }), [ev("x", T0), ev("x", sunday)])).toBe(1);
  });

  it("keeps the earliest events when a late one arrives for a full cap", () => {
    const config = capped({ max: 2 });
    const a = ev("x", T0 + 1 * HOUR, { id: "a" });
    const b = ev("x", T0 + 2 * HOUR, { id: "b" });
    const late = ev("x", T0, { id: "late" });
    let { state } = applyEvents(newLeadState(), [a, b], config, T0 + 3 * HOUR);
    ({ state } = applyEvents(state, [late], config, T0 + 3 * HOUR));
    expect(explain(state, config, T0 + 3 * HOUR).contributions[0]).toMatchObject({ count: 2, events: ["late", "a"] });
    expect(state.models.m!.rules.r!.earners).toEqual(replay([a, b, late], config, T0 + 3 * HOUR).models.m!.rules.r!.earners);
  });

  it("hold over long random streams (property)", () => {
    const caps = [
      ["once", () => 1],
      [{ max: 3 }, () => 3],
      [{ max: 2, per: "day" }, (days: number) => 2 * days],
      [{ max: 1, per: "hour" }, (days: number) => 24 * days],
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...caps),
        fc.array(fc.integer({ min: 0, max: 20 * DAY - 1 }), { maxLength: 300 }),
        fc.boolean(),
        ([cap, limit], offsets, inOrder) => {
          const config = capped(cap, 5);
          const events = offsets.map((o, i) => ev("x", T0 - 9 * HOUR + o, { id: `c${i}` }));
          const days = 20; // T0 - 9h is midnight UTC: the stream spans exactly 20 UTC days
          let state = newLeadState();
          // Arrive in chunks, in time order or as generated.
          const arrival = inOrder ? [...events].sort((x, y) => x.ts - y.ts) : events;
          for (let i = 0; i < arrival.length; i += 7) state = applyEvents(state, arrival.slice(i, i + 7), config, T0 + 20 * DAY).state;
          const n = explain(state, config, T0 + 20 * DAY).contributions[0]?.count ?? 0;
          expect(n).toBeLessThanOrEqual(limit(days));
          expect(n).toBe(explain(replay(events, config, T0 + 20 * DAY), config, T0 + 20 * DAY).contributions[0]?.count ?? 0);
          expect(view(state, config, T0 + 20 * DAY).score).toBeLessThanOrEqual(5 * limit(days));
        },
      ),
      { numRuns: 150 },
    );
  });
});
