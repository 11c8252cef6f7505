import { describe, expect, it } from "vitest";
import { explain, replay, view, type ScoringConfig } from "../../../worker/scoring";
import { MINUTE, T0, ev } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "m",
      scale: { min: 0, max: 100 },
      rules: [
        { id: "careers", event: "careers_view", points: -15 },
        { id: "visit", event: "visit", points: 5 },
        { id: "demo", event: "demo_request", points: 60 },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 10 }],
    },
  ],
};

describe("scale clamping", () => {
  it("keeps the hidden debt and shows it in the explanation: -15 then two +5 visits on 0-100", () => {
    const events = [ev("careers_view", T0), ev("visit", T0 + MINUTE), ev("visit", T0 + 2 * MINUTE)];
    const state = replay(events, CONFIG, T0 + 2 * MINUTE);
    expect(view(state, CONFIG, T0 + 2 * MINUTE).score).toBe(0);
    expect(explain(state, CONFIG, T0 + 2 * MINUTE).scale).toEqual({ min: 0, max: 100, unclamped: -15 + 5 + 5, hidden: -15 + 5 + 5 - 0 });
    // Two more visits pay the debt off first: -15 + 4 * 5 = 5.
    const more = replay([...events, ev("visit", T0 + 3 * MINUTE), ev("visit", T0 + 4 * MINUTE)], CONFIG, T0 + 4 * MINUTE);
    expect(view(more, CONFIG, T0 + 4 * MINUTE).score).toBe(-15 + 4 * 5);
    expect(explain(more, CONFIG, T0 + 4 * MINUTE).scale).toBeUndefined();
  });

  it("shows the part above the ceiling too", () => {
    const state = replay([ev("demo_request", T0), ev("demo_request", T0 + 1)], CONFIG, T0 + 1);
    expect(explain(state, CONFIG, T0 + 1)).toMatchObject({ score: 100, scale: { unclamped: 60 * 2, hidden: 60 * 2 - 100 } });
  });
});
