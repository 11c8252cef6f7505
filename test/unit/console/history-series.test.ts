import { describe, expect, it } from "vitest";
import { historySeries, scoreAxisRange, timeAxisRange, timelineToHistory, transitionText, type LeadHistory } from "../../../console/src/chart/history-series";

const H = 2 * 60 * 60 * 1000; // the demo shop model's half-life, 2 h
const T0 = Date.parse("2026-11-20T10:00:00Z");
const BANDS = [{ name: "hot", min: 60 }, { name: "warm", min: 30 }];

/** Rose to 70 (hot), decayed below 60 and 30, then an event took it back up: the shape issue 11's history gives. */
const FIXTURE: LeadHistory = {
  points: [
    { t: T0, score: 40 },
    { t: T0 + 10 * 60_000, score: 70 },
    // 70 · 2^(−h/h) = 35 one half-life later: a decay crossing below hot is recorded as a point.
    { t: T0 + 10 * 60_000 + H, score: 35 },
    // an event 2 h later: 35 · 2^-1 = 17.5 just before, 17.5 + 20 = 37.5 after
    { t: T0 + 10 * 60_000 + 2 * H, score: 17.5 + 20 },
  ],
  transitions: [
    { t: T0, kind: "label", from: "cold", to: "warm", cause: { kind: "event", event: { name: "page_view" } } },
    { t: T0 + 10 * 60_000, kind: "label", from: "warm", to: "hot", cause: "cart_add" },
    { t: T0 + 10 * 60_000 + H * Math.log2(70 / 60), kind: "label", from: "hot", to: "warm", cause: "decay" },
  ],
};

describe("historySeries", () => {
  const series = historySeries(FIXTURE, BANDS, { halfLifeMs: H, samples: 8 });

  it("passes exactly through every history point", () => {
    for (const p of FIXTURE.points) {
      const i = series.ts.indexOf(p.t);
      expect(i, String(p.t)).toBeGreaterThanOrEqual(0);
      expect(series.scores[i]).toBe(p.score);
    }
  });

  it("draws the decay curve between points, not a straight line", () => {
    const from = T0 + 10 * 60_000;
    const mid = series.ts.findIndex((t) => t === from + H / 2);
    expect(mid).toBeGreaterThan(0);
    // Half a half-life after 70: 70 · 2^-0.5, where a straight line would say (70 + 35) / 2 = 52.5.
    expect(series.scores[mid]).toBeCloseTo(70 * 2 ** -0.5, 9);
    expect(series.scores[mid]).not.toBeCloseTo((70 + 35) / 2, 1);
    expect(series.ts).toEqual([...series.ts].sort((a, b) => a - b));
  });

  it("decays right up to an event, then jumps by what the event earned", () => {
    const event = FIXTURE.points[3]!;
    const i = series.ts.indexOf(event.t);
    expect(series.ts[i - 1]).toBe(event.t - 1);
    // what decay left at the event's instant: 35 · 2^-1
    expect(series.scores[i - 1]).toBe(35 * 2 ** -1);
    expect(series.scores[i]! - series.scores[i - 1]!).toBeCloseTo(20, 2);
  });

  it("extends the curve to the score now", () => {
    const last = FIXTURE.points.at(-1)!;
    const until = last.t + 3 * H;
    const extended = historySeries(FIXTURE, BANDS, { halfLifeMs: H, until, samples: 3 });
    expect(extended.ts.at(-1)).toBe(until);
    expect(extended.scores.at(-1)).toBeCloseTo(37.5 * 2 ** -3, 9);
  });

  it("puts a marker on the curve at each transition, with what changed and why", () => {
    expect(series.markers.map((m) => [m.kind, m.text])).toEqual([
      ["label", "cold → warm (page_view)"],
      ["label", "warm → hot (cart_add)"],
      ["label", "hot → warm (decay)"],
    ]);
    expect(series.markers[1]!.score).toBe(70);
    // The decay crossing sits on the curve, at or just above the line it crossed.
    expect(series.markers[2]!.score).toBeGreaterThanOrEqual(60);
    expect(series.markers[2]!.score).toBeLessThan(70);
  });

  it("orders the band lines by their minimum", () => {
    expect(series.bands.map((b) => b.name)).toEqual(["warm", "hot"]);
  });

  it("without a half-life, follows pure decay through both points and draws a rise as a step", () => {
    const plain = historySeries({ points: [{ t: 0, score: 40 }, { t: 100, score: 10 }, { t: 200, score: 50 }], transitions: [] }, [], { samples: 2 });
    // 40 · (10/40)^(1/2) = 20 halfway between the first two points
    expect(plain.ts).toEqual([0, 50, 100, 150, 199, 200]);
    expect(plain.scores).toEqual([40, 20, 10, 10, 10, 50]);
  });
});

