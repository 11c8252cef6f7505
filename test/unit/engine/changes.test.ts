import { describe, expect, it } from "vitest";
import { applyEvents, diffViews, newLeadState, view, type LeadView, type ScoringConfig } from "../../../worker/scoring";
import { T0, ev } from "./fixtures";

const base: LeadView = { score: 45, label: "warm", stage: "engaged", disqualified: false, model: "shop", fitScore: 0, behaviourScore: 45, traits: {}, labelRank: 1, stageRank: 1 };
const cause = { kind: "event" as const, eventId: "e1", name: "identify" };

describe("diffViews", () => {
  it.each<[string, Partial<LeadView>, Partial<LeadView>, string[]]>([
    ["another model, same position, other stage name: no change", {}, { model: "wholesale", stage: "MQL", score: 41 }, []],
    ["another model, same names: no change", {}, { model: "wholesale", score: 41 }, []],
    ["another model, lower position: a change down", {}, { model: "wholesale", stage: "lead", stageRank: 0 }, ["lead.stage_changed:engaged->lead:down"]],
    ["another model, higher position: a change up", {}, { model: "wholesale", stage: "SQL", stageRank: 2 }, ["lead.stage_changed:engaged->SQL:up"]],
    ["same model, same rank, other name cannot happen, a real move is reported", { stage: "lead", stageRank: 0 }, {}, ["lead.stage_changed:lead->engaged:up"]],
    ["grade moves up", { grade: "C", gradeRank: 1 }, { grade: "B", gradeRank: 2 }, ["lead.grade_changed:C->B:up"]],
    ["grade moves down", { grade: "B", gradeRank: 2 }, { grade: "D", gradeRank: 0 }, ["lead.grade_changed:B->D:down"]],
    ["a grade appearing with a model that has grades is no change", {}, { model: "b2b", grade: "A", gradeRank: 3 }, []],
  ])("%s", (_name, before, after, expected) => {
    const changes = diffViews({ ...base, ...before }, { ...base, ...after }, T0, cause);
    expect(changes.map((c) => `${c.type}:${c.from}->${c.to}:${"direction" in c ? c.direction : ""}`)).toEqual(expected);
  });

  it("reports a grade change from the engine when fit changes under combine: separate", () => {
    const config: ScoringConfig = {
      models: [
        {
          id: "b2b",
          combine: "separate",
          rules: [{ id: "size", trait: "companySize", match: { gte: 50 }, points: 30 }],
          labels: [{ name: "cold" }],
          grades: [{ name: "C" }, { name: "B", min: 20 }],
        },
      ],
    };
    const first = applyEvents(newLeadState(), [ev("identify", T0, { traits: { companySize: 10 } })], config, T0);
    expect(view(first.state, config, T0)).toMatchObject({ grade: "C", gradeRank: 0 });
    const { changes } = applyEvents(first.state, [ev("identify", T0 + 1, { id: "big", traits: { companySize: 200 } })], config, T0 + 1);
    expect(changes).toEqual([
      { type: "lead.grade_changed", from: "C", to: "B", direction: "up", at: T0 + 1, score: 0, cause: { kind: "event", eventId: "big", name: "identify" } },
    ]);
  });

  it("switching audience between models with different stage names sends no spurious stage change", () => {
    const model = (id: string, stages: string[], audience?: unknown) => ({
      id,
      ...(audience ? { audience } : {}),
      rules: [{ id: "pv", event: "page_view", points: 45 }],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }],
      stages: [{ name: stages[0]! }, { name: stages[1]!, min: 40 }],
    });
    const config = { models: [model("wholesale", ["lead", "MQL"], { company: { exists: true } }), model("shop", ["lead", "engaged"])] } as ScoringConfig;
    const first = applyEvents(newLeadState(), [ev("page_view", T0, { path: "/" })], config, T0);
    expect(view(first.state, config, T0)).toMatchObject({ model: "shop", stage: "engaged" });
    const { state, changes } = applyEvents(first.state, [ev("identify", T0 + 1, { traits: { company: "Acme" } })], config, T0 + 1);
    expect(view(state, config, T0 + 1)).toMatchObject({ model: "wholesale", stage: "MQL" });
    expect(changes).toEqual([]);
  });
});
