/** Walk a visitor journey step by step and describe what the lead looked like after each step. */
import { advance, applyEvents, newLeadState, view, type LeadState, type ScoringConfig, type ScoringEvent } from "../../../worker/scoring";

export type Step = { event: ScoringEvent } | { wait: number };

export interface Seen {
  step: string;
  score: number;
  label: string;
  stage: string;
  grade?: string;
  model: string;
  changes: string[];
}

/** Apply steps in order: an event is applied at its ts; a wait advances the clock (decay moves). */
export function walk(config: ScoringConfig, steps: Step[], state: LeadState = newLeadState()): { seen: Seen[]; state: LeadState } {
  const seen: Seen[] = [];
  for (const step of steps) {
    const now = "event" in step ? step.event.ts : step.wait;
    const result = "event" in step ? applyEvents(state, [step.event], config, now) : advance(state, config, now);
    state = result.state;
    const v = view(state, config, now);
    seen.push({
      step: "event" in step ? `${step.event.name} ${step.event.path ?? step.event.url ?? ""}`.trim() : "wait",
      score: v.score,
      label: v.label,
      stage: v.stage,
      ...(v.grade !== undefined ? { grade: v.grade } : {}),
      model: v.model,
      changes: result.changes.map((c) => `${c.type.replace("lead.", "")}:${c.from}->${c.to}:${c.cause.kind}`),
    });
  }
  return { seen, state };
}