describe("timelineToHistory", () => {
  it("turns a simulate timeline into the history shape the chart reads", () => {
    const history = timelineToHistory([
      { at: 1, name: "page_view", score: 20, changes: [] },
      { at: 2, name: "cart_add", score: 65, changes: [{ type: "lead.label_changed", from: "cold", to: "hot", at: 2, cause: { kind: "event", name: "cart_add" } }] },
      { at: 3, score: 59, changes: [{ type: "lead.label_changed", from: "hot", to: "warm", at: 3, cause: { kind: "decay" } }] },
    ]);
    expect(history.points).toEqual([{ t: 1, score: 20 }, { t: 2, score: 65 }, { t: 3, score: 59 }]);
    expect(history.transitions.map(transitionText)).toEqual(["cold → hot (cart_add)", "hot → warm (decay)"]);
  });
});

describe("historySeries on the history endpoint's answer", () => {
  /** What the worker answers: recorded points (with a cause) and its own samples of the curve between. */
  const SAMPLED: LeadHistory = {
    points: [
      { t: T0, score: 40, cause: { kind: "event" } },
      { t: T0 + H / 2, score: Math.round(40 * 2 ** -0.5 * 100) / 100 },
      { t: T0 + H - 1, score: 20 },
      { t: T0 + H, score: 20 + 25, cause: { kind: "event" } },
    ],
    transitions: [{ t: T0 + H, kind: "label", from: "cold", to: "warm", cause: { kind: "event", event: { name: "quote_request" } } }],
  };

  it("draws the worker's samples as they are, adding none of its own", () => {
    const series = historySeries(SAMPLED, BANDS, { sampled: true, halfLifeMs: H });
    expect(series.ts).toEqual(SAMPLED.points.map((p) => p.t));
    expect(series.scores).toEqual(SAMPLED.points.map((p) => p.score));
  });

  it("marks each webhook sent at its instant, in time order with the transitions", () => {
    const series = historySeries(SAMPLED, BANDS, { sampled: true, webhooks: [{ t: T0 + H, text: "lead.label_changed cold → warm to crm (delivered)" }] });
    expect(series.markers.map((m) => [m.t, m.kind, m.score])).toEqual([
      [T0 + H, "label", 20 + 25],
      [T0 + H, "webhook", 20 + 25],
    ]);
  });
});

describe("the score axis", () => {
  it("leaves a tenth above the highest score and below a negative one, and shows every band line", () => {
    expect(scoreAxisRange({ scores: [20, 77.91], bands: BANDS })).toEqual([0, 77.91 * 1.1]);
    // A band line above every score stays in view, with room for its name.
    expect(scoreAxisRange({ scores: [12], bands: BANDS })).toEqual([0, 60 * 1.15]);
    expect(scoreAxisRange({ scores: [-20, 5], bands: [] })).toEqual([-22, 10]);
    expect(scoreAxisRange({ scores: [], bands: [] })).toEqual([0, 10]);
  });
});

describe("the time axis", () => {
  it("spans the samples, or the hour around a journey of one instant", () => {
    expect(timeAxisRange(1_000, 5_000)).toEqual([1_000, 5_000]);
    expect(timeAxisRange(1_800_000_000, 1_800_000_000)).toEqual([1_800_000_000 - 1_800, 1_800_000_000 + 1_800]);
  });
});
