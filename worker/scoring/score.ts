/**
 * A model's score at an instant, in closed form: fit (current traits) + non-decaying behaviour
 * + the sum of decaying behaviour terms, clamped to the model's scale.
 */
import { matches } from "./condition";
import type { CompiledBehaviourRule, CompiledModel } from "./compile";
import { decayFactor } from "./decay";
import type { ModelState, RuleAccumulator } from "./types";

/** A decaying term: `amount * 2^-((t - t0) / halfLife)`. */
export interface DecayingTerm {
  amount: number;
  t0: number;
  halfLife: number;
}

/** A model's score as a function of time: constant part plus decaying terms. */
export interface ScoreCurve {
  model: CompiledModel;
  fit: number;
  /** behaviour points that do not decay */
  steady: number;
  terms: DecayingTerm[];
}

/** Points a behaviour rule is worth at t. */
export function rulePoints(rule: CompiledBehaviourRule, acc: RuleAccumulator, t: number): number {
  if (rule.halfLife <= 0) return rule.points * acc.n;
  return rule.points * acc.u * decayFactor(t - acc.t0, rule.halfLife);
}

/** Fit points from the current traits (they never decay). */
export function fitPoints(model: CompiledModel, traits: Record<string, unknown>): number {
  let sum = 0;
  for (const rule of model.fit) if (rule.points !== 0 && matches(rule.value(traits), rule.condition)) sum += rule.points;
  return sum;
}

/** Build the score curve of a model for a lead (traits fixed until the next event). */
export function scoreCurve(model: CompiledModel, ms: ModelState, traits: Record<string, unknown>): ScoreCurve {
  let steady = 0;
  const terms: DecayingTerm[] = [];
  for (const rule of model.behaviour) {
    const acc = ms.rules[rule.id];
    if (!acc || acc.n === 0) continue;
    if (rule.halfLife <= 0) steady += rule.points * acc.n;
    else if (acc.u > 0 && rule.points !== 0) terms.push({ amount: rule.points * acc.u, t0: acc.t0, halfLife: rule.halfLife });
  }
  return { model, fit: fitPoints(model, traits), steady, terms };
}

/** Behaviour points of a curve at t (unclamped). */
export function behaviourAt(curve: ScoreCurve, t: number): number {
  let sum = curve.steady;
  for (const term of curve.terms) sum += term.amount * decayFactor(t - term.t0, term.halfLife);
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

/** The reported score at t: behaviour (+ fit when combined), clamped to the scale, rounded. */
export function scoreAt(curve: ScoreCurve, t: number): number {
  const fit = curve.model.combine === "sum" ? curve.fit : 0;
  return round2(clamp(curve.model, behaviourAt(curve, t) + fit));
}

/** The score the curve tends to as every decaying term fades (rounded, as scores are). */
export function scoreFloor(curve: ScoreCurve): number {
  return round2(clamp(curve.model, curve.steady + (curve.model.combine === "sum" ? curve.fit : 0)));
}
