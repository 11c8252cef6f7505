import { describe, expect, it } from "vitest";
import { applyEvents, explain, newLeadState, nextCrossing, replay, view, type ScoringConfig, type ScoringEvent } from "../../../worker/scoring";
import { DAY, T0, ev, simpleConfig } from "./fixtures";

// pv 10, any event 1, and 10 quiet days -5; no decay.
const CONFIG: ScoringConfig = simpleConfig({
  decay: false,
  rules: [
    { id: "pv", event: "page_view", points: 10 },
    { id: "any", event: "*", points: 1 },
    { id: "quiet", absence: { after: "10d" }, points: -5 },
  ],
  labels: [{ name: "cold" }, { name: "warm", min: 30 }],
});

const adjust = (points: number, reason: string, ts: number, halfLife?: number, id?: string): ScoringEvent =>
  ev("adjust", ts, { ...(id ? { id } : {}), adjust: { points, reason, ...(halfLife ? { halfLife } : {}) } });

describe("operator adjustments", () => {
  it("add points with a reason, listed in the explanation, and move the label (cause: the adjust event)", () => {
    const first = applyEvents(newLeadState(), [ev("page_view", T0, { path: "/" })], CONFIG, T0);
    const called = adjust(20, "called us", T0 + 1, undefined, "adj1");
    const { state, changes } = applyEvents(first.state, [called], CONFIG, T0 + 1);
    expect(view(state, CONFIG, T0 + 1).score).toBe(10 + 1 + 20);
    expect(changes.map((c) => [c.type, c.to, c.cause])).toEqual([["lead.label_changed", "warm", { kind: "event", eventId: "adj1", name: "adjust" }]]);
    expect(explain(state, CONFIG, T0 + 1).contributions[0]).toEqual({ rule: "adjust", kind: "operator", reason: "called us", points: 20, rawPoints: 20, count: 1, events: ["adj1"] });
  });

  it("are not visitor activity: no rule matches them and a quiet spell goes on", () => {
    const state = replay([ev("page_view", T0, { path: "/" }), adjust(5, "met at a fair", T0 + 5 * DAY)], CONFIG, T0 + 10 * DAY);
    // pv 10 + any 1 + adjustment 5 - quiet 5 (10 days after the page view, not after the adjustment)
    expect(view(state, CONFIG, T0 + 10 * DAY).score).toBe(10 + 1 + 5 - 5);
  });

  it("decay when given a half-life, except negative ones", () => {
    const state = replay([adjust(40, "hot tip", T0, 2 * DAY), adjust(-10, "wrong number", T0)], CONFIG, T0);
    expect(view(state, CONFIG, T0 + 2 * DAY).score).toBe(40 / 2 - 10);
    // It starts warm at 40 - 10 = 30 and, like any decaying points, crosses exactly: the score rounds below 30
    // once 40 * 2^(-t / 2d) - 10 < 29.995, at t = 2d * log2(40 / 39.995).
    const crossing = T0 + 2 * DAY * Math.log2(40 / 39.995);
    expect(Math.abs(nextCrossing(state, CONFIG, T0)! - crossing)).toBeLessThanOrEqual(1);
  });

  it("count once however often the same adjustment is resent", () => {
    const once = adjust(20, "called us", T0, undefined, "adj-same");
    const state = replay([once, once, { ...once }], CONFIG, T0);
    expect(view(state, CONFIG, T0).score).toBe(20);
  });

  it("stay bounded: many fold into one line whose points still count", () => {
    const many = Array.from({ length: 80 }, (_, i) => adjust(1, `note ${i}`, T0 + i, undefined, `a${String(i).padStart(2, "0")}`));
    const state = replay(many, CONFIG, T0 + 100);
    expect(state.models.m!.adjust!.length).toBeLessThanOrEqual(50);
    expect(view(state, CONFIG, T0 + 100).score).toBe(80 * 1);
  });
});
