/**
 * Semantic checks for the visit, absence and combined parts of the config language (issues.ts calls
 * them for each rule): globs and conditions inside them, visit counts that count something, stages
 * that exist.
 */
import { conditionIssues, globIssues, jsonPath, type ConfigIssue, type PathPart } from "./issues";
import type { AbsenceRule, CombinedRule, When } from "./schema";

/** Problems of a `when`'s visit conditions (`visit`, `visits`). */
export function visitIssues(when: When | undefined, path: PathPart[]): ConfigIssue[] {
  if (!when) return [];
  const issues = globIssues(when.visit?.landing, [...path, "visit", "landing"]);
  if (when.visit?.number !== undefined) issues.push(...conditionIssues(when.visit.number, [...path, "visit", "number"]));
  const count = when.visits;
  if (count && count.atLeast === undefined && count.atMost === undefined) issues.push({ path: jsonPath([...path, "visits"]), message: "visits needs atLeast or atMost" });
  if (count?.atLeast !== undefined && count.atMost !== undefined && count.atLeast > count.atMost) {
    issues.push({ path: jsonPath([...path, "visits"]), message: `visits.atLeast ${count.atLeast} is above atMost ${count.atMost}` });
  }
  return issues;
}

/** Problems of an absence or combined rule. */
export function timeRuleIssues(rule: AbsenceRule | CombinedRule, path: PathPart[], stageNames: Set<string>): ConfigIssue[] {
  if ("absence" in rule) return rule.absence.visits !== undefined ? conditionIssues(rule.absence.visits, [...path, "absence", "visits"]) : [];
  const issues: ConfigIssue[] = [];
  if (rule.setStage !== undefined && !stageNames.has(rule.setStage)) {
    issues.push({ path: jsonPath([...path, "setStage"]), message: `no stage named "${rule.setStage}" in this model` });
  }
  rule.all.forEach((step, j) => {
    const at = [...path, "all", j, "when"];
    issues.push(...globIssues(step.when?.path, [...at, "path"]));
    for (const [key, cond] of Object.entries(step.when?.props ?? {})) issues.push(...conditionIssues(cond, [...at, "props", key]));
    issues.push(...visitIssues(step.when, at));
  });
  return issues;
}
