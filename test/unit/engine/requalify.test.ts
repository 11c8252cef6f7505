import { describe, expect, it } from "vitest";
import { applyEvents, newLeadState, replay, view, type ScoringConfig } from "../../../worker/scoring";
import { HOUR, T0, ev } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "m",
      rules: [
        { id: "demo", event: "demo_request", points: 40 },
        { id: "unsub", event: "unsubscribe", disqualify: true },
        { id: "competitor", trait: "email", match: { endsWith: "@rival.example" }, disqualify: true },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }],
    },
  ],
};

const requalify = (ts: number, id = `rq${ts}`) => ev("requalify", ts, { id, requalify: { reason: "spoke to them: a real buyer" } });

describe("requalify", () => {
  it("lifts a disqualification by event without changing the config, and reports the way back up", () => {
    const first = applyEvents(newLeadState(), [ev("demo_request", T0), ev("unsubscribe", T0 + HOUR)], CONFIG, T0 + HOUR);
    expect(view(first.state, CONFIG, T0 + HOUR)).toMatchObject({ disqualified: true, label: "disqualified" });
    const { state, changes } = applyEvents(first.state, [requalify(T0 + 2 * HOUR, "rq1")], CONFIG, T0 + 2 * HOUR);
    expect(view(state, CONFIG, T0 + 2 * HOUR)).toMatchObject({ disqualified: false, label: "warm", score: 40 });
    expect(changes.map((c) => [c.type, c.from, c.to, c.cause])).toEqual([
      ["lead.label_changed", "disqualified", "warm", { kind: "event", eventId: "rq1", name: "requalify" }],
      ["lead.stage_changed", "disqualified", "lead", { kind: "event", eventId: "rq1", name: "requalify" }],
    ]);
  });

  it("lifts a fit disqualification while the trait stays, until the trait is set again", () => {
    const identify = (ts: number, email: string) => ev("identify", ts, { traits: { email } });
    const lifted = replay([identify(T0, "ada@rival.example"), requalify(T0 + HOUR)], CONFIG, T0 + HOUR);
    expect(view(lifted, CONFIG, T0 + HOUR).disqualified).toBe(false);
    const again = replay([identify(T0, "ada@rival.example"), requalify(T0 + HOUR), identify(T0 + 2 * HOUR, "ada@rival.example")], CONFIG, T0 + 2 * HOUR);
    expect(view(again, CONFIG, T0 + 2 * HOUR)).toMatchObject({ disqualified: true, disqualifiedBy: ["competitor"] });
  });

  it("a disqualifying event after it disqualifies again; a late one from before it does not", () => {
    const base = [ev("unsubscribe", T0), requalify(T0 + 2 * HOUR)];
    expect(view(replay([...base, ev("unsubscribe", T0 + 3 * HOUR)], CONFIG, T0 + 3 * HOUR), CONFIG, T0 + 3 * HOUR).disqualified).toBe(true);
    const settled = replay(base, CONFIG, T0 + 3 * HOUR);
    const late = applyEvents(settled, [ev("unsubscribe", T0 + HOUR)], CONFIG, T0 + 3 * HOUR).state;
    expect(view(late, CONFIG, T0 + 3 * HOUR).disqualified).toBe(false);
  });
});
