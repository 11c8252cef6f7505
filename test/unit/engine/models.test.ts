import { describe, expect, it } from "vitest";
import { applyEvents, explain, newLeadState, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, T0, ev } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "b2b",
      audience: [{ company: { exists: true } }, { companySize: { gte: 1 } }],
      decay: "7d",
      rules: [
        { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 20 },
        { id: "title", trait: "jobTitle", match: { pattern: "\\b(ceo|vp)\\b", flags: "i" }, points: 25 },
        { id: "size", trait: "companySize", match: { gte: 100 }, points: 15 },
        { id: "region", trait: "address.country", match: ["DE", "AT", "CH"], points: 5 },
      ],
      labels: [{ name: "unqualified" }, { name: "intermediate", min: 30 }, { name: "qualified", min: 60 }],
    },
    {
      id: "b2c",
      decay: "2h",
      rules: [
        { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 35 },
        { id: "age", trait: "age", match: { gte: 25, lte: 54 }, points: 5 },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
    },
  ],
};

describe("several models chosen by audience", () => {
  it("uses the fallback model until traits match an audience, then switches at once", () => {
    let { state, changes } = applyEvents(newLeadState(), [ev("page_view", T0, { path: "/pricing" })], CONFIG, T0);
    expect(view(state, CONFIG, T0)).toMatchObject({ model: "b2c", score: 35, label: "warm" });
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(["cold->warm"]);
    ({ state, changes } = applyEvents(
      state,
      [ev("identify", T0 + 1, { id: "idf", traits: { company: "Acme", jobTitle: "VP Sales", companySize: "250", address: { country: "de" } } })],
      CONFIG,
      T0 + 1,
    ));
    // The b2b accumulators were kept all along: the earlier pricing visit counts at once.
    expect(view(state, CONFIG, T0 + 1)).toMatchObject({ model: "b2b", score: 65, label: "qualified", fitScore: 45, behaviourScore: 20 });
    expect(changes).toEqual([
      { type: "lead.label_changed", from: "warm", to: "qualified", direction: "up", at: T0 + 1, score: 65, cause: { kind: "event", eventId: "idf", name: "identify" } },
    ]);
  });

  it("any audience entry may match (companySize alone)", () => {
    const { state } = applyEvents(newLeadState(), [ev("identify", T0, { traits: { companySize: 3 } })], CONFIG, T0);
    expect(view(state, CONFIG, T0).model).toBe("b2b");
  });

  it("fit points follow the current traits and do not decay", () => {
    let { state } = applyEvents(newLeadState(), [ev("identify", T0, { traits: { company: "Acme", jobTitle: "CEO" } })], CONFIG, T0);
    expect(view(state, CONFIG, T0 + 365 * DAY)).toMatchObject({ score: 25, fitScore: 25 });
    ({ state } = applyEvents(state, [ev("identify", T0 + DAY, { traits: { jobTitle: "Engineer" } })], CONFIG, T0 + DAY));
    expect(view(state, CONFIG, T0 + DAY)).toMatchObject({ score: 0, fitScore: 0 });
  });

  it("a late identify does not overwrite newer traits", () => {
    let { state } = applyEvents(newLeadState(), [ev("identify", T0 + DAY, { traits: { company: "New Co" } })], CONFIG, T0 + DAY);
    ({ state } = applyEvents(state, [ev("identify", T0, { traits: { company: "Old Co", jobTitle: "CEO" } })], CONFIG, T0 + DAY));
    expect(state.traits).toEqual({ company: "New Co", jobTitle: "CEO" });
  });
});

describe("combine, grades and scale", () => {
  const base = CONFIG.models[0]!;
  it("separate: the score is behaviour only, fit becomes a grade", () => {
    const config: ScoringConfig = {
      models: [{ ...base, audience: undefined, combine: "separate", grades: [{ name: "C" }, { name: "B", min: 20 }, { name: "A", min: 40 }] }],
    };
    const { state } = applyEvents(newLeadState(), [ev("identify", T0, { traits: { jobTitle: "CEO", companySize: 500 } }), ev("page_view", T0, { path: "/pricing" })], config, T0);
    expect(view(state, config, T0)).toMatchObject({ score: 20, fitScore: 40, grade: "A", label: "unqualified" });
    expect(explain(state, config, T0).grade).toBe("A");
  });

  it("grades show with sum too", () => {
    const config: ScoringConfig = { models: [{ ...base, audience: undefined, grades: [{ name: "C" }, { name: "B", min: 20 }] }] };
    expect(view(newLeadState(), config, T0).grade).toBe("C");
  });

  it("scale clamps the reported score, and bands use the clamped score", () => {
    const config: ScoringConfig = { models: [{ ...base, audience: undefined, scale: { min: 0, max: 50 } }] };
    const { state } = applyEvents(newLeadState(), [1, 2, 3, 4].map((i) => ev("page_view", T0 + i, { path: "/pricing" })), config, T0 + 4);
    expect(view(state, config, T0 + 4)).toMatchObject({ score: 50, label: "intermediate" });
    const negative: ScoringConfig = { models: [{ ...base, audience: undefined, scale: { min: 0 }, rules: [{ id: "neg", event: "x", points: -10 }] }] };
    const { state: s2 } = applyEvents(newLeadState(), [ev("x", T0)], negative, T0);
    expect(view(s2, negative, T0).score).toBe(0);
  });
});
