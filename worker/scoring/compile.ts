/**
 * A config compiled once for scoring: globs and regexes built, durations parsed, defaults applied,
 * rules indexed by event name. Cached per config object (WeakMap) so scoring an event recompiles nothing.
 */
import { matches } from "./condition";
import { durationMs } from "./duration";
import type { EventFacts } from "./event-facts";
import type { AbsenceRule, Band, BehaviourRule, CombinedRule, Condition, FitRule, Model, Rule, ScoringConfig, When } from "./schema";
import type { ScoringEvent } from "./types";
import { compileContentStages, compileWhen } from "./when";

export const DEFAULT_DISQUALIFIED_LABEL = "disqualified";
export const DEFAULT_STAGES: Band[] = [{ name: "lead" }];
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;
/** Inactivity that ends a visit unless the model says otherwise, as analytics tools count sessions. */
export const DEFAULT_VISIT_TIMEOUT_MS = 30 * 60_000;

/** UTC bucket number of an instant, per cap period. Weeks start on Monday (1970-01-01 was a Thursday). */
export const BUCKET_OF: Record<"hour" | "day" | "week", (ts: number) => number> = {
  hour: (ts) => Math.floor(ts / HOUR_MS),
  day: (ts) => Math.floor(ts / DAY_MS),
  week: (ts) => Math.floor((ts + 3 * DAY_MS) / WEEK_MS),
};

export interface CompiledBand {
  name: string;
  /** the score line to enter the band; -Infinity for the lowest band; NaN for stages reached only by events */
  min: number;
}

export interface CompiledBands {
  list: CompiledBand[];
  index: Map<string, number>;
}

export interface CompiledCap {
  max: number;
  bucket?: (ts: number) => number;
}

export interface CompiledBehaviourRule {
  kind: "behaviour";
  id: string;
  points: number;
  /** half-life in ms of this rule's points; 0 when they do not decay (negative points never do) */
  halfLife: number;
  cap?: CompiledCap;
  disqualify: boolean;
  setStage?: number;
  /** least ms between two earnings: a visit-count rule earns once per window unless it has a cap */
  spacing?: number;
  test: (event: ScoringEvent, facts: EventFacts) => boolean;
}

/** An absence rule: its scoring part, and when it fires. */
export interface CompiledAbsenceRule {
  rule: CompiledBehaviourRule;
  after: number;
  /** the event names that count as activity; undefined: every event */
  events?: Set<string>;
  visits?: Condition;
}

/** A combined rule: its scoring part, and the steps that must all happen within `within` ms. */
export interface CompiledCombinedRule {
  rule: CompiledBehaviourRule;
  steps: Array<{ names: Set<string> | "*"; test: (event: ScoringEvent, facts: EventFacts) => boolean }>;
  inOrder: boolean;
  within: number;
}

export interface CompiledFitRule {
  kind: "fit";
  id: string;
  /** the trait's name as the rule gives it ("address.city") */
  trait: string;
  points: number;
  disqualify: boolean;
  value: (traits: Record<string, unknown>) => unknown;
  condition: Condition;
}

export interface CompiledModel {
  id: string;
  source: Model;
  audience?: (traits: Record<string, unknown>, now: number) => boolean;
  combine: "sum" | "separate";
  scaleMin: number;
  scaleMax: number;
  /** every rule that earns points from events or time: behaviour, absence and combined rules */
  behaviour: CompiledBehaviourRule[];
  absence: CompiledAbsenceRule[];
  combined: CompiledCombinedRule[];
  visits: { timeout: number; newOnCampaign: boolean; keep: number };
  audienceClauses: Array<Array<[string, Condition]>>;
  /** whether a fit rule or an audience tests a date relative to now (relative.ts) */
  relative: boolean;
  byEvent: Map<string, CompiledBehaviourRule[]>;
  anyEvent: CompiledBehaviourRule[];
  fit: CompiledFitRule[];
  ruleIds: Map<string, CompiledBehaviourRule | CompiledFitRule>;
  labels: CompiledBands;
  stages: CompiledBands;
  grades?: CompiledBands;
  hysteresis: number;
  disqualifiedLabel: string;
}

export interface CompiledConfig {
  models: CompiledModel[];
  byId: Map<string, CompiledModel>;
}

const COMPILED = new WeakMap<ScoringConfig, CompiledConfig>();
/**
 * Configs that cross an RPC boundary (Durable Object calls) arrive as new objects with the same content
 * on every request, so identity alone would recompile each time: fall back to the models' JSON text.
 */
const COMPILED_BY_TEXT = new Map<string, CompiledConfig>();
const COMPILED_BY_TEXT_MAX = 32;

