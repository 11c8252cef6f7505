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

// Copied with plain loops: the engine copies a lead's whole state on every request, and
// Object.entries/fromEntries allocate an array per key on a path that runs millions of times.
// Earner tuples are never changed once made (lists gain, lose and reorder them): the lists are
// copied, the tuples shared.
function copyPairs(list: Earner[]): Earner[] {
  return list.slice();
}

/** A copy of each value of a record of JSON data, keys in the same order. */
function mapValues<T, U>(record: Record<string, T>, copy: (value: T) => U): Record<string, U> {
  const out: Record<string, U> = {};
  for (const key in record) out[key] = copy(record[key]!);
  return out;
}

function copyAccumulator(acc: RuleAccumulator): RuleAccumulator {
  const copy: RuleAccumulator = { n: acc.n, u: acc.u, t0: acc.t0, h: acc.h, recent: copyPairs(acc.recent) };
  if (acc.earners) copy.earners = copyPairs(acc.earners);
  if (acc.buckets) copy.buckets = mapValues(acc.buckets, copyPairs);
  return copy;
}

function copyModel(ms: ModelState): ModelState {
  const copy: ModelState = { label: ms.label, stage: ms.stage, ...(ms.floor !== undefined ? { floor: ms.floor } : {}), dq: { ...ms.dq }, rules: mapValues(ms.rules, copyAccumulator) };
  if (ms.visit) copy.visit = { ...ms.visit, starts: [...ms.visit.starts] };
  if (ms.idle) copy.idle = mapValues(ms.idle, ([last, firedAt]): [number, number] => [last, firedAt]);
  if (ms.lifted !== undefined) copy.lifted = ms.lifted;
  if (ms.adjust) copy.adjust = ms.adjust.map(([id, ts, points, halfLife, reason]) => [id, ts, points, halfLife, reason]);
  if (ms.combos) copy.combos = mapValues(ms.combos, (memo) => [...memo]);
  return copy;
}

/** Traits are free-form JSON from identify calls: the one part copied generically (most leads have none). */
function copyTraits(traits: Record<string, unknown>): Record<string, unknown> {
  for (const _key in traits) return JSON.parse(JSON.stringify(traits)) as Record<string, unknown>;
  return {};
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
    traits: copyTraits(state.traits),
    traitSrc: { ...state.traitSrc },
    seen: copyPairs(state.seen),
    models: mapValues(state.models, copyModel),
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
