/**
 * Folding one event into a lead's state for every model: traits, dedupe window, rule accumulators
 * (caps enforced), disqualifications and stage floors. Works for late events too: a late event is
 * folded in closed form, and a cap keeps the earliest events whichever order they arrived in.
 */
import { firingId, noteActivity, pendingSteps } from "./absence";
import { recordAdjustment } from "./adjust";
import { markDisqualified } from "./requalify";
import { completeCombined } from "./combined";
import { matches } from "./condition";
import { rulesForEvent, type CompiledBehaviourRule, type CompiledConfig, type CompiledModel } from "./compile";
import { decayFactor } from "./decay";
import { withDownloadExt } from "./download";
import { eventFacts, type EventFacts } from "./event-facts";
import { trackVisit } from "./visits";
import { compareEarners, emptyModelState, insertSorted } from "./state";
import type { Earner, LeadState, ModelState, RuleAccumulator, ScoringEvent } from "./types";

/** Event ids remembered for dedupe. Older duplicates are the Lead object's job (worker/lead/dedup.ts). */
export const SEEN_MAX = 256;
/** Earners remembered per rule for explanations. */
export const RECENT_MAX = 20;
/** How long per-period cap buckets are kept: a later-arriving event older than this earns nothing from such a rule. */
export const PERIOD_CAP_RETENTION_MS = 35 * 86_400_000;

/**
 * Record an event id; false when it is a duplicate or too old to tell (the window is full and the
 * event is older than everything in it).
 */
export function rememberEvent(state: LeadState, seen: Set<string>, event: ScoringEvent): boolean {
  if (seen.has(event.id)) return false;
  const earner: Earner = [event.id, event.ts];
  if (state.seen.length >= SEEN_MAX && compareEarners(earner, state.seen[0]!) < 0) return false;
  insertSorted(state.seen, earner);
  seen.add(event.id);
  while (state.seen.length > SEEN_MAX) seen.delete(state.seen.shift()![0]);
  return true;
}

function mergeTraits(state: LeadState, event: ScoringEvent): void {
  if (!event.traits) return;
  const source: Earner = [event.id, event.ts];
  for (const [key, value] of Object.entries(event.traits)) {
    const previous = state.traitSrc[key];
    // A late identify must not overwrite a value set by a newer one.
    if (previous && compareEarners(source, previous) < 0) continue;
    state.traits[key] = value;
    state.traitSrc[key] = source;
  }
}

function addEarning(acc: RuleAccumulator, earner: Earner, halfLife: number): void {
  const ts = earner[1];
  if (acc.n === 0) {
    acc.u = 1;
    acc.t0 = ts;
  } else if (ts >= acc.t0) {
    acc.u = acc.u * decayFactor(ts - acc.t0, halfLife) + 1;
    acc.t0 = ts;
  } else {
    acc.u += decayFactor(acc.t0 - ts, halfLife);
  }
  acc.h = halfLife;
  acc.n += 1;
  insertSorted(acc.recent, earner);
  if (acc.recent.length > RECENT_MAX) acc.recent.shift();
}

function removeEarning(acc: RuleAccumulator, earner: Earner, halfLife: number): void {
  acc.n -= 1;
  acc.u = acc.n === 0 ? 0 : Math.max(0, acc.u - decayFactor(acc.t0 - earner[1], halfLife));
  acc.recent = acc.recent.filter(([id]) => id !== earner[0]);
}

/** The earner list a cap counts against for this event, or undefined when the event is past retention. */
function capList(acc: RuleAccumulator, rule: CompiledBehaviourRule, ts: number): Earner[] | undefined {
  const bucket = rule.cap!.bucket;
  if (!bucket) return (acc.earners ??= []);
  if (acc.n > 0 && ts < acc.t0 - PERIOD_CAP_RETENTION_MS) return undefined;
  const buckets = (acc.buckets ??= {});
  return (buckets[String(bucket(ts))] ??= []);
}

function pruneBuckets(acc: RuleAccumulator, rule: CompiledBehaviourRule): void {
  const bucket = rule.cap?.bucket;
  if (!bucket || !acc.buckets) return;
  const oldest = bucket(acc.t0 - PERIOD_CAP_RETENTION_MS);
  for (const key of Object.keys(acc.buckets)) if (Number(key) < oldest) delete acc.buckets[key];
}

/**
 * Whether the rule's cap (and spacing) lets it earn at `ts` as its latest earning. Absence rules ask
 * before counting a pending firing, so the curve never shows points that earning would refuse.
 */
