/**
 * What a fit of suggested weights learns from: one column per rule whose points a suggestion may
 * change (behaviour, absence and combined rules by their hit count, fit rules by whether they match),
 * read from a lead's scoring state at the instant its outcome is judged. Pure: the Lead object replays
 * its own events into the state and answers only these numbers.
 */
import { leadOutcome } from "../outcomes/outcome";
import { replay, orderEvents } from "../scoring/apply";
import { compile, type CompiledModel } from "../scoring/compile";
import { matches } from "../scoring/condition";
import type { ScoringConfig } from "../scoring/schema";
import type { LeadState, ScoringEvent } from "../scoring/types";

/** A rule the fit weighs: its id, how it is read, and its points in the config as it stands. */
export interface FeatureColumn {
  rule: string;
  kind: "behaviour" | "fit";
  points: number;
}

/**
 * The rules of `model` a suggestion may re-weigh, in the model's rule order: those with points of
 * their own. Disqualifying rules are left out (they are a verdict, not a weight), and so are rules
 * without `points` (a rule that only sets a stage must not start earning points).
 *
 * @example featureColumns(compile(config).byId.get("shop")!) // [{ rule: "pricing", kind: "behaviour", points: 20 }, …]
 */
export function featureColumns(model: CompiledModel): FeatureColumn[] {
  const compiled = new Map<string, { kind: "behaviour" | "fit"; disqualify: boolean; points: number }>([...model.behaviour, ...model.fit].map((r) => [r.id, r]));
  return model.source.rules.flatMap((source) => {
    const rule = compiled.get(source.id);
    if (!rule || rule.disqualify || source.points === undefined) return [];
    return [{ rule: source.id, kind: rule.kind, points: rule.points }];
  });
}

/**
 * One lead's row: each behaviour rule's times earned (caps applied, not decayed) and each fit rule's
 * match (1 or 0) under the lead's traits at `at`.
 *
 * @example featureRow(columns, model, state, convertedAt) // [1, 0, 2, 1]
 */
export function featureRow(columns: readonly FeatureColumn[], model: CompiledModel, state: LeadState, at: number): number[] {
  const ms = state.models[model.id];
  const fit = new Map(model.fit.map((r) => [r.id, r]));
  return columns.map((c) => {
    if (c.kind === "behaviour") return ms?.rules[c.rule]?.n ?? 0;
    const rule = fit.get(c.rule)!;
    return matches(rule.value(state.traits), rule.condition, at) ? 1 : 0;
  });
}

/**
 * The model a fit is for: the named one, or the config's first.
 *
 * @example modelFor(config, undefined)?.id // "shop"
 */
export function modelFor(config: ScoringConfig, modelId: string | undefined): CompiledModel | undefined {
  const compiled = compile(config);
  return modelId === undefined ? compiled.models[0] : compiled.byId.get(modelId);
}

/** One decided lead as a fit sees it: its row, whether it converted, and the live score the report ranks it by. */
export interface OutcomeRow {
  features: number[];
  converted: boolean;
  /** the highest score the model showed before the outcome (LeadOutcome.peak) */
  score: number;
}

/**
 * A lead's row for a fit of `modelId`, from its own events: its outcome under the config (worker/outcomes),
 * then its rules' hits from the events before the deciding instant (the converting event itself
 * excluded, so a purchase never predicts itself; a negative counts up to the end of its horizon).
 * Null while the lead's horizon is open, or when another model judges it.
 *
 * @example outcomeRow(events, config, "shop", Date.now()) // { features: [2, 1, 0, 1], converted: true, score: 55 }
 */
export function outcomeRow(events: ScoringEvent[], config: ScoringConfig, modelId: string, now: number): OutcomeRow | null {
  const outcome = leadOutcome(events, config, now);
  if (!outcome || outcome.kind === "open" || outcome.model !== modelId || outcome.at === undefined) return null;
  const model = compile(config).byId.get(modelId)!;
  const at = outcome.at;
  const before = orderEvents(events).filter((e) => (outcome.kind === "negative" ? e.ts <= at : e.ts < at));
  const state = replay(before, config, at);
  return { features: featureRow(featureColumns(model), model, state, at), converted: outcome.kind === "converted", score: outcome.peak };
}
