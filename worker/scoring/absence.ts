/**
 * Absence rules ("no event for 30 days: -10", "a single visit and nothing for 14 days"): each fires
 * once per quiet spell, at the exact instant the spell reaches its `after`, and re-arms on activity.
 * Between events the state does not change, so the instant is known in closed form (latest activity
 * + after): the score curve carries a pending firing as a downward step (score.ts), `nextCrossing`
 * returns it for the lead's one alarm, and settling at or after it writes it into the state.
 */
import { matches } from "./condition";
import type { CompiledAbsenceRule, CompiledModel } from "./compile";
import type { ModelState, ScoringEvent } from "./types";

/** A firing that is due at `at` and not yet written into the state. */
export interface PendingStep {
  at: number;
  amount: number;
  rule: string;
}

/** Whether a cap lets the rule earn once more at `ts` (the earning would be the latest one). */
export type CapCheck = (ms: ModelState, rule: CompiledAbsenceRule["rule"], ts: number) => boolean;

/** The instant an absence rule fires for the lead's current quiet spell, or undefined when it will not. */
export function absenceDue(ms: ModelState, absence: CompiledAbsenceRule, capAllows: CapCheck): number | undefined {
  const idle = ms.idle?.[absence.rule.id];
  if (!idle || idle[1] !== 0) return undefined;
  const at = idle[0] + absence.after;
  // The visit count cannot change during a quiet spell: what holds now holds at the firing.
  if (absence.visits !== undefined && !matches(ms.visit?.n ?? 0, absence.visits, at)) return undefined;
  return capAllows(ms, absence.rule, at) ? at : undefined;
}

/** Every absence rule of a model that will fire (due instant, points), soonest first. */
export function pendingSteps(model: CompiledModel, ms: ModelState, capAllows: CapCheck): PendingStep[] {
  const steps: PendingStep[] = [];
  for (const absence of model.absence) {
    const at = absenceDue(ms, absence, capAllows);
    if (at !== undefined) steps.push({ at, amount: absence.rule.points, rule: absence.rule.id });
  }
  return steps.sort((a, b) => a.at - b.at || (a.rule < b.rule ? -1 : 1));
}

/**
 * Activity re-arms a rule: its quiet spell starts again at the event. A late event inside a spell
 * whose rule already fired moves the spell's start without firing it again (once per quiet spell).
 */
export function noteActivity(ms: ModelState, model: CompiledModel, event: ScoringEvent): void {
  for (const absence of model.absence) {
    if (absence.events && !absence.events.has(event.name)) continue;
    const idle = ((ms.idle ??= {})[absence.rule.id] ??= [event.ts, 0]);
    const [last, firedAt] = idle;
    if (firedAt !== 0 && event.ts < firedAt) idle[0] = Math.max(last, event.ts);
    else if (event.ts >= last) ms.idle[absence.rule.id] = [event.ts, 0];
  }
}

/** The earner id of a firing: the rule and its instant (explanations list it like an event id). */
export const firingId = (rule: string, at: number) => `${rule}@${new Date(at).toISOString()}`;
