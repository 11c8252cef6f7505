/**
 * A model's score at an instant, in closed form: fit (current traits) + non-decaying behaviour
 * + the sum of decaying behaviour terms, clamped to the model's scale.
 */
import { pendingSteps, type PendingStep } from "./absence";
import { adjustmentCurve } from "./adjust";
import { matches } from "./condition";
import type { CompiledBehaviourRule, CompiledModel } from "./compile";
import { capAllows } from "./fold-event";
import { decayFactor } from "./decay";
import type { ModelState, RuleAccumulator } from "./types";

/** A decaying term: `amount * 2^-((t - t0) / halfLife)`. */
export interface DecayingTerm {
  amount: number;
  t0: number;
  halfLife: number;
}

/**
 * A model's score as a function of time: constant part, decaying terms, and the downward steps of
 * absence rules that will fire (non-positive points at known instants). Every part only falls with
 * time, so the score does too, and the first instant below a line is well defined.
 */
export interface ScoreCurve {
  model: CompiledModel;
  fit: number;
  /** behaviour points that do not decay */
  steady: number;
  terms: DecayingTerm[];
  steps: PendingStep[];
}

/** Points a behaviour rule is worth at t. */
export function rulePoints(rule: CompiledBehaviourRule, acc: RuleAccumulator, t: number): number {
  if (rule.halfLife <= 0) return rule.points * acc.n;
  return rule.points * acc.u * decayFactor(t - acc.t0, rule.halfLife);
}

/** Fit points from the current traits at `at` (they never decay; relative conditions read `at`). */
export function fitPoints(model: CompiledModel, traits: Record<string, unknown>, at: number): number {
  let sum = 0;
  for (const rule of model.fit) if (rule.points !== 0 && matches(rule.value(traits), rule.condition, at)) sum += rule.points;
  return sum;
}

/**
 * Build the score curve of a model for a lead: valid until the next event, or the next instant a
 * relative trait condition flips (relative.ts), whichever comes first.
 */
export function scoreCurve(model: CompiledModel, ms: ModelState, traits: Record<string, unknown>, at: number): ScoreCurve {
  let steady = 0;
  const terms: DecayingTerm[] = [];
  for (const rule of model.behaviour) {
    const acc = ms.rules[rule.id];
    if (!acc || acc.n === 0) continue;
    if (rule.halfLife <= 0) steady += rule.points * acc.n;
    else if (acc.u > 0 && rule.points !== 0) terms.push({ amount: rule.points * acc.u, t0: acc.t0, halfLife: rule.halfLife });
  }
  const steps = model.absence.length ? pendingSteps(model, ms, capAllows) : [];
  if (ms.adjust) {
    const adjusted = adjustmentCurve(ms);
    steady += adjusted.steady;
    terms.push(...adjusted.terms);
  }
  return { model, fit: fitPoints(model, traits, at), steady, terms, steps };
}

/** Behaviour points of a curve at t (unclamped): absence steps due by t included. */
export function behaviourAt(curve: ScoreCurve, t: number): number {
  let sum = curve.steady;
  for (const term of curve.terms) sum += term.amount * decayFactor(t - term.t0, term.halfLife);
  for (const step of curve.steps) if (step.at <= t) sum += step.amount;
  return sum;
}

function clamp(model: CompiledModel, value: number): number {
  return Math.min(model.scaleMax, Math.max(model.scaleMin, value));
}

/**
 * Scores are rounded to 2 decimals, and bands compare the rounded score, so a lead never shows
 * "score 30, label cold" next to a warm line at 30. Rounding is monotone, so the score still only
 * falls between events and crossings stay exact.
 */
export function round2(value: number): number {
  return Math.round(value * 100) / 100 || 0;
}

/** The score at t before the scale clamps it: behaviour (+ fit when combined), rounded. */
export function unclampedAt(curve: ScoreCurve, t: number): number {
  return round2(behaviourAt(curve, t) + (curve.model.combine === "sum" ? curve.fit : 0));
}

/** The reported score at t: behaviour (+ fit when combined), clamped to the scale, rounded. */
export function scoreAt(curve: ScoreCurve, t: number): number {
  const fit = curve.model.combine === "sum" ? curve.fit : 0;
  return round2(clamp(curve.model, behaviourAt(curve, t) + fit));
}

/** The score the curve tends to as every decaying term fades and every step fires (rounded, as scores are). */
export function scoreFloor(curve: ScoreCurve): number {
  const steps = curve.steps.reduce((sum, step) => sum + step.amount, 0);
  return round2(clamp(curve.model, curve.steady + steps + (curve.model.combine === "sum" ? curve.fit : 0)));
}
