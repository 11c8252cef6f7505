import { describe, expect, it } from "vitest";
import { applyEvents, diffViews, explain, newLeadState, nextCrossing, simulate, topContributions, view } from "../../../worker/scoring";
import { DAY, HOUR, T0, ev, page, simpleConfig } from "./fixtures";

describe("explain", () => {
  const config = simpleConfig({ hysteresis: 5 });
  const events = [page("/", T0, { id: "v1" }), page("/pricing", T0 + HOUR, { id: "v2" }), page("/careers", T0 + 2 * HOUR, { id: "v3" })];

  it("lists every rule's contribution after decay, the next band up and the line down", () => {
    const { state } = applyEvents(newLeadState(), events, config, T0 + 2 * HOUR);
    const now = T0 + 2 * HOUR;
    const x = explain(state, config, now);
    expect(x).toMatchObject({ label: "warm", stage: "lead", model: "m", disqualified: false });
    expect(x.contributions.map((c) => [c.rule, c.count, c.rawPoints, c.events])).toEqual([
      ["visit", 3, 30, ["v1", "v2", "v3"]],
      ["pricing", 1, 20, ["v2"]],
      ["careers", 1, -10, ["v3"]],
    ]);
    expect(x.contributions.reduce((s, c) => s + c.points, 0)).toBeCloseTo(x.score, 1);
    expect(x.nextLabel).toEqual({ name: "hot", min: 60, pointsNeeded: Math.round((60 - x.score) * 100) / 100 });
    expect(x.nextStage).toBeUndefined();
    expect(x.lowerLine).toEqual({ name: "warm", to: "cold", at: 25, crossesAt: nextCrossing(state, config, now) });
  });

  it("keeps the 20 most recent earning events per rule", () => {
    const many = Array.from({ length: 30 }, (_, i) => page("/", T0 + i, { id: `p${String(i).padStart(2, "0")}` }));
    const { state } = applyEvents(newLeadState(), many, config, T0 + 30);
    const visit = explain(state, config, T0 + 30).contributions.find((c) => c.rule === "visit")!;
    expect(visit.count).toBe(30);
    expect(visit.events).toHaveLength(20);
    expect(visit.events.at(-1)).toBe("p29");
    expect(visit.events[0]).toBe("p10");
  });

  it("topContributions gives the largest parts, by size", () => {
    const { state } = applyEvents(newLeadState(), events, config, T0 + 2 * HOUR);
    const top = topContributions(state, config, T0 + 2 * HOUR, 2);
    expect(top.map((t) => t.rule)).toEqual(["visit", "pricing"]);
    expect(topContributions(state, config, T0 + 2 * HOUR)).toHaveLength(3);
  });
});

describe("diffViews", () => {
  it("reports label and stage moves with direction", () => {
    const config = simpleConfig({ stages: [{ name: "lead" }, { name: "MQL", min: 50 }] });
    const before = view(newLeadState(), config, T0);
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0), page("/pricing", T0)], config, T0);
    const after = view(state, config, T0);
    expect(diffViews(before, after, T0, { kind: "merge" })).toEqual([
      { type: "lead.label_changed", from: "cold", to: "hot", direction: "up", at: T0, score: 70, cause: { kind: "merge" } },
      { type: "lead.stage_changed", from: "lead", to: "MQL", direction: "up", at: T0, score: 70, cause: { kind: "merge" } },
    ]);
    expect(diffViews(after, after, T0, { kind: "merge" })).toEqual([]);
  });
});

describe("simulate", () => {
  it("shows every event and the decay crossings between and after them", () => {
    const config = simpleConfig();
    const events = [ev("demo_request", T0, { id: "d1" }), page("/pricing", T0 + HOUR, { id: "p1" }), ev("demo_request", T0 + 4 * DAY, { id: "d2" })];
    const { timeline, state } = simulate(events, config, { until: T0 + 10 * DAY });
    expect(timeline.map((t) => `${t.name ?? "decay"}:${t.label}:${t.changes.map((c) => `${c.from}->${c.to}`).join(",")}`)).toEqual([
      "demo_request:warm:cold->warm",
      "page_view:hot:warm->hot",
      "decay:warm:hot->warm",
      "decay:cold:warm->cold",
      "demo_request:warm:cold->warm",
      "decay:cold:warm->cold",
    ]);
    for (const entry of timeline.filter((t) => !t.eventId)) {
      expect(entry.changes[0]!.at).toBe(entry.at);
      expect(entry.changes[0]!.cause).toEqual({ kind: "decay" });
    }
    expect(timeline.map((t) => t.at)).toEqual([...timeline.map((t) => t.at)].sort((a, b) => a - b));
    expect(view(state, config, T0 + 10 * DAY).label).toBe("cold");
    expect(state.clock).toBe(T0 + 10 * DAY);
  });

  it("starts from a given state and stops at the last event without until", () => {
    const config = simpleConfig();
    const { state: start } = applyEvents(newLeadState(), [ev("demo_request", T0, { id: "d1" })], config, T0);
    const { timeline } = simulate([ev("demo_request", T0, { id: "d1" }), page("/pricing", T0 + 1, { id: "p" })], config, { state: start });
    expect(timeline).toHaveLength(1);
    expect(timeline[0]).toMatchObject({ eventId: "p", label: "hot", score: 70 });
  });
});
