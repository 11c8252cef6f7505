/**
 * A config compiled once for scoring: globs and regexes built, durations parsed, defaults applied,
 * rules indexed by event name. Cached per config object (WeakMap) so scoring an event recompiles nothing.
 */
import { matches } from "./condition";
import { durationMs } from "./duration";
import type { EventFacts } from "./event-facts";
import type { Band, BehaviourRule, Condition, FitRule, Model, Rule, ScoringConfig } from "./schema";
import type { ScoringEvent } from "./types";
import { compileContentStages, compileWhen } from "./when";

export const DEFAULT_DISQUALIFIED_LABEL = "disqualified";
export const DEFAULT_STAGES: Band[] = [{ name: "lead" }];
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const WEEK_MS = 7 * DAY_MS;

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
  test: (event: ScoringEvent, facts: EventFacts) => boolean;
}

export interface CompiledFitRule {
  kind: "fit";
  id: string;
  points: number;
  disqualify: boolean;
  value: (traits: Record<string, unknown>) => unknown;
  condition: Condition;
}

export interface CompiledModel {
  id: string;
  source: Model;
  audience?: (traits: Record<string, unknown>) => boolean;
  combine: "sum" | "separate";
  scaleMin: number;
  scaleMax: number;
  behaviour: CompiledBehaviourRule[];
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

function compileAudience(audience: Model["audience"]): CompiledModel["audience"] {
  if (audience === undefined) return undefined;
  const clauses = (Array.isArray(audience) ? audience : [audience]).map((clause) => Object.entries(clause));
  return (traits) => clauses.some((entries) => entries.every(([trait, cond]) => matches(traitValue(traits, trait), cond)));
}

function compileModel(model: Model): CompiledModel {
  const modelHalfLife = halfLifeOf(model.decay);
  const stages = compileBands(model.stages ?? DEFAULT_STAGES, true);
  const stageOf = compileContentStages(model);
  const behaviour: CompiledBehaviourRule[] = [];
  const fit: CompiledFitRule[] = [];
  for (const rule of model.rules) {
    const points = rule.points ?? 0;
    if (isFitRule(rule)) {
      const trait = rule.trait;
      fit.push({ kind: "fit", id: rule.id, points, disqualify: rule.disqualify ?? false, value: (t) => traitValue(t, trait), condition: rule.match });
      continue;
    }
    const cap = rule.cap === undefined ? undefined : rule.cap === "once" ? { max: 1 } : { max: rule.cap.max, ...(rule.cap.per ? { bucket: BUCKET_OF[rule.cap.per] } : {}) };
    const setStage = rule.setStage === undefined ? undefined : stages.index.get(rule.setStage);
    behaviour.push({
      kind: "behaviour",
      id: rule.id,
      points,
      // Negative points never decay: decay must never raise a score (docs/CONFIG.md, "Negative points").
      halfLife: points > 0 ? (rule.decay === undefined ? modelHalfLife : halfLifeOf(rule.decay)) : 0,
      ...(cap ? { cap } : {}),
      disqualify: rule.disqualify ?? false,
      ...(setStage !== undefined ? { setStage } : {}),
      test: compileWhen(rule.when, stageOf),
    });
  }
  const byEvent = new Map<string, CompiledBehaviourRule[]>();
  const anyEvent: CompiledBehaviourRule[] = [];
  model.rules.forEach((rule) => {
    if (isFitRule(rule)) return;
    const compiled = behaviour.find((b) => b.id === rule.id)!;
    for (const name of typeof rule.event === "string" ? [rule.event] : rule.event) {
      if (name === "*") anyEvent.push(compiled);
      else byEvent.set(name, [...(byEvent.get(name) ?? []), compiled]);
    }
  });
  const audience = compileAudience(model.audience);
  return {
    id: model.id,
    source: model,
    ...(audience ? { audience } : {}),
    combine: model.combine ?? "sum",
    scaleMin: model.scale?.min ?? -Infinity,
    scaleMax: model.scale?.max ?? Infinity,
    behaviour,
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

/** The first model whose audience matches the traits; a model without audience matches everyone. */
export function activeModel(compiled: CompiledConfig, traits: Record<string, unknown>): CompiledModel {
  return compiled.models.find((m) => !m.audience || m.audience(traits)) ?? compiled.models[0]!;
}
