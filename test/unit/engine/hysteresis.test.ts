import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bandAfter } from "../../../worker/scoring/bands";
import { applyEvents, newLeadState, view } from "../../../worker/scoring";
import { DAY, T0, ev, simpleConfig } from "./fixtures";

const BANDS = [
  { name: "cold", min: -Infinity },
  { name: "warm", min: 30 },
  { name: "hot", min: 60 },
];

describe("bandAfter", () => {
  it.each([
    // prev, score, hysteresis, expected
    [-1, 45, 5, 1],
    [-1, 60, 5, 2],
    [0, 29.99, 5, 0],
    [0, 30, 5, 1],
    [0, 75, 5, 2],
    [1, 26, 5, 1], // inside warm's hysteresis: stays warm
    [1, 25, 5, 1],
    [1, 24.99, 5, 0],
    [2, 57, 5, 2], // inside hot's hysteresis: stays hot
    [2, 54.99, 5, 1],
    [2, 27, 5, 1], // falls through hot, lands in warm's hysteresis zone
    [2, 20, 5, 0],
    [1, 59.99, 5, 1],
    [1, 60, 5, 2],
    [2, 59, 0, 1],
  ])("from %i at %d with hysteresis %d lands in %i", (prev, score, h, expected) => {
    expect(bandAfter(BANDS, prev, score, h)).toBe(expected);
  });

  it("skips stages that only events reach", () => {
    const stages = [
      { name: "lead", min: -Infinity },
      { name: "MQL", min: 40 },
      { name: "opportunity", min: NaN },
      { name: "SQL", min: 80 },
    ];
    expect(bandAfter(stages, -1, 60, 0)).toBe(1);
    expect(bandAfter(stages, 3, 60, 0)).toBe(1);
    expect(bandAfter(stages, 3, 90, 0)).toBe(3);
  });
});

describe("hysteresis", () => {
  it("does not flap when the score wobbles around a line", () => {
    const config = simpleConfig({
      hysteresis: 5,
      decay: false,
      rules: [
        { id: "up", event: "up", points: 3 },
        { id: "down", event: "down", points: -3 },
        { id: "base", event: "base", points: 58 },
      ],
    });
    const events = [ev("base", T0), ev("up", T0 + 1), ev("down", T0 + 2), ev("up", T0 + 3), ev("down", T0 + 4), ev("down", T0 + 5), ev("up", T0 + 6)];
    const { state, changes } = applyEvents(newLeadState(), events, config, T0 + 6);
    // 58 warm, 61 hot, 58 hot, 61 hot, 58 hot, 55 hot, 58 hot: one move only
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(["cold->warm", "warm->hot"]);
    expect(view(state, config, T0 + 6).label).toBe("hot");
  });

  it("moves up only at the line and down only below line - hysteresis in a random walk (property)", () => {
    const config = simpleConfig({
      hysteresis: 5,
      decay: false,
      rules: [
        { id: "up", event: "up", points: 2 },
        { id: "down", event: "down", points: -2 },
        { id: "base", event: "base", points: 58 },
      ],
    });
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (steps) => {
        const events = [ev("base", T0), ...steps.map((up, i) => ev(up ? "up" : "down", T0 + 1 + i))];
        const { changes } = applyEvents(newLeadState(), events, config, T0 + 100);
        let score = 58;
        const scores = [58, ...steps.map((up) => (score += up ? 2 : -2))];
        const hotMoves = changes.filter((c) => c.from === "hot" || c.to === "hot");
        for (const change of hotMoves) {
          const idx = events.findIndex((e) => change.cause.kind === "event" && e.id === change.cause.eventId);
          if (change.to === "hot") expect(scores[idx]).toBeGreaterThanOrEqual(60);
          else expect(scores[idx]).toBeLessThan(55);
        }
        // Moves alternate: never two ups (or two downs) in a row.
        hotMoves.forEach((c, i) => i > 0 && expect(c.to === "hot").not.toBe(hotMoves[i - 1]!.to === "hot"));
      }),
    );
  });

  it("decays through the hysteresis zone before moving down", () => {
    const config = simpleConfig({ hysteresis: 5 });
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("demo_request", T0 + 1)], config, T0 + 1); // 80 hot
    // 2^-(t/1d) * 80 = 57 after ~0.49 d: still hot
    expect(view(state, config, T0 + Math.round(0.49 * DAY))).toMatchObject({ label: "hot" });
    expect(view(state, config, T0 + Math.round(0.49 * DAY)).score).toBeLessThan(60);
    expect(view(state, config, T0 + Math.round(0.6 * DAY))).toMatchObject({ label: "warm" });
  });
});
