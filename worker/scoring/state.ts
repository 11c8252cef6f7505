/** Creating and copying lead state. */
import type { CompiledModel } from "./compile";
import type { Earner, LeadState, ModelState, RuleAccumulator } from "./types";

export const STATE_VERSION = 1;

/**
 * The state of a lead the engine has never seen.
 *
 * @example applyEvents(newLeadState(), events, config, Date.now())
 */
export function newLeadState(): LeadState {
  return { v: STATE_VERSION, clock: 0, traits: {}, traitSrc: {}, seen: [], models: {} };
}

/** A model state with no memory of bands yet (the first settle places it). */
export function emptyModelState(): ModelState {
  return { label: "", stage: "", dq: {}, rules: {} };
}

const EMPTY: ModelState = Object.freeze(emptyModelState()) as ModelState;

/** A model's state, or an empty one (read only) when the lead has none for it yet. */
export function modelState(state: LeadState, model: CompiledModel): ModelState {
  return state.models[model.id] ?? EMPTY;
}

const copyPairs = (list: Earner[]): Earner[] => list.map(([id, ts]) => [id, ts]);

function copyAccumulator(acc: RuleAccumulator): RuleAccumulator {
  const copy: RuleAccumulator = { n: acc.n, u: acc.u, t0: acc.t0, h: acc.h, recent: copyPairs(acc.recent) };
  if (acc.earners) copy.earners = copyPairs(acc.earners);
  if (acc.buckets) copy.buckets = Object.fromEntries(Object.entries(acc.buckets).map(([k, v]) => [k, copyPairs(v)]));
  return copy;
}

function copyModel(ms: ModelState): ModelState {
  const rules = Object.fromEntries(Object.entries(ms.rules).map(([id, acc]) => [id, copyAccumulator(acc)]));
  const copy: ModelState = { label: ms.label, stage: ms.stage, ...(ms.floor !== undefined ? { floor: ms.floor } : {}), dq: { ...ms.dq }, rules };
  if (ms.visit) copy.visit = { ...ms.visit, starts: [...ms.visit.starts] };
  if (ms.idle) copy.idle = Object.fromEntries(Object.entries(ms.idle).map(([id, [last, firedAt]]) => [id, [last, firedAt]]));
  if (ms.lifted !== undefined) copy.lifted = ms.lifted;
  if (ms.adjust) copy.adjust = ms.adjust.map(([id, ts, points, halfLife, reason]) => [id, ts, points, halfLife, reason]);
  if (ms.combos) copy.combos = Object.fromEntries(Object.entries(ms.combos).map(([id, memo]) => [id, [...memo]]));
  return copy;
}

/**
 * A deep copy: the engine never mutates the state it was given. Copied by shape because both
 * structuredClone and a JSON round trip cost ten times more here (V8 prints and parses every epoch-ms
 * number of the dedupe window).
 */
export function cloneState(state: LeadState): LeadState {
  return {
    v: state.v,
    clock: state.clock,
    // Traits are free-form JSON from identify calls: the one part copied generically.
    traits: JSON.parse(JSON.stringify(state.traits)) as Record<string, unknown>,
    traitSrc: Object.fromEntries(Object.entries(state.traitSrc).map(([k, [id, ts]]) => [k, [id, ts] as Earner])),
    seen: copyPairs(state.seen),
    models: Object.fromEntries(Object.entries(state.models).map(([id, ms]) => [id, copyModel(ms)])),
  };
}

/** Order of events: by ts, then by id, so every replay agrees on "first". */
export function compareEarners(a: Earner, b: Earner): number {
  return a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/** Insert into a list kept sorted by compareEarners. */
export function insertSorted(list: Earner[], item: Earner): void {
  let i = list.length;
  while (i > 0 && compareEarners(list[i - 1]!, item) > 0) i--;
  list.splice(i, 0, item);
}
