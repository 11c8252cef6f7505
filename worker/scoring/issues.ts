/**
 * Config problems as `{ path, message }` pairs with JSON paths ("$.models[0].rules[2].points"), for
 * the 422 answer: zod's structural issues and the semantic checks zod cannot express, together. A part
 * whose shape is wrong does not hide the semantic mistakes of the parts around it: every mistake is
 * reported in one answer.
 */
import type { z } from "zod";
import { issuesFromZod, jsonPath, type Issue, type PathPart } from "../http/issues";
import { conditionTestCount } from "./condition";
import { durationMs } from "./duration";
import { globProblem } from "./glob";
import {
  CONTENT_STAGES,
  modelSchema,
  ruleSchema,
  scoringSchema,
  type Band,
  type Condition,
  type Model,
  type Rule,
  type ScoringConfig,
} from "./schema";
import { timeRuleIssues, visitIssues } from "./issues-language";
import { outcomeIssues } from "./issues-outcomes";

export type ConfigIssue = Issue;
export { jsonPath, type PathPart };

/**
 * A model as far as it parsed: every field that is valid on its own, every rule that is (an invalid
 * one is undefined, so indexes stay the input's). A parsed Model is one too.
 */
export type ModelParts = Partial<Omit<Model, "rules">> & {
  rules: Array<Rule | undefined>;
  /** Keys given whose value is invalid: checks that need them are skipped, never guessed. */
  invalid?: ReadonlySet<string>;
  /** Every rule's id, invalid rules' included, so a duplicate id is found beside a shape mistake. */
  ruleIds?: Array<string | undefined>;
};

/** A scoring config as far as it parsed (see ModelParts). */
export interface ConfigParts {
  models: Array<ModelParts | undefined>;
}

/** Events that carry traits and never props: a props condition on them can never hold. */
const PROPLESS_EVENTS: ReadonlySet<string> = new Set(["identify", "group"]);

function bandIssues(bands: Band[] | undefined, key: string, base: PathPart[], hysteresis: number, eventOnlyAllowed: boolean): ConfigIssue[] {
  if (!bands) return [];
  const issues: ConfigIssue[] = [];
  const names = new Set<string>();
  let previousMin: number | undefined;
  bands.forEach((band, i) => {
    const path = [...base, key, i];
    if (names.has(band.name)) issues.push({ path: jsonPath([...path, "name"]), message: `duplicate ${key} name "${band.name}"` });
    names.add(band.name);
    if (i === 0) return;
    if (band.min === undefined) {
      if (!eventOnlyAllowed) issues.push({ path: jsonPath(path), message: `every ${key} band after the first needs a min` });
      return;
    }
    if (previousMin !== undefined) {
      if (band.min <= previousMin) {
        issues.push({ path: jsonPath([...path, "min"]), message: `${key} bands must ascend: ${band.min} is not above ${previousMin}` });
      } else if (hysteresis >= band.min - previousMin) {
        issues.push({
          path: jsonPath([...base, "hysteresis"]),
          message: `hysteresis ${hysteresis} must be smaller than the gap between ${key} lines ${previousMin} and ${band.min}`,
        });
      }
    }
    previousMin = band.min;
  });
  return issues;
}

function regexProblem(pattern: string, flags: string | undefined): string | undefined {
  try {
    new RegExp(pattern, flags);
    return undefined;
  } catch (err) {
    return `invalid regular expression: ${(err as Error).message}`;
  }
}

export function conditionIssues(cond: Condition, path: PathPart[]): ConfigIssue[] {
  if (cond === null || typeof cond !== "object" || Array.isArray(cond)) return [];
  const issues: ConfigIssue[] = [];
  if (conditionTestCount(cond) === 0) issues.push({ path: jsonPath(path), message: "the condition tests nothing" });
  if (cond.flags !== undefined && cond.pattern === undefined) issues.push({ path: jsonPath([...path, "flags"]), message: "flags need a pattern" });
  if (cond.pattern !== undefined) {
    const problem = regexProblem(cond.pattern, cond.flags);
    if (problem) issues.push({ path: jsonPath([...path, "pattern"]), message: problem });
  }
  if (cond.not !== undefined) issues.push(...conditionIssues(cond.not, [...path, "not"]));
  return issues;
}

