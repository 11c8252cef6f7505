/**
 * An operator lifting a lead's disqualification (`requalify`): every disqualification the lead has at
 * that instant stops counting, in every model, without touching the config; a disqualifying event or a
 * disqualifying trait set after it disqualifies again. Lifting is state, so replays agree.
 */
import type { CompiledFitRule } from "./compile";
import type { LeadState, ModelState } from "./types";

/** Record that a rule disqualified at `ts`, unless a later requalify already lifted that. */
export function markDisqualified(ms: ModelState, rule: string, ts: number): void {
  if (ms.lifted !== undefined && ts <= ms.lifted) return;
  const previous = ms.dq[rule];
  ms.dq[rule] = previous !== undefined && (ms.lifted === undefined || previous > ms.lifted) ? Math.min(previous, ts) : ts;
}

/** Whether a stored disqualification still counts (it came after the latest requalify). */
export function storedCounts(ms: ModelState, rule: string): boolean {
  return ms.lifted === undefined || (ms.dq[rule] ?? -Infinity) > ms.lifted;
}

/** Whether a fit rule matching the current traits disqualifies: the trait it reads was set after the latest requalify. */
export function fitCounts(state: LeadState, ms: ModelState, rule: CompiledFitRule): boolean {
  if (ms.lifted === undefined) return true;
  const source = state.traitSrc[rule.trait] ?? state.traitSrc[rule.trait.split(".")[0]!];
  return source !== undefined && source[1] > ms.lifted;
}
