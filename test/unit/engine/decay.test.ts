import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvents, durationMs, explain, newLeadState, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, HOUR, MINUTE, T0, ev, page, simpleConfig } from "./fixtures";

describe("durations", () => {
  it.each([
    ["90m", 90 * MINUTE],
    ["36h", 36 * HOUR],
    ["7d", 7 * DAY],
    ["2w", 14 * DAY],
    ["30s", 30_000],
    ["1.5h", 90 * MINUTE],
    [24, DAY],
    [0.5, 30 * MINUTE],
  ] as const)("%s is %d ms", (input, ms) => {
    expect(durationMs(input)).toBe(ms);
  });
});

function oneRule(rule: Record<string, unknown>, model: Record<string, unknown> = {}): ScoringConfig {
  return {
    models: [{ id: "m", rules: [{ id: "r", event: "x", points: 10, ...rule }], labels: [{ name: "low" }, { name: "high", min: 1000 }], ...model }],
  } as ScoringConfig;
}

describe("time decay", () => {
  it("halves a contribution after exactly one half-life", () => {
    const config = oneRule({}, { decay: { halfLife: "7d" } });
    const { state } = applyEvents(newLeadState(), [ev("x", T0)], config, T0);
    expect(view(state, config, T0).score).toBe(10);
    expect(view(state, config, T0 + 7 * DAY).score).toBe(5);
    expect(view(state, config, T0 + 14 * DAY).score).toBe(2.5);
  });

  it.each([
    ["model half-life", { decay: "1d" }, {}, 5],
    ["model half-life as hours", { decay: 24 }, {}, 5],
    ["rule overrides with its own half-life", { decay: "1d" }, { decay: { halfLife: "12h" } }, 2.5],
    ["rule opts out with decay: false", { decay: "1d" }, { decay: false }, 10],
    ["rule decays on a model without decay", {}, { decay: "1d" }, 5],
    ["no decay anywhere", {}, {}, 10],
  ])("%s", (_name, model, rule, after1d) => {
    const config = oneRule(rule, model);
    const { state } = applyEvents(newLeadState(), [ev("x", T0)], config, T0);
    expect(view(state, config, T0 + DAY).score).toBe(after1d);
  });

  it("never decays negative points (decay must not raise a score)", () => {
    const config = simpleConfig();
    const { state } = applyEvents(newLeadState(), [page("/careers", T0)], config, T0);
    // visit +10 decays, careers -10 does not
    expect(view(state, config, T0).score).toBe(0);
    expect(view(state, config, T0 + DAY).score).toBe(-5);
    expect(view(state, config, T0 + 100 * DAY).score).toBe(-10);
  });

  it("sums several earnings of a rule, each decaying from its own instant", () => {
    const config = oneRule({}, { decay: "1d" });
    const { state } = applyEvents(newLeadState(), [ev("x", T0), ev("x", T0 + DAY)], config, T0 + DAY);
    expect(view(state, config, T0 + DAY).score).toBe(15);
    expect(view(state, config, T0 + 2 * DAY).score).toBe(7.5);
  });

  it("reads decay on demand: no state change is needed to see a lower score", () => {
    const config = simpleConfig();
    const { state } = applyEvents(newLeadState(), [page("/pricing", T0)], config, T0);
    const copy = structuredClone(state);
    expect(view(state, config, T0 + 3 * DAY).score).toBe(3.75);
    expect(state).toEqual(copy);
  });

  it("never increases the score while no event arrives (property)", () => {
    const config = simpleConfig({
      rules: [
        { id: "a", event: "a", points: 7, decay: "3h" },
        { id: "b", event: "b", points: 13 },
        { id: "c", event: "c", points: -4 },
        { id: "d", event: "d", points: 9, decay: false },
      ],
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "d"), fc.integer({ min: 0, max: 10 * DAY })), { maxLength: 30 }),
        fc.integer({ min: 0, max: 20 * DAY }),
        fc.integer({ min: 0, max: 20 * DAY }),
        (raw, d1, d2) => {
          const events = raw.map(([name, dt], i) => ({ id: `i${i}`, name, ts: T0 + dt }));
          const last = Math.max(T0, ...events.map((e) => e.ts));
          const { state } = applyEvents(newLeadState(), events, config, last);
          const a = view(state, config, last + Math.min(d1, d2));
          const b = view(state, config, last + Math.max(d1, d2));
          expect(b.score).toBeLessThanOrEqual(a.score);
          expect(b.behaviourScore).toBeLessThanOrEqual(a.behaviourScore);
        },
      ),
    );
  });

  it("explains decayed and raw points per rule", () => {
    const config = simpleConfig();
    const { state } = applyEvents(newLeadState(), [page("/pricing", T0, { id: "p1" }), page("/pricing", T0 + HOUR, { id: "p2" })], config, T0 + HOUR);
    const pricing = explain(state, config, T0 + HOUR + DAY).contributions.find((c) => c.rule === "pricing")!;
    expect(pricing).toMatchObject({ kind: "behaviour", rawPoints: 40, count: 2, events: ["p1", "p2"] });
    expect(pricing.points).toBeCloseTo(20 * 2 ** (-25 / 24) + 10, 2);
  });
});