export function globIssues(globs: string | string[] | undefined, path: PathPart[]): ConfigIssue[] {
  if (globs === undefined) return [];
  const list = typeof globs === "string" ? [globs] : globs;
  return list.flatMap((glob, i) => {
    const problem = globProblem(glob);
    return problem ? [{ path: jsonPath(typeof globs === "string" ? path : [...path, i]), message: problem }] : [];
  });
}

function audienceIssues(model: ModelParts, base: PathPart[]): ConfigIssue[] {
  if (!model.audience) return [];
  const clauses = Array.isArray(model.audience) ? model.audience : [model.audience];
  return clauses.flatMap((clause, i) => {
    const path = Array.isArray(model.audience) ? [...base, "audience", i] : [...base, "audience"];
    const issues = Object.entries(clause).flatMap(([trait, cond]) => conditionIssues(cond, [...path, trait]));
    if (!Object.keys(clause).length) issues.push({ path: jsonPath(path), message: "an audience needs at least one trait condition" });
    return issues;
  });
}

type Decay = Model["decay"];

/**
 * "0s" parses as a duration, and a half-life of 0 would silently mean "no decay": say how to write that.
 * `inherits` is true for a rule, whose omitted decay means the model's.
 */
function zeroDecayIssues(decay: Decay, path: PathPart[], inherits: boolean): ConfigIssue[] {
  if (decay === undefined || decay === false) return [];
  const halfLife = typeof decay === "object" ? decay.halfLife : decay;
  if (durationMs(halfLife) > 0) return [];
  const fix = inherits ? "write false for no decay on this rule, or omit decay to use the model's" : "omit decay (or write false) for no decay";
  return [{ path: jsonPath(typeof decay === "object" ? [...path, "halfLife"] : path), message: `a half-life of ${JSON.stringify(halfLife)} is no half-life: ${fix}` }];
}

function eventNames(event: string | string[]): string[] {
  return typeof event === "string" ? [event] : event;
}

function ruleIssues(model: ModelParts, base: PathPart[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = new Set<string>();
  const stageNames = new Set((model.stages ?? [{ name: "lead" }]).map((s) => s.name));
  model.rules.forEach((rule, i) => {
    const path = [...base, "rules", i];
    const id = rule?.id ?? model.ruleIds?.[i];
    if (id !== undefined && ids.has(id)) issues.push({ path: jsonPath([...path, "id"]), message: `duplicate rule id "${id}" in ${model.id ? `model "${model.id}"` : "this model"}` });
    if (id !== undefined) ids.add(id);
    if (!rule) return;
    if ("trait" in rule) {
      issues.push(...conditionIssues(rule.match, [...path, "match"]));
      return;
    }
    if (!("event" in rule)) {
      issues.push(...timeRuleIssues(rule, path, stageNames));
      return;
    }
    if (rule.setStage !== undefined && !model.invalid?.has("stages") && !stageNames.has(rule.setStage)) {
      issues.push({ path: jsonPath([...path, "setStage"]), message: `no stage named "${rule.setStage}" in this model` });
    }
    if (rule.when?.props && eventNames(rule.event).every((name) => PROPLESS_EVENTS.has(name))) {
      issues.push({
        path: jsonPath([...path, "when", "props"]),
        message: `"${eventNames(rule.event).join('", "')}" events carry traits, not props, so this condition never holds: score traits with a fit rule ({ "trait": …, "match": … })`,
      });
    }
    issues.push(...zeroDecayIssues(rule.decay, [...path, "decay"], true));
    issues.push(...globIssues(rule.when?.path, [...path, "when", "path"]));
    for (const [key, cond] of Object.entries(rule.when?.props ?? {})) issues.push(...conditionIssues(cond, [...path, "when", "props", key]));
    issues.push(...visitIssues(rule.when, [...path, "when"]));
  });
  return issues;
}

function modelIssues(model: ModelParts, index: number): ConfigIssue[] {
  const base: PathPart[] = ["models", index];
  const hysteresis = model.hysteresis ?? 0;
  const issues = [
    ...audienceIssues(model, base),
    ...ruleIssues(model, base),
    ...zeroDecayIssues(model.decay, [...base, "decay"], false),
    ...bandIssues(model.labels, "labels", base, hysteresis, false),
    ...bandIssues(model.stages, "stages", base, hysteresis, true),
    ...bandIssues(model.grades, "grades", base, 0, false),
    ...CONTENT_STAGES.flatMap((stage) => globIssues(model.contentStages?.[stage], [...base, "contentStages", stage])),
    ...outcomeIssues(model, base),
  ];
  if (model.combine === "separate" && !model.grades) {
    issues.push({ path: jsonPath([...base, "grades"]), message: 'combine "separate" reports fit as a grade: add grades' });
  }
  if (model.scale?.min !== undefined && model.scale.max !== undefined && model.scale.min >= model.scale.max) {
    issues.push({ path: jsonPath([...base, "scale"]), message: "scale.min must be below scale.max" });
  }
  return issues;
}

/**
 * Semantic problems of a config (parsed, or as far as it parsed): duplicate ids, band order,
 * hysteresis too wide, bad regexes and globs, unknown stages, unreachable models, a zero half-life,
 * props conditions on events that carry none.
 *
 * @example semanticIssues(parsed) // [{ path: "$.models[0].labels[2].min", message: "labels bands must ascend: ..." }]
 */
export function semanticIssues(config: ScoringConfig | ConfigParts): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = new Set<string>();
  let fallback: string | undefined;
  (config.models as Array<ModelParts | undefined>).forEach((model, i) => {
    if (!model) return;
    if (model.id !== undefined && ids.has(model.id)) issues.push({ path: jsonPath(["models", i, "id"]), message: `duplicate model id "${model.id}"` });
    if (model.id !== undefined) ids.add(model.id);
    if (fallback !== undefined) {
      issues.push({ path: jsonPath(["models", i]), message: `unreachable: model "${fallback}" before it has no audience and takes every lead` });
    }
    if (!model.audience && !model.invalid?.has("audience") && fallback === undefined) fallback = model.id ?? `#${i}`;
    issues.push(...modelIssues(model, i));
  });
  return issues;
}