export function capAllows(ms: ModelState, rule: CompiledBehaviourRule, ts: number): boolean {
  const acc = ms.rules[rule.id];
  if (!acc) return true;
  if (rule.spacing !== undefined && acc.recent.length && ts - acc.recent[acc.recent.length - 1]![1] < rule.spacing) return false;
  if (!rule.cap) return true;
  const bucket = rule.cap.bucket;
  const list = bucket ? acc.buckets?.[String(bucket(ts))] : acc.earners;
  return (list?.length ?? 0) < rule.cap.max || compareEarners(["", ts], list![list!.length - 1]!) < 0;
}

/** Earn a rule's points once more, within its cap. A cap keeps the earliest events (by ts, then id). */
function earn(ms: ModelState, rule: CompiledBehaviourRule, earner: Earner): void {
  const acc = (ms.rules[rule.id] ??= { n: 0, u: 0, t0: earner[1], h: rule.halfLife, recent: [] });
  // A visit-count rule without a cap earns once per window: "3 visits in 7 days" is one signal a week.
  if (rule.spacing !== undefined && acc.recent.length && Math.abs(earner[1] - acc.recent[acc.recent.length - 1]![1]) < rule.spacing) return;
  if (rule.cap) {
    const list = capList(acc, rule, earner[1]);
    if (!list) return;
    if (list.length >= rule.cap.max) {
      const latest = list[list.length - 1]!;
      if (compareEarners(earner, latest) > 0) return;
      // A late event earlier than the latest earner takes its place, as a replay in time order would.
      list.pop();
      removeEarning(acc, latest, rule.halfLife);
    }
    insertSorted(list, earner);
  }
  addEarning(acc, earner, rule.halfLife);
  pruneBuckets(acc, rule);
}

/** What a matching rule does: disqualify, lift the stage floor, earn its points. */
function matched(ms: ModelState, model: CompiledModel, rule: CompiledBehaviourRule, earner: Earner): void {
  if (rule.disqualify) markDisqualified(ms, rule.id, earner[1]);
  if (rule.setStage !== undefined) {
    const floor = ms.floor === undefined ? -1 : (model.stages.index.get(ms.floor) ?? -1);
    if (rule.setStage > floor) ms.floor = model.stages.list[rule.setStage]!.name;
  }
  earn(ms, rule, earner);
}

/** One event (real or a synthesised visit_start) through one model's event, combined and absence rules. */
function scoreEvent(ms: ModelState, model: CompiledModel, event: ScoringEvent, facts: EventFacts, synthetic: boolean): void {
  const earner: Earner = [event.id, event.ts];
  const rules = synthetic ? (model.byEvent.get(event.name) ?? []) : rulesForEvent(model, event.name);
  for (const rule of rules) if (rule.test(event, facts)) matched(ms, model, rule, earner);
  for (const combo of model.combined) if (completeCombined(ms, combo, event, facts, synthetic)) matched(ms, model, combo.rule, earner);
  noteActivity(ms, model, event);
}

function applyToModel(state: LeadState, model: CompiledModel, event: ScoringEvent, facts: EventFacts): void {
  const ms = (state.models[model.id] ??= emptyModelState());
  if (event.adjust) return recordAdjustment(ms, event);
  if (event.requalify) {
    ms.lifted = Math.max(ms.lifted ?? -Infinity, event.ts);
    return;
  }
  const visitStart = trackVisit(ms, model, event, facts);
  const withVisit: EventFacts = ms.visit ? { ...facts, visit: ms.visit } : facts;
  if (visitStart) scoreEvent(ms, model, visitStart, withVisit, true);
  scoreEvent(ms, model, event, withVisit, false);
  if (event.traits) {
    // Fit disqualifications stick once seen, even if the trait later changes (a competitor stays one).
    for (const rule of model.fit) {
      if (rule.disqualify && matches(rule.value(state.traits), rule.condition, event.ts)) {
        markDisqualified(ms, rule.id, event.ts);
      }
    }
  }
}

/** Fold one (new, deduplicated) event into the mutable state for every model of the config. */
export function foldEvent(state: LeadState, compiled: CompiledConfig, input: ScoringEvent): void {
  const event = withDownloadExt(input);
  mergeTraits(state, event);
  const facts = eventFacts(event);
  for (const model of compiled.models) applyToModel(state, model, event, facts);
}

/**
 * Write the absence firings due by `t` into the (mutable) state, every model: the points they earned
 * and that they fired for this quiet spell. The score does not change (the curve already counted them).
 */
export function fireDueAbsences(state: LeadState, compiled: CompiledConfig, t: number): void {
  for (const model of compiled.models) {
    if (!model.absence.length) continue;
    const ms = state.models[model.id];
    if (!ms) continue;
    for (const step of pendingSteps(model, ms, capAllows)) {
      if (step.at > t) break;
      const absence = model.absence.find((a) => a.rule.id === step.rule)!;
      matched(ms, model, absence.rule, [firingId(step.rule, step.at), step.at]);
      ms.idle![step.rule]![1] = step.at;
    }
  }
}
