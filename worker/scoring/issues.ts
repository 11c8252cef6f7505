/**
 * Config problems as `{ path, message }` pairs with JSON paths ("$.models[0].rules[2].points"), for
 * the 422 answer: zod's structural issues first, then the semantic checks zod cannot express.
 */
import type { z } from "zod";
import { ruleKind } from "./compile";
import { conditionTestCount } from "./condition";
import { globProblem } from "./glob";
import {
  CONTENT_STAGES,
  scoringSchema,
  type Band,
  type Condition,
  type Model,
  type Rule,
  type ScoringConfig,
} from "./schema";
import { timeRuleIssues, visitIssues } from "./issues-language";

const RULE_BRANCHES = ["behaviour", "fit", "absence", "combined"] as const;

export interface ConfigIssue {
  path: string;
  message: string;
}

export type PathPart = string | number;

/**
 * A JSON path from path segments.
 *
 * @example jsonPath(["models", 0, "rules", 2, "points"]) // "$.models[0].rules[2].points"
 */
export function jsonPath(parts: readonly PathPart[]): string {
  return parts.reduce<string>((acc, part) => {
    if (typeof part === "number") return `${acc}[${part}]`;
    return /^[A-Za-z_$][\w$]*$/.test(part) ? `${acc}.${part}` : `${acc}[${JSON.stringify(part)}]`;
  }, "$");
}

function valueAt(root: unknown, parts: readonly PathPart[]): unknown {
  let cur = root;
  for (const part of parts) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PathPart, unknown>)[part];
  }
  return cur;
}

type ZodIssue = z.core.$ZodIssue;

function isRootTypeMismatch(issues: ZodIssue[]): boolean {
  return issues.some((i) => i.path.length === 0 && (i.code === "invalid_type" || i.code === "invalid_value" || i.code === "invalid_union"));
}

/**
 * Pick the union branch the author meant: for rules, the one their keys name (`trait` = fit rule);
 * otherwise the branch whose type matched, with the fewest problems.
 */
function chooseBranch(issue: Extract<ZodIssue, { code: "invalid_union" }>, value: unknown, path: PathPart[]): ZodIssue[] | undefined {
  const branches = issue.errors;
  const inRules = path.length >= 2 && path[path.length - 2] === "rules" && value !== null && typeof value === "object";
  // Branch order is ruleSchema's: behaviour, fit, absence, combined; the key only that kind has names it.
  if (inRules && branches.length === RULE_BRANCHES.length) return branches[RULE_BRANCHES.indexOf(ruleKind(value as Rule))];
  const matched = branches.filter((b) => !isRootTypeMismatch(b));
  if (!matched.length) return undefined;
  return matched.reduce((best, b) => (b.length < best.length ? b : best));
}

function flatten(issues: readonly ZodIssue[], root: unknown, base: PathPart[], out: ConfigIssue[]): void {
  for (const issue of issues) {
    const path = [...base, ...(issue.path as PathPart[])];
    if (issue.code === "invalid_union" && issue.errors.length) {
      const branch = chooseBranch(issue, valueAt(root, path), path);
      if (branch) {
        flatten(branch, root, path, out);
        continue;
      }
      if (valueAt(root, path) === undefined) {
        out.push({ path: jsonPath(path), message: "required" });
        continue;
      }
      const expected = [...new Set(issue.errors.flatMap((b) => b.filter((i) => i.path.length === 0).map((i) => i.message)))];
      out.push({ path: jsonPath(path), message: `none of the allowed forms fits: ${expected.join("; ")}` });
      continue;
    }
    out.push({ path: jsonPath(path), message: issue.message });
  }
}

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

function audienceIssues(model: Model, base: PathPart[]): ConfigIssue[] {
  if (!model.audience) return [];
  const clauses = Array.isArray(model.audience) ? model.audience : [model.audience];
  return clauses.flatMap((clause, i) => {
    const path = Array.isArray(model.audience) ? [...base, "audience", i] : [...base, "audience"];
    const issues = Object.entries(clause).flatMap(([trait, cond]) => conditionIssues(cond, [...path, trait]));
    if (!Object.keys(clause).length) issues.push({ path: jsonPath(path), message: "an audience needs at least one trait condition" });
    return issues;
  });
}