type ModelKey = keyof typeof modelSchema.shape;

/**
 * The parts of a model that are valid on their own, for semantic checks of a config whose shape is
 * wrong somewhere else.
 *
 * @example salvageModel({ id: "m", rules: [{ id: "a", event: "x", points: "1" }], labels: [{ name: "cold" }] })
 * // { id: "m", rules: [undefined], labels: [{ name: "cold" }] }
 */
export function salvageModel(raw: unknown): ModelParts | undefined {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const record = raw as Record<string, unknown>;
  const parts: Record<string, unknown> = {};
  const invalid = new Set<string>();
  for (const key of Object.keys(modelSchema.shape) as ModelKey[]) {
    if (key === "rules" || record[key] === undefined) continue;
    const parsed = modelSchema.shape[key].safeParse(record[key]);
    if (parsed.success) parts[key] = parsed.data;
    else invalid.add(key);
  }
  const rawRules: unknown[] = Array.isArray(record.rules) ? record.rules : [];
  const rules = rawRules.map((rule) => ruleSchema.safeParse(rule).data);
  const ruleIds = rawRules.map((rule) => (rule !== null && typeof rule === "object" && typeof (rule as { id?: unknown }).id === "string" ? (rule as { id: string }).id : undefined));
  return { ...(parts as Partial<Model>), rules, invalid, ruleIds };
}

/**
 * The models of a config as far as they parse (see salvageModel).
 *
 * @example salvageScoring({ models: [{ id: "m", rules: [], labels: "cold" }] }).models[0]!.labels // undefined
 */
export function salvageScoring(input: unknown): ConfigParts {
  const models = input !== null && typeof input === "object" ? (input as { models?: unknown }).models : undefined;
  return { models: Array.isArray(models) ? models.map(salvageModel) : [] };
}

/**
 * Every problem of a scoring config from one parse's outcome: zod's issues and the semantic ones, the
 * latter from the parsed config or, when the shape is wrong somewhere, from every part that is right.
 *
 * @example scoringIssues(body, scoringSchema.safeParse(body))
 */
export function scoringIssues(input: unknown, result: z.ZodSafeParseResult<ScoringConfig>): ConfigIssue[] {
  if (result.success) return semanticIssues(result.data);
  return [...issuesFromZod(result.error, input), ...semanticIssues(salvageScoring(input))];
}

/**
 * Every problem of a candidate config, `[]` when it is valid. Paths are JSON paths into the input.
 *
 * @example configIssues({ models: [{ id: "m", rules: [], labels: [{ name: "cold" }, { name: "hot", min: "60" }] }] })
 * // [{ path: "$.models[0].labels[1].min", message: "Invalid input: expected number, received string" }]
 */
export function configIssues(input: unknown): ConfigIssue[] {
  return scoringIssues(input, scoringSchema.safeParse(input));
}
