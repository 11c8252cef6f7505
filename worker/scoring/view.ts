/**
 * Reading a lead at an instant: the active model's score, bands and disqualification, decay applied
 * on read in closed form. Settling writes the bands an instant implies back into the state.
 */
import { matches } from "./condition";
import { activeModel, compile, type CompiledConfig, type CompiledModel } from "./compile";
import { bandAfter } from "./bands";
import type { ScoringConfig } from "./schema";
import { fireDueAbsences } from "./fold-event";
import { fitCounts, storedCounts } from "./requalify";
import { behaviourAt, round2, scoreAt, scoreCurve, type ScoreCurve } from "./score";
import { emptyModelState, modelState } from "./state";
import type { LeadState, LeadView, ModelState } from "./types";

/** Everything known about one model of a lead at one instant. */
export interface ModelSnapshot {
  model: CompiledModel;
  ms: ModelState;
  curve: ScoreCurve;
  at: number;
  score: number;
  labelIndex: number;
  /** the stage the score alone reaches */
  scoreStageIndex: number;
  /** the stage shown: the higher of the score's stage and the setStage floor */
  stageIndex: number;
  /** rule ids disqualifying the lead now (sorted); empty when it is not disqualified */
  disqualifiedBy: string[];
}

/** Disqualifying rules: the ones stored (while still disqualifying) and fit rules matching the current traits. */
function disqualifiers(state: LeadState, model: CompiledModel, ms: ModelState, at: number): string[] {
  const ids = new Set<string>();
  for (const id of Object.keys(ms.dq)) if (model.ruleIds.get(id)?.disqualify && storedCounts(ms, id)) ids.add(id);
  for (const rule of model.fit) {
    if (rule.disqualify && matches(rule.value(state.traits), rule.condition, at) && fitCounts(state, ms, rule)) ids.add(rule.id);
  }
  return [...ids].sort();
}

/**
 * One model of a lead at `t` (never earlier than the state's clock: the past is not re-read).
 */
export function snapshot(state: LeadState, model: CompiledModel, t: number): ModelSnapshot {
  const at = Math.max(t, state.clock);
  const ms = modelState(state, model);
  const curve = scoreCurve(model, ms, state.traits, at);
  const score = scoreAt(curve, at);
  const labelIndex = bandAfter(model.labels.list, model.labels.index.get(ms.label) ?? -1, score, model.hysteresis);
  const scoreStageIndex = bandAfter(model.stages.list, model.stages.index.get(ms.stage) ?? -1, score, model.hysteresis);
  const floor = ms.floor === undefined ? 0 : (model.stages.index.get(ms.floor) ?? 0);
  return {
    model,
    ms,
    curve,
    at,
    score,
    labelIndex,
    scoreStageIndex,
    stageIndex: Math.max(scoreStageIndex, floor),
    disqualifiedBy: disqualifiers(state, model, ms, at),
  };
}

/** The snapshot of the model the lead's current traits choose. */
export function activeSnapshot(state: LeadState, compiled: CompiledConfig, t: number): ModelSnapshot {
  return snapshot(state, activeModel(compiled, state.traits, Math.max(t, state.clock)), t);
}

/** A snapshot as the public view. */
export function toView(snap: ModelSnapshot, traits: Record<string, unknown>): LeadView {
  const { model } = snap;
  const disqualified = snap.disqualifiedBy.length > 0;
  const view: LeadView = {
    score: round2(snap.score),
    label: disqualified ? model.disqualifiedLabel : model.labels.list[snap.labelIndex]!.name,
    stage: disqualified ? model.disqualifiedLabel : model.stages.list[snap.stageIndex]!.name,
    disqualified,
    model: model.id,
    fitScore: round2(snap.curve.fit),
    behaviourScore: round2(behaviourAt(snap.curve, snap.at)),
    traits: { ...traits },
    labelRank: disqualified ? -1 : snap.labelIndex,
    stageRank: disqualified ? -1 : snap.stageIndex,
  };
  if (model.grades) {
    const rank = bandAfter(model.grades.list, -1, snap.curve.fit, 0);
    view.grade = model.grades.list[rank]!.name;
    view.gradeRank = rank;
  }
  if (disqualified) view.disqualifiedBy = snap.disqualifiedBy;
  return view;
}

/** The view through a compiled config (internal fast path). */
export function viewCompiled(state: LeadState, compiled: CompiledConfig, t: number): LeadView {
  return toView(activeSnapshot(state, compiled, t), state.traits);
}

/**
 * The lead as it stands at `now`: score (decay applied), label, stage, grade, disqualification.
 *
 * @example view(state, config, Date.now()) // { score: 42.5, label: "warm", stage: "MQL", model: "b2b", ... }
 */
export function view(state: LeadState, config: ScoringConfig, now: number): LeadView {
  return viewCompiled(state, compile(config), now);
}

/**
 * Write what every model has at `t` into the (mutable) state, absence firings due by then and bands,
 * and move its clock to t.
 */
export function settleBands(state: LeadState, compiled: CompiledConfig, t: number): void {
  const at = Math.max(t, state.clock);
  fireDueAbsences(state, compiled, at);
  for (const model of compiled.models) {
    const snap = snapshot(state, model, at);
    const ms = (state.models[model.id] ??= emptyModelState());
    ms.label = model.labels.list[snap.labelIndex]!.name;
    ms.stage = model.stages.list[snap.scoreStageIndex]!.name;
  }
  state.clock = at;
}