/** A trait by name; a dotted name reaches into nested objects when no flat key has that name. */
export function traitValue(traits: Record<string, unknown>, path: string): unknown {
  if (path in traits) return traits[path];
  let cur: unknown = traits;
  for (const part of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function halfLifeOf(decay: Model["decay"] | BehaviourRule["decay"]): number {
  if (decay === undefined || decay === false) return 0;
  return durationMs(typeof decay === "object" ? decay.halfLife : decay);
}

function compileBands(bands: Band[], eventOnlyAllowed: boolean): CompiledBands {
  const list = bands.map((b, i) => ({
    name: b.name,
    // The lowest band catches every score below the next one, whatever min it states.
    min: i === 0 ? -Infinity : (b.min ?? (eventOnlyAllowed ? NaN : Infinity)),
  }));
  return { list, index: new Map(list.map((b, i) => [b.name, i])) };
}

function isFitRule(rule: Rule): rule is FitRule {
  return "trait" in rule;
}

/** Which kind of rule a config entry is, by the key only that kind has. */
export function ruleKind(rule: Rule): "fit" | "absence" | "combined" | "behaviour" {
  return "trait" in rule ? "fit" : "absence" in rule ? "absence" : "all" in rule ? "combined" : "behaviour";
}

function audienceClauses(audience: Model["audience"]): Array<Array<[string, Condition]>> {
  if (audience === undefined) return [];
  return (Array.isArray(audience) ? audience : [audience]).map((clause) => Object.entries(clause));
}

function compileAudience(clauses: Array<Array<[string, Condition]>>): CompiledModel["audience"] {
  if (!clauses.length) return undefined;
  return (traits, now) => clauses.some((entries) => entries.every(([trait, cond]) => matches(traitValue(traits, trait), cond, now)));
}

/** Whether a condition tests a date relative to now anywhere inside it. */
export function isRelative(cond: Condition): boolean {
  if (cond === null || typeof cond !== "object" || Array.isArray(cond)) return false;
  return cond.within !== undefined || cond.olderThan !== undefined || (cond.not !== undefined && isRelative(cond.not));
}

function compileCap(cap: BehaviourRule["cap"]): CompiledCap | undefined {
  if (cap === undefined) return undefined;
  return cap === "once" ? { max: 1 } : { max: cap.max, ...(cap.per ? { bucket: BUCKET_OF[cap.per] } : {}) };
}

function names(event: string | string[]): Set<string> | "*" {
  const list = typeof event === "string" ? [event] : event;
  return list.includes("*") ? "*" : new Set(list);
}

/** The longest `when.visits.within` of a list of `when`s: how long visit starts must be remembered. */
function visitWindow(whens: Array<When | undefined>): number {
  return Math.max(0, ...whens.map((w) => (w?.visits ? durationMs(w.visits.within) : 0)));
}

function compileModel(model: Model): CompiledModel {
  const modelHalfLife = halfLifeOf(model.decay);
  const stages = compileBands(model.stages ?? DEFAULT_STAGES, true);
  const stageOf = compileContentStages(model);
  const behaviour: CompiledBehaviourRule[] = [];
  const absence: CompiledAbsenceRule[] = [];
  const combined: CompiledCombinedRule[] = [];
  const fit: CompiledFitRule[] = [];
  const whens: Array<When | undefined> = [];
  const scoring = (rule: BehaviourRule | AbsenceRule | CombinedRule, when: When | undefined): CompiledBehaviourRule => {
    const points = rule.points ?? 0;
    const decay = "decay" in rule ? rule.decay : undefined;
    const setStage = "setStage" in rule && rule.setStage !== undefined ? stages.index.get(rule.setStage) : undefined;
    const cap = compileCap(rule.cap);
    const compiled: CompiledBehaviourRule = {
      kind: "behaviour",
      id: rule.id,
      points,
      // Negative points never decay: decay must never raise a score (docs/CONFIG.md, "Negative points").
      halfLife: points > 0 ? (decay === undefined ? modelHalfLife : halfLifeOf(decay)) : 0,
      ...(cap ? { cap } : {}),
      disqualify: ("disqualify" in rule && rule.disqualify) || false,
      ...(setStage !== undefined ? { setStage } : {}),
      ...(when?.visits && !cap ? { spacing: durationMs(when.visits.within) } : {}),
      test: compileWhen(when, stageOf),
    };
    behaviour.push(compiled);
    return compiled;
  };
  for (const rule of model.rules) {
    const kind = ruleKind(rule);
    if (kind === "fit") {
      const r = rule as FitRule;
      fit.push({ kind: "fit", id: r.id, trait: r.trait, points: r.points ?? 0, disqualify: r.disqualify ?? false, value: (t) => traitValue(t, r.trait), condition: r.match });
    } else if (kind === "absence") {
      const r = rule as AbsenceRule;
      absence.push({
        rule: scoring(r, undefined),
        after: durationMs(r.absence.after),
        ...(r.absence.events && names(r.absence.events) !== "*" ? { events: names(r.absence.events) as Set<string> } : {}),
        ...(r.absence.visits !== undefined ? { visits: r.absence.visits } : {}),
      });
    } else if (kind === "combined") {
      const r = rule as CombinedRule;
      whens.push(...r.all.map((step) => step.when));
      combined.push({
        rule: scoring(r, undefined),
        steps: r.all.map((step) => ({ names: names(step.event), test: compileWhen(step.when, stageOf) })),
        inOrder: r.inOrder ?? false,
        within: durationMs(r.within),
      });
    } else {
      whens.push((rule as BehaviourRule).when);
      scoring(rule as BehaviourRule, (rule as BehaviourRule).when);
    }
  }
  const byEvent = new Map<string, CompiledBehaviourRule[]>();
  const anyEvent: CompiledBehaviourRule[] = [];
  model.rules.forEach((rule) => {
    if (ruleKind(rule) !== "behaviour") return;
    const compiled = behaviour.find((b) => b.id === rule.id)!;
    for (const name of typeof (rule as BehaviourRule).event === "string" ? [(rule as BehaviourRule).event as string] : ((rule as BehaviourRule).event as string[])) {
      if (name === "*") anyEvent.push(compiled);
      else byEvent.set(name, [...(byEvent.get(name) ?? []), compiled]);
    }
  });
  const clauses = audienceClauses(model.audience);
  const audience = compileAudience(clauses);
  return {
    id: model.id,
    source: model,
    ...(audience ? { audience } : {}),
    combine: model.combine ?? "sum",
    scaleMin: model.scale?.min ?? -Infinity,
    scaleMax: model.scale?.max ?? Infinity,
    behaviour,
    absence,
    combined,
    visits: {
      timeout: model.visits?.timeout !== undefined ? durationMs(model.visits.timeout) : DEFAULT_VISIT_TIMEOUT_MS,
      newOnCampaign: model.visits?.newOnCampaign ?? true,
      keep: visitWindow(whens),
    },
    audienceClauses: clauses,
    relative: fit.some((r) => isRelative(r.condition)) || clauses.some((c) => c.some(([, cond]) => isRelative(cond))),
    byEvent,
    anyEvent,
    fit,
    ruleIds: new Map<string, CompiledBehaviourRule | CompiledFitRule>([...behaviour, ...fit].map((r) => [r.id, r])),
    labels: compileBands(model.labels, false),
    stages,
    ...(model.grades ? { grades: compileBands(model.grades, false) } : {}),
    hysteresis: model.hysteresis ?? 0,
    disqualifiedLabel: model.disqualifiedLabel ?? DEFAULT_DISQUALIFIED_LABEL,
  };
}

/**
 * The compiled form of a (valid) config, built once per config object.
 *
 * @example compile(config).models[0].labels.list // [{ name: "cold", min: -Infinity }, ...]
 */
export function compile(config: ScoringConfig): CompiledConfig {
  let compiled = COMPILED.get(config);
  if (compiled) return compiled;
  const text = JSON.stringify(config.models);
  compiled = COMPILED_BY_TEXT.get(text);
  if (!compiled) {
    const models = config.models.map(compileModel);
    compiled = { models, byId: new Map(models.map((m) => [m.id, m])) };
    // Oldest first out: a Map iterates in insertion order.
    if (COMPILED_BY_TEXT.size >= COMPILED_BY_TEXT_MAX) COMPILED_BY_TEXT.delete(COMPILED_BY_TEXT.keys().next().value!);
    COMPILED_BY_TEXT.set(text, compiled);
  }
  COMPILED.set(config, compiled);
  return compiled;
}

/** The rules an event name can trigger in a model, in config order. */
export function rulesForEvent(model: CompiledModel, name: string): CompiledBehaviourRule[] {
  const named = model.byEvent.get(name);
  if (!model.anyEvent.length) return named ?? [];
  if (!named) return model.anyEvent;
  const ids = new Set([...named, ...model.anyEvent].map((r) => r.id));
  return model.behaviour.filter((r) => ids.has(r.id));
}

/** The first model whose audience matches the traits at `now`; a model without audience matches everyone. */
export function activeModel(compiled: CompiledConfig, traits: Record<string, unknown>, now: number): CompiledModel {
  return compiled.models.find((m) => !m.audience || m.audience(traits, now)) ?? compiled.models[0]!;
}
