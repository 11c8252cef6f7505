import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyEvents, diffViews, newLeadState, nextCrossing, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, T0, ev } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "m",
      decay: "1d",
      rules: [
        { id: "demo", event: "demo_request", points: 70 },
        { id: "unsubscribe", event: "unsubscribe", disqualify: true },
        { id: "student", trait: "occupation", match: "student", disqualify: true },
        { id: "competitor", trait: "email", match: { endsWith: "@rival.example" }, disqualify: true, points: -50 },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
      stages: [{ name: "lead" }, { name: "MQL", min: 50 }],
      disqualifiedLabel: "dq",
    },
  ],
};

describe("disqualification", () => {
  it("by a behaviour rule: label and stage become the disqualified label, the score stays as is", () => {
    const { state, changes } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("unsubscribe", T0 + 1, { id: "u1" })], CONFIG, T0 + 1);
    expect(view(state, CONFIG, T0 + 1)).toMatchObject({ label: "dq", stage: "dq", disqualified: true, disqualifiedBy: ["unsubscribe"], score: 70 });
    expect(changes.at(-1)).toEqual({
      type: "lead.disqualified",
      from: "hot",
      to: "dq",
      at: T0 + 1,
      score: 70,
      cause: { kind: "event", eventId: "u1", name: "unsubscribe" },
      rules: ["unsubscribe"],
    });
  });

  it("by a fit rule, and it sticks after the trait changes", () => {
    let { state, changes } = applyEvents(newLeadState(), [ev("identify", T0, { traits: { occupation: "Student" } })], CONFIG, T0);
    expect(changes.map((c) => c.type)).toEqual(["lead.disqualified"]);
    ({ state, changes } = applyEvents(state, [ev("identify", T0 + DAY, { traits: { occupation: "engineer" } }), ev("demo_request", T0 + DAY + 1)], CONFIG, T0 + DAY + 1));
    expect(changes).toEqual([]);
    expect(view(state, CONFIG, T0 + DAY + 1)).toMatchObject({ disqualified: true, disqualifiedBy: ["student"], label: "dq" });
  });

  it("by a competitor's e-mail domain, with its negative points", () => {
    const { state } = applyEvents(newLeadState(), [ev("identify", T0, { traits: { email: "spy@Rival.example" } })], CONFIG, T0);
    expect(view(state, CONFIG, T0)).toMatchObject({ disqualified: true, disqualifiedBy: ["competitor"], score: -50 });
  });

  it("lifts when the config no longer disqualifies by that rule", () => {
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("unsubscribe", T0 + 1)], CONFIG, T0 + 1);
    const relaxed: ScoringConfig = { models: [{ ...CONFIG.models[0]!, rules: CONFIG.models[0]!.rules.filter((r) => r.id !== "unsubscribe") }] };
    const before = view(state, CONFIG, T0 + 2);
    const after = view(state, relaxed, T0 + 2);
    expect(after).toMatchObject({ disqualified: false, label: "hot", stage: "MQL" });
    expect(diffViews(before, after, T0 + 2, { kind: "config" }).map((c) => `${c.type}:${c.from}->${c.to}:${"direction" in c ? c.direction : ""}`)).toEqual([
      "lead.label_changed:dq->hot:up",
      "lead.stage_changed:dq->MQL:up",
    ]);
  });

  it("stops decay alarms", () => {
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("unsubscribe", T0 + 1)], CONFIG, T0 + 1);
    expect(nextCrossing(state, CONFIG, T0 + 1)).toBeNull();
  });

  it("sticks whatever happens afterwards (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constant({ name: "demo_request" }),
            fc.constant({ name: "identify", traits: { occupation: "engineer", email: "a@b.example" } }),
            fc.constant({ name: "page_view" }),
          ),
          { maxLength: 20 },
        ),
        fc.integer({ min: 0, max: 30 * DAY }),
        (rest, wait) => {
          let { state } = applyEvents(newLeadState(), [ev("unsubscribe", T0)], CONFIG, T0);
          const events = rest.map((e, i) => ({ id: `r${i}`, ts: T0 + 1 + i * 1000, ...e }));
          const result = applyEvents(state, events, CONFIG, T0 + wait + DAY);
          state = result.state;
          expect(result.changes).toEqual([]);
          expect(view(state, CONFIG, T0 + wait + DAY).disqualified).toBe(true);
        },
      ),
    );
  });
});
