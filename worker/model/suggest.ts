/**
 * Suggested weights: decided leads split into training and held-out (seeded, by lead id), an L2
 * logistic regression of converting within the horizon on the training rows, its weights mapped to
 * points on the config's own scale, and both the current and the suggested points judged by AUC on
 * the held-out rows. Pure: the route gathers the rows, this decides; nothing is stored.
 */
import type { ScoringConfig } from "../scoring/schema";
import { auc } from "./auc";
import { featureColumns, modelFor, type FeatureColumn, type OutcomeRow } from "./features";
import { fitLogistic } from "./logistic";
import { pointsFromWeights } from "./points";
import { inTraining } from "./split";

/** Fewer converted (or unconverted) training leads than this and no fit is attempted. */
export const MIN_PER_CLASS = 10;

export interface SuggestOptions {
  /** Share of leads in the training split, the rest held out. */
  trainFraction: number;
  seed: number;
  /** L2 penalty on standardised weights. */
  l2: number;
}

export interface LeadRow extends OutcomeRow {
  leadId: string;
}

export interface SuggestedRule extends Omit<FeatureColumn, "points"> {
  /** the rule's points in the config as it stands */
  current: number;
  suggested: number;
  /** false: the rule never varied among the training leads, so the fit cannot weigh it and its points are kept */
  fitted: boolean;
  /** the fitted change in log-odds of converting per hit (behaviour) or for a match (fit) */
  weight: number;
}

interface SplitCount {
  leads: number;
  conversions: number;
}

export interface Suggestion<C extends ScoringConfig> {
  model: string;
  split: SuggestOptions & { training: SplitCount; heldOut: SplitCount };
  rules: SuggestedRule[];
  /** AUC on the held-out leads: the current and the suggested points on the same hits, and the live score (its peak) */
  auc: { current: number | null; suggested: number | null; currentScore: number | null };
  /** the config with the suggested points in place: to backtest, and to publish if it holds up */
  candidate: C | null;
  /** why there is no suggestion, when there is none */
  notice?: string;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, v, i) => sum + v * b[i]!, 0);
const count = (rows: LeadRow[]): SplitCount => ({ leads: rows.length, conversions: rows.filter((r) => r.converted).length });

/**
 * The config with `points` in place of the named model's rules' points.
 *
 * @example withPoints(config, "shop", new Map([["pricing", 15]])).models[0].rules[0].points // 15
 */
export function withPoints<C extends ScoringConfig>(config: C, modelId: string, points: Map<string, number>): C {
  const models = config.models.map((m) => (m.id !== modelId ? m : { ...m, rules: m.rules.map((r) => (points.has(r.id) ? { ...r, points: points.get(r.id)! } : r)) }));
  return { ...structuredClone(config), models: structuredClone(models) };
}

/**
 * Fits and judges a suggestion for model `modelId` of `config` from the site's decided leads.
 *
 * @example
 * const s = suggestWeights(config, "shop", rows, { trainFraction: 0.7, seed: 1, l2: 1 });
 * s.rules // [{ rule: "pricing", current: 20, suggested: 14, weight: 0.61, ... }]; s.auc // { current: 0.74, suggested: 0.79, ... }
 */
export function suggestWeights<C extends ScoringConfig>(config: C, modelId: string, rows: readonly LeadRow[], options: SuggestOptions): Suggestion<C> {
  const model = modelFor(config, modelId)!;
  const columns = featureColumns(model);
  // Sorted by lead id: the fit does not depend on the order the fan-out answered in.
  const sorted = [...rows].sort((a, b) => (a.leadId < b.leadId ? -1 : a.leadId > b.leadId ? 1 : 0));
  const training = sorted.filter((r) => inTraining(r.leadId, options.trainFraction, options.seed));
  const heldOut = sorted.filter((r) => !inTraining(r.leadId, options.trainFraction, options.seed));
  const split = { ...options, training: count(training), heldOut: count(heldOut) };
  const current = columns.map((c) => c.points);
  const judge = (points: readonly number[]) => auc(heldOut.map((r) => dot(points, r.features)), heldOut.map((r) => Number(r.converted)));
  const currentAuc = { current: judge(current), currentScore: auc(heldOut.map((r) => r.score), heldOut.map((r) => Number(r.converted))) };

  const { conversions } = split.training;
  const others = split.training.leads - conversions;
  if (columns.length === 0 || conversions < MIN_PER_CLASS || others < MIN_PER_CLASS) {
    const why = columns.length === 0 ? `model "${modelId}" has no rule with points to weigh` : `the training split holds ${conversions} converted and ${others} unconverted leads; a fit needs at least ${MIN_PER_CLASS} of each`;
    return { model: modelId, split, rules: columns.map((c) => ({ rule: c.rule, kind: c.kind, current: c.points, suggested: c.points, fitted: false, weight: 0 })), auc: { ...currentAuc, suggested: null }, candidate: null, notice: `No suggestion: ${why}.` };
  }
  const fit = fitLogistic(training.map((r) => r.features), training.map((r) => Number(r.converted)), { l2: options.l2 });
  const suggested = pointsFromWeights(fit.weights, current, fit.fitted);
  return {
    model: modelId,
    split,
    rules: columns.map((c, j) => ({ rule: c.rule, kind: c.kind, current: c.points, suggested: suggested[j]!, fitted: fit.fitted[j]!, weight: fit.weights[j]! })),
    auc: { ...currentAuc, suggested: judge(suggested) },
    candidate: withPoints(config, modelId, new Map(columns.map((c, j) => [c.rule, suggested[j]!]))),
  };
}