function ruleIssues(model: Model, base: PathPart[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = new Set<string>();
  const stageNames = new Set((model.stages ?? [{ name: "lead" }]).map((s) => s.name));
  model.rules.forEach((rule, i) => {
    const path = [...base, "rules", i];
    if (ids.has(rule.id)) issues.push({ path: jsonPath([...path, "id"]), message: `duplicate rule id "${rule.id}" in model "${model.id}"` });
    ids.add(rule.id);
    if ("trait" in rule) {
      issues.push(...conditionIssues(rule.match, [...path, "match"]));
      return;
    }
    if (!("event" in rule)) {
      issues.push(...timeRuleIssues(rule, path, stageNames));
      return;
    }
    if (rule.setStage !== undefined && !stageNames.has(rule.setStage)) {
      issues.push({ path: jsonPath([...path, "setStage"]), message: `no stage named "${rule.setStage}" in this model` });
    }
    issues.push(...globIssues(rule.when?.path, [...path, "when", "path"]));
    for (const [key, cond] of Object.entries(rule.when?.props ?? {})) issues.push(...conditionIssues(cond, [...path, "when", "props", key]));
    issues.push(...visitIssues(rule.when, [...path, "when"]));
  });
  return issues;
}

function modelIssues(model: Model, index: number): ConfigIssue[] {
  const base: PathPart[] = ["models", index];
  const hysteresis = model.hysteresis ?? 0;
  const issues = [
    ...audienceIssues(model, base),
    ...ruleIssues(model, base),
    ...bandIssues(model.labels, "labels", base, hysteresis, false),
    ...bandIssues(model.stages, "stages", base, hysteresis, true),
    ...bandIssues(model.grades, "grades", base, 0, false),
    ...CONTENT_STAGES.flatMap((stage) => globIssues(model.contentStages?.[stage], [...base, "contentStages", stage])),
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
 * Semantic problems of a structurally valid config: duplicate ids, band order, hysteresis too wide,
 * bad regexes and globs, unknown stages, unreachable models.
 *
 * @example semanticIssues(parsed) // [{ path: "$.models[0].labels[2].min", message: "labels bands must ascend: ..." }]
 */
export function semanticIssues(config: ScoringConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const ids = new Set<string>();
  let fallback: string | undefined;
  config.models.forEach((model, i) => {
    if (ids.has(model.id)) issues.push({ path: jsonPath(["models", i, "id"]), message: `duplicate model id "${model.id}"` });
    ids.add(model.id);
    if (fallback !== undefined) {
      issues.push({ path: jsonPath(["models", i]), message: `unreachable: model "${fallback}" before it has no audience and takes every lead` });
    }
    if (!model.audience && fallback === undefined) fallback = model.id;
    issues.push(...modelIssues(model, i));
  });
  return issues;
}

/**
 * Every problem of a candidate config, `[]` when it is valid. Paths are JSON paths into the input.
 *
 * @example configIssues({ models: [{ id: "m", rules: [], labels: [{ name: "cold" }, { name: "hot", min: "60" }] }] })
 * // [{ path: "$.models[0].labels[1].min", message: "Invalid input: expected number, received string" }]
 */
export function configIssues(input: unknown): ConfigIssue[] {
  const parsed = scoringSchema.safeParse(input);
  if (!parsed.success) return zodIssues(parsed.error, input);
  return semanticIssues(parsed.data);
}

/**
 * A zod error as JSON-path issues, unions resolved to the branch the author meant (so a rule with a
 * typo says which key is wrong, not "invalid input"). For schemas extending scoringObjectSchema too.
 *
 * @example zodIssues(siteConfigSchema.safeParse(body).error!, body)
 */
export function zodIssues(error: z.ZodError, input: unknown): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  flatten(error.issues, input, [], out);
  return out;
}
