import { describe, expect, it } from "vitest";
import { advance, applyEvents, newLeadState, nextCrossing, view, type ScoringConfig } from "../../../worker/scoring";
import { DAY, T0, ev } from "./fixtures";

const CONFIG: ScoringConfig = {
  models: [
    {
      id: "m",
      decay: "1d",
      hysteresis: 5,
      rules: [
        { id: "demo", event: "demo_request", points: 60 },
        { id: "touch", event: "touch", points: 10 },
        { id: "opp", event: "opportunity_created", setStage: "opportunity" },
        { id: "buy", event: "purchase", points: 10, setStage: "customer" },
        { id: "reopen", event: "reopened", setStage: "MQL" },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
      stages: [{ name: "lead" }, { name: "MQL", min: 40 }, { name: "SQL", min: 80 }, { name: "opportunity" }, { name: "customer" }],
    },
  ],
};

describe("stages", () => {
  it("are reached by score and fall only below the line minus hysteresis", () => {
    const { state, changes } = applyEvents(newLeadState(), [ev("demo_request", T0)], CONFIG, T0);
    expect(changes.map((c) => `${c.type}:${c.to}`)).toEqual(["lead.label_changed:hot", "lead.stage_changed:MQL"]);
    // 60 -> 35 (MQL line 40 - 5) after log2(60/35) days
    const { changes: down } = advance(state, CONFIG, T0 + DAY);
    const stageDown = down.find((c) => c.type === "lead.stage_changed")!;
    expect(stageDown).toMatchObject({ from: "MQL", to: "lead", direction: "down" });
    expect(view(state, CONFIG, stageDown.at - 1).score).toBeGreaterThanOrEqual(35);
    expect(view(state, CONFIG, stageDown.at).score).toBeLessThan(35);
  });

  it("reached by setStage never move down by decay", () => {
    const { state, changes } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("purchase", T0 + 1)], CONFIG, T0 + 1);
    expect(changes.filter((c) => c.type === "lead.stage_changed").map((c) => `${c.from}->${c.to}`)).toEqual(["lead->MQL", "MQL->customer"]);
    const { state: later, changes: decay } = advance(state, CONFIG, T0 + 30 * DAY);
    expect(decay.map((c) => `${c.type}:${c.to}`)).toEqual(["lead.label_changed:warm", "lead.label_changed:cold"]);
    expect(view(later, CONFIG, T0 + 30 * DAY)).toMatchObject({ stage: "customer", label: "cold" });
  });

  it("a setStage floor only raises the stage; the score can still lift it higher", () => {
    let { state, changes } = applyEvents(newLeadState(), [ev("opportunity_created", T0), ev("reopened", T0 + 1)], CONFIG, T0 + 1);
    expect(view(state, CONFIG, T0 + 1).stage).toBe("opportunity");
    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(["lead->opportunity"]);
    ({ state } = applyEvents(newLeadState(), [ev("reopened", T0), ev("demo_request", T0 + 1), ev("demo_request", T0 + 2)], CONFIG, T0 + 2));
    expect(view(state, CONFIG, T0 + 2)).toMatchObject({ stage: "SQL", score: 120 });
    // Falls back to the floor (MQL), never below it.
    expect(view(state, CONFIG, T0 + 10 * DAY).stage).toBe("MQL");
  });

  it("a floor hides the score's stage moves from nextCrossing", () => {
    const { state } = applyEvents(newLeadState(), [ev("demo_request", T0), ev("opportunity_created", T0 + 1)], CONFIG, T0 + 1);
    const at = nextCrossing(state, CONFIG, T0 + 1)!;
    // The next visible move is the label hot -> warm (55), not the hidden MQL -> lead (35).
    expect(view(state, CONFIG, at)).toMatchObject({ label: "warm", stage: "opportunity" });
  });

  it("default to a single stage named lead", () => {
    const config: ScoringConfig = { models: [{ id: "m", rules: [], labels: [{ name: "cold" }] }] };
    expect(view(newLeadState(), config, T0)).toMatchObject({ stage: "lead", label: "cold", score: 0, model: "m" });
  });
});
