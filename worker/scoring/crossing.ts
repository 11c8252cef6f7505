/**
 * When time will next move a lead down a band: the exact millisecond, found by bisection on the
 * closed-form score. Between events the score is a constant plus a sum of positive decaying terms
 * (negative points never decay) plus the downward steps of absence rules, so it only falls and the
 * first instant below a line is well defined. And when anything at all is next due (nextCrossing).
 */
import { lowerLine } from "./bands";
import { compile, type CompiledConfig } from "./compile";
import type { ScoringConfig } from "./schema";
import { scoreAt, scoreFloor, type ScoreCurve } from "./score";
import { nextTraitFlip } from "./relative";
import { activeSnapshot, type ModelSnapshot } from "./view";
import type { LeadState } from "./types";

/** Beyond this horizon (about 285 000 years) a crossing is "never". */
const MAX_SEARCH_MS = 2 ** 53;

/** The lines (hysteresis included) whose crossing changes what the lead shows: label, and stage unless a floor holds it. */
export function visibleLines(snap: ModelSnapshot): { label?: number; stage?: number } {
  const { model } = snap;
  const label = lowerLine(model.labels.list, snap.labelIndex, model.hysteresis);
  // A stage held up by a setStage floor does not show the score's stage moving under it.
  const stage = snap.scoreStageIndex === snap.stageIndex ? lowerLine(model.stages.list, snap.scoreStageIndex, model.hysteresis) : undefined;
  return { ...(label !== undefined ? { label } : {}), ...(stage !== undefined ? { stage } : {}) };
}

/**
 * The first integer ms after `from` at which the curve is below `line`, or null if it never is.
 * Precondition: the score at `from` is at or above the line.
 */
export function firstInstantBelow(curve: ScoreCurve, from: number, line: number): number | null {
  if (scoreFloor(curve) >= line) return null;
  let lo = Math.floor(from);
  if (scoreAt(curve, lo) < line) return lo + 1;
  // The first probe: the shortest half-life, or the first step if it comes sooner (a curve of steps alone has no half-life).
  const firstStep = curve.steps.find((s) => s.at > lo);
  let step = Math.max(1, Math.min(...curve.terms.map((t) => t.halfLife), firstStep ? firstStep.at - lo : Infinity));
  let hi = lo + step;
  while (scoreAt(curve, hi) >= line) {
    step *= 2;
    if (step > MAX_SEARCH_MS) return null;
    hi = lo + step;
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (scoreAt(curve, mid) < line) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** nextCrossing through a compiled config (internal fast path). */
export function nextCrossingCompiled(state: LeadState, compiled: CompiledConfig, now: number): number | null {
  return crossingOf(activeSnapshot(state, compiled, now));
}

/** The next decay crossing of one snapshot (null when disqualified or when no line lies below). */
export function crossingOf(snap: ModelSnapshot): number | null {
  if (snap.disqualifiedBy.length > 0) return null;
  const lines = visibleLines(snap);
  const line = Math.max(lines.label ?? -Infinity, lines.stage ?? -Infinity);
  if (line === -Infinity) return null;
  return firstInstantBelow(snap.curve, snap.at, line);
}

/**
 * The next instant something is due for the lead, for its one alarm: decay (or an absence rule) taking
 * it below its current label's or stage's lower line (hysteresis included), an absence rule of the
 * active model firing, or a relative trait condition (`within`, `olderThan`) changing truth. Null when
 * nothing ever will. An instant at or before `now` means: due already, `advance` to now delivers it.
 *
 * @example const at = nextCrossing(state, config, Date.now()); if (at !== null) storage.setAlarm(at);
 */
export function nextCrossing(state: LeadState, config: ScoringConfig, now: number): number | null {
  const compiled = compile(config);
  const snap = activeSnapshot(state, compiled, now);
  const candidates = [nextTraitFlip(compiled, state.traits, Math.max(now, state.clock))];
  if (snap.disqualifiedBy.length === 0) {
    candidates.push(nextCrossingCompiled(state, compiled, now));
    // Steps due by the state's clock were written into it when it settled; later ones are still to fire.
    const step = snap.curve.steps.find((s) => s.at > state.clock);
    if (step) candidates.push(step.at);
  }
  const due = candidates.filter((t): t is number => t !== null);
  return due.length ? Math.min(...due) : null;
}
