import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advance, applyEvents, explain, newLeadState, nextCrossing, replay, simulate, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, HOUR, T0, ev, page } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "m",
      rules: [
        { id: "demo", event: "demo_request", points: 40 },
        { id: "pv", event: "page_view", points: 5 },
        { id: "idle-30d", absence: { after: "30d" }, points: -10 },
        { id: "one-and-gone", absence: { after: "14d", visits: 1 }, points: -5, cap: "once" },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
    },
  ],
};

describe("absence rules", () => {
  it("fire at the exact instant a quiet spell reaches their duration, delivered by nextCrossing and advance", () => {
    // 40 + 5 = 45 (warm); 14 days later a single visit and nothing since: -5 -> 40; 30 days: -10 -> 30 (still warm).
    let { state } = applyEvents(newLeadState(), [ev("demo_request", T0), page("/", T0)], CONFIG, T0);
    expect(nextCrossing(state, CONFIG, T0)).toBe(T0 + 14 * DAY);
    state = advance(state, CONFIG, T0 + 14 * DAY).state;
    expect(view(state, CONFIG, T0 + 14 * DAY).score).toBe(40 + 5 - 5);
    expect(nextCrossing(state, CONFIG, T0 + 14 * DAY)).toBe(T0 + 30 * DAY);
    const at30 = advance(state, CONFIG, T0 + 30 * DAY);
    expect(view(at30.state, CONFIG, T0 + 30 * DAY).score).toBe(40 + 5 - 5 - 10);
    expect(at30.changes).toEqual([]);
    // Fired once for this spell: nothing more is due, however long the lead stays quiet.
    expect(nextCrossing(at30.state, CONFIG, T0 + 30 * DAY)).toBeNull();
    expect(view(at30.state, CONFIG, T0 + 400 * DAY).score).toBe(40 + 5 - 5 - 10);
  });

  it("send a label change at the instant, with the absence rule as its cause and no event", () => {
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0)], CONFIG, T0);
    // 40 - 10 = 30 stays warm (30 is the line); with a second spell it would go cold. One spell here:
    const strict: ScoringConfig = { models: [{ ...CONFIG.models[0]!, labels: [{ name: "cold" }, { name: "warm", min: 35 }] }] };
    expect(nextCrossing(state, strict, T0)).toBe(T0 + 30 * DAY);
    const { changes } = advance(state, strict, T0 + 31 * DAY);
    expect(changes).toEqual([
      { type: "lead.label_changed", from: "warm", to: "cold", direction: "down", at: T0 + 30 * DAY, score: 40 - 10, cause: { kind: "absence", rule: "idle-30d" } },
    ]);
  });

  it("re-arm on activity: a new quiet spell fires again", () => {
    const events = [ev("demo_request", T0), ev("demo_request", T0 + 40 * DAY)];
    const state = replay(events, CONFIG, T0 + 80 * DAY);
    const idle = explain(state, CONFIG, T0 + 80 * DAY).contributions.find((c) => c.rule === "idle-30d")!;
    expect(idle).toMatchObject({ count: 2, points: -10 * 2 });
    expect(idle.events).toEqual([`idle-30d@${new Date(T0 + 30 * DAY).toISOString()}`, `idle-30d@${new Date(T0 + 70 * DAY).toISOString()}`]);
  });

  it("an event just before the instant moves it; one at the instant comes too late", () => {
    const before = replay([ev("demo_request", T0), ev("x", T0 + 30 * DAY - 1)], CONFIG, T0 + 30 * DAY);
    expect(view(before, CONFIG, T0 + 30 * DAY).score).toBe(40);
    const at = replay([ev("demo_request", T0), ev("x", T0 + 30 * DAY)], CONFIG, T0 + 30 * DAY);
    expect(view(at, CONFIG, T0 + 30 * DAY).score).toBe(40 - 10);
  });

  it.each<[string, unknown, number]>([
    ["counts only the events it names as activity", { after: "7d", events: ["page_view"] }, -3],
    ["any event re-arms by default", { after: "7d" }, 0],
  ])("%s", (_name, absence, expected) => {
    const config: ScoringConfig = { models: [{ id: "m", rules: [{ id: "quiet", absence, points: -3 } as never], labels: [{ name: "cold" }] }] };
    const state = replay([page("/", T0), ev("email_open", T0 + 6 * DAY)], config, T0 + 8 * DAY);
    expect(view(state, config, T0 + 8 * DAY).score).toBe(expected);
  });

  it("is read in closed form: a view of a lead nobody advanced counts a firing already due", () => {
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0)], CONFIG, T0);
    expect(view(state, CONFIG, T0 + 30 * DAY - 1).score).toBe(40);
    expect(view(state, CONFIG, T0 + 30 * DAY).score).toBe(40 - 10);
  });

  it("shows in simulate's timeline at its instant", () => {
    const strict: ScoringConfig = { models: [{ ...CONFIG.models[0]!, labels: [{ name: "cold" }, { name: "warm", min: 35 }] }] };
    const { timeline } = simulate([ev("demo_request", T0)], strict, { until: T0 + 60 * DAY });
    expect(timeline.map((t) => [t.at, t.score, t.label])).toEqual([
      [T0, 40, "warm"],
      [T0 + 30 * DAY, 40 - 10, "cold"],
    ]);
  });

  it("fire at most once per quiet spell, however the time between events is advanced (property)", () => {
    const gapArb = fc.array(fc.integer({ min: 1, max: 50 * DAY }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(gapArb, fc.array(fc.integer({ min: 1, max: 40 * DAY }), { maxLength: 6 }), (gaps, alarms) => {
        let t = T0;
        const events = gaps.map((g, i) => ev("demo_request", (t += g), { id: `g${i}` }));
        const end = t + 60 * DAY;
        // Expected: one firing per gap of 30 days or more, and one after the last event.
        const spells = [...gaps.slice(1), 60 * DAY].filter((g) => g >= 30 * DAY).length;
        let state = newLeadState();
        let at = T0;
        const stops = [...events.map((e) => e.ts), ...alarms.map((a) => T0 + a)].sort((a, b) => a - b);
        for (const stop of stops) {
          const due = events.filter((e) => e.ts <= stop && e.ts > at);
          state = due.length ? applyEvents(state, due, CONFIG, stop).state : advance(state, CONFIG, stop).state;
          at = stop;
        }
        state = advance(state, CONFIG, end).state;
        const idle = explain(state, CONFIG, end).contributions.find((c) => c.rule === "idle-30d");
        expect(idle?.count ?? 0).toBe(spells);
        expect(state).toEqual(replay(events, CONFIG, end));
      }),
    );
  });

  it("respect their cap", () => {
    const config: ScoringConfig = { models: [{ id: "m", rules: [{ id: "quiet", absence: { after: "1d" }, points: -1, cap: { max: 2 } }], labels: [{ name: "cold" }] }] };
    const events = Array.from({ length: 6 }, (_, i) => ev("x", T0 + i * 2 * DAY));
    const state = replay(events, config, T0 + 20 * DAY);
    expect(view(state, config, T0 + 20 * DAY).score).toBe(-1 * 2);
    expect(nextCrossing(state, config, T0 + 20 * DAY)).toBeNull();
  });

  it("are never due for a disqualified lead", () => {
    const config: ScoringConfig = { models: [{ ...CONFIG.models[0]!, rules: [...CONFIG.models[0]!.rules, { id: "unsub", event: "unsubscribe", disqualify: true }] }] };
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("unsubscribe", T0 + HOUR)], config, T0 + HOUR);
    expect(nextCrossing(state, config, T0 + HOUR)).toBeNull();
  });
});
