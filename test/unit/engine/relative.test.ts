import { describe, expect, it } from "vitest";
import { advance, applyEvents, matches, newLeadState, nextCrossing, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, T0, ev } from "./fixtures";

const iso = (t: number) => new Date(t).toISOString();

describe("conditions relative to now", () => {
  it.each<[string, unknown, unknown, number, boolean]>([
    ["a date 45 days ahead is within 90 days", iso(T0 + 45 * DAY), { within: "90d" }, T0, true],
    ["a date 45 days ago is within 90 days too", iso(T0 - 45 * DAY), { within: "90d" }, T0, true],
    ["91 days ahead is not", iso(T0 + 91 * DAY), { within: "90d" }, T0, false],
    ["a calendar date string", "2026-03-01", { within: "90d" }, T0, true],
    ["epoch milliseconds", T0 + DAY, { within: "2d" }, T0, true],
    ["last seen 31 days ago is older than 30 days", iso(T0 - 31 * DAY), { olderThan: "30d" }, T0, true],
    ["last seen 29 days ago is not", iso(T0 - 29 * DAY), { olderThan: "30d" }, T0, false],
    ["a future date is not older than anything", iso(T0 + DAY), { olderThan: "1d" }, T0, false],
    ["not a date", "soon", { within: "90d" }, T0, false],
    ["combined with not: within 90 days and not in the past", iso(T0 + 10 * DAY), { within: "90d", not: { olderThan: "0.001s" } }, T0, true],
    ["without a now, a relative test fails", iso(T0), { within: "90d" }, NaN, false],
  ])("%s", (_name, value, cond, now, expected) => {
    expect(matches(value, cond as never, now)).toBe(expected);
  });

  const CONFIG: ScoringConfig = {
    models: [
      {
        id: "m",
        rules: [
          { id: "demo", event: "demo_request", points: 20 },
          { id: "buying-soon", trait: "expectedPurchase", match: { within: "90d" }, points: 15 },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }],
      },
    ],
  };

  it("re-evaluates at the instant the truth flips: nextCrossing returns it and advance reports the move (cause time)", () => {
    const purchase = T0 + 120 * DAY;
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("identify", T0, { traits: { expectedPurchase: iso(purchase) } })], CONFIG, T0);
    expect(view(state, CONFIG, T0).score).toBe(20);
    const flipIn = purchase - 90 * DAY;
    expect(nextCrossing(state, CONFIG, T0)).toBe(flipIn);
    const entered = advance(state, CONFIG, flipIn + DAY);
    expect(entered.changes).toEqual([
      { type: "lead.label_changed", from: "cold", to: "warm", direction: "up", at: flipIn, score: 20 + 15, cause: { kind: "time" } },
    ]);
    // It flips back the millisecond after the date is more than 90 days past.
    const flipOut = purchase + 90 * DAY + 1;
    expect(nextCrossing(entered.state, CONFIG, flipIn + DAY)).toBe(flipOut);
    const left = advance(entered.state, CONFIG, flipOut);
    expect(left.changes.map((c) => [c.to, c.at, c.cause.kind])).toEqual([["cold", flipOut, "time"]]);
    expect(nextCrossing(left.state, CONFIG, flipOut)).toBeNull();
  });

  it("is read at the instant asked even when nobody advanced the lead", () => {
    const { state } = applyEvents(newLeadState(), [ev("identify", T0, { traits: { expectedPurchase: iso(T0 + 100 * DAY) } })], CONFIG, T0);
    expect(view(state, CONFIG, T0).score).toBe(0);
    expect(view(state, CONFIG, T0 + 10 * DAY).score).toBe(15);
  });
});
