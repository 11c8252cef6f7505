import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { advance, applyEvents, explain, newLeadState, nextCrossing, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, HOUR, T0, ev, page, simpleConfig } from "./fixtures";

const MIXED: ScoringConfig = {
  models: [
    {
      id: "m",
      decay: "1d",
      hysteresis: 4,
      rules: [
        { id: "a", event: "a", points: 17 },
        { id: "b", event: "b", points: 11, decay: "5h" },
        { id: "c", event: "c", points: 23, decay: "9d" },
        { id: "n", event: "n", points: -6 },
        { id: "s", event: "s", points: 8, decay: false },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
      stages: [{ name: "lead" }, { name: "MQL", min: 45 }, { name: "SQL", min: 80 }],
    },
  ],
};

describe("nextCrossing", () => {
  it("is the exact millisecond a single decaying score falls below the line", () => {
    const config = simpleConfig();
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0)], config, T0); // 40: warm
    const at = nextCrossing(state, config, T0)!;
    // 40 * 2^-(t/1d) < 29.995 (scores are rounded to 2 decimals)
    expect(at).toBe(T0 + Math.ceil(DAY * Math.log2(40 / 29.995)));
    expect(view(state, config, at - 1).label).toBe("warm");
    expect(view(state, config, at).label).toBe("cold");
  });

  it("uses the line lowered by the hysteresis", () => {
    const config = simpleConfig({ hysteresis: 10 });
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0)], config, T0);
    const at = nextCrossing(state, config, T0)!;
    expect(view(state, config, at - 1)).toMatchObject({ label: "warm" });
    expect(view(state, config, at)).toMatchObject({ label: "cold" });
    expect(view(state, config, at).score).toBeLessThan(20);
    expect(view(state, config, at - 1).score).toBeGreaterThanOrEqual(20);
    expect(explain(state, config, T0).lowerLine).toEqual({ name: "warm", to: "cold", at: 20, crossesAt: at });
  });

  it.each([
    ["no decay", simpleConfig({ decay: false }), [ev("demo_request", T0)]],
    ["already in the lowest band", simpleConfig(), [page("/", T0)]],
    ["the steady part alone stays above the line", simpleConfig({ rules: [{ id: "s", event: "s", points: 35, decay: false }, { id: "d", event: "d", points: 50 }] }), [ev("s", T0), ev("d", T0)]],
  ])("is null when it never happens: %s", (_name, config, events) => {
    const { state } = applyEvents(newLeadState(), events, config, T0);
    const crossing = nextCrossing(state, config, T0);
    if (_name.startsWith("the steady")) {
      // hot (85) falls to warm, then never below warm: 35 stays
      const first = crossing!;
      const { state: cooled } = advance(state, config, first);
      expect(view(cooled, config, first).label).toBe("warm");
      expect(nextCrossing(cooled, config, first)).toBeNull();
    } else {
      expect(crossing).toBeNull();
    }
  });

  it("is null for a disqualified lead", () => {
    const config = simpleConfig({ rules: [{ id: "d", event: "d", points: 80 }, { id: "u", event: "unsubscribe", disqualify: true }] });
    const { state } = applyEvents(newLeadState(), [ev("d", T0), ev("unsubscribe", T0 + 1)], config, T0 + 1);
    expect(nextCrossing(state, config, T0 + 1)).toBeNull();
  });

  it("is strictly after now, even when now is fractional", () => {
    const config = simpleConfig();
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0)], config, T0);
    const at = nextCrossing(state, config, T0 + 0.5)!;
    expect(at).toBeGreaterThan(T0 + 0.5);
    expect(Number.isInteger(at)).toBe(true);
  });

  it("is exact for sums of several half-lives, labels and stages (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("a", "b", "c", "n", "s"), fc.integer({ min: 0, max: 3 * DAY })), { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 5 * DAY }),
        (raw, wait) => {
          const events = raw.map(([name, dt], i) => ({ id: `i${i}`, name, ts: T0 + dt }));
          const now = T0 + 3 * DAY + wait;
          const { state } = applyEvents(newLeadState(), events, MIXED, now);
          const at = nextCrossing(state, MIXED, now);
          const here = view(state, MIXED, now);
          if (at === null) {
            expect(view(state, MIXED, now + 1000 * DAY)).toMatchObject({ label: here.label, stage: here.stage });
            return;
          }
          expect(at).toBeGreaterThan(now);
          const before = view(state, MIXED, at - 1);
          const after = view(state, MIXED, at);
          expect(before).toMatchObject({ label: here.label, stage: here.stage });
          expect(before.label !== after.label || before.stage !== after.stage).toBe(true);
          expect(after.labelRank + after.stageRank).toBeLessThan(before.labelRank + before.stageRank);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("advance", () => {
  it("reports each decay move at its exact instant, label and stage alike", () => {
    const { state } = applyEvents(newLeadState(), [ev("a", T0, { id: "a1" }), ev("c", T0, { id: "c1" }), ev("c", T0 + 1, { id: "c2" })], MIXED, T0 + 1);
    expect(view(state, MIXED, T0 + 1)).toMatchObject({ label: "hot", stage: "MQL" });
    const { state: later, changes } = advance(state, MIXED, T0 + 60 * DAY);
    expect(changes.map((c) => `${c.type}:${c.from}->${c.to}`)).toEqual([
      "lead.label_changed:hot->warm",
      "lead.stage_changed:MQL->lead",
      "lead.label_changed:warm->cold",
    ]);
    for (const change of changes) {
      expect(change.cause).toEqual({ kind: "decay" });
      expect(change).toMatchObject({ direction: "down" });
    }
    // Each change happened exactly where nextCrossing said it would.
    let cursor = state;
    let now = T0 + 1;
    for (const change of changes) {
      const at = nextCrossing(cursor, MIXED, now)!;
      expect(change.at).toBe(at);
      cursor = advance(cursor, MIXED, at).state;
      now = at;
    }
    expect(view(later, MIXED, T0 + 60 * DAY).label).toBe("cold");
  });

  it("is idempotent: advancing twice to the same instant adds nothing", () => {
    const config = simpleConfig();
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0)], config, T0);
    const at = nextCrossing(state, config, T0)!;
    const once = advance(state, config, at);
    expect(once.changes).toHaveLength(1);
    const twice = advance(once.state, config, at);
    expect(twice.changes).toEqual([]);
    expect(twice.state).toEqual(once.state);
    // An alarm firing late, or early, changes nothing more.
    expect(advance(once.state, config, at - 5).changes).toEqual([]);
  });

  it("does not mutate the state it is given", () => {
    const config = simpleConfig();
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0)], config, T0);
    const copy = structuredClone(state);
    advance(state, config, T0 + 10 * DAY);
    expect(state).toEqual(copy);
  });

  it("re-engagement after cooling produces a new up change (re-arms webhooks)", () => {
    const config = simpleConfig();
    let { state, changes } = applyEvents(newLeadState(), [ev("demo_request", T0), page("/pricing", T0 + 1)], config, T0 + 1);
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(["cold->warm", "warm->hot"]);
    ({ state, changes } = advance(state, config, T0 + 2 * DAY));
    expect(changes.map((c) => `${c.from}->${c.to}:${c.cause.kind}`)).toEqual(["hot->warm:decay", "warm->cold:decay"]);
    ({ state, changes } = applyEvents(state, [ev("demo_request", T0 + 2 * DAY + HOUR), page("/pricing", T0 + 2 * DAY + 2 * HOUR)], config, T0 + 2 * DAY + 2 * HOUR));
    expect(changes.map((c) => `${c.from}->${c.to}:${"direction" in c ? c.direction : ""}`)).toEqual(["cold->warm:up", "warm->hot:up"]);
  });

  it("applyEvents reports decay moves that happened between two events, in order", () => {
    const config = simpleConfig();
    const { changes } = applyEvents(newLeadState(), [ev("demo_request", T0, { id: "d1" }), ev("demo_request", T0 + 3 * DAY, { id: "d2" })], config, T0 + 3 * DAY);
    expect(changes.map((c) => `${c.from}->${c.to}:${c.cause.kind}`)).toEqual(["cold->warm:event", "warm->cold:decay", "cold->warm:event"]);
    expect(changes[1]!.at).toBeGreaterThan(T0);
    expect(changes[1]!.at).toBeLessThan(T0 + 3 * DAY);
  });
});
