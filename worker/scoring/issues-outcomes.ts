/**
 * Semantic checks of a model's `outcomes` (issues.ts calls them per model): stages that exist in the
 * model, trait conditions that compile, a horizon longer than nothing.
 */
import { durationMs } from "./duration";
import { conditionIssues, jsonPath, type ConfigIssue, type ModelParts, type PathPart } from "./issues";
import type { OutcomeTrigger } from "./schema-outcomes";

function triggerIssues(triggers: OutcomeTrigger[] | undefined, path: PathPart[], stageNames: Set<string> | null): ConfigIssue[] {
  return (triggers ?? []).flatMap((trigger, i) => {
    const at = [...path, i];
    if ("trait" in trigger) return conditionIssues(trigger.match, [...at, "match"]);
    if ("stage" in trigger && stageNames && !stageNames.has(trigger.stage)) {
      return [{ path: jsonPath([...at, "stage"]), message: `no stage named "${trigger.stage}" in this model` }];
    }
    return [];
  });
}

/**
 * Problems of a model's outcomes, `[]` when it has none.
 *
 * @example outcomeIssues({ rules: [], stages: [{ name: "lead" }], outcomes: { horizon: "30d", conversion: [{ stage: "customer" }] } }, ["models", 0])
 * // [{ path: "$.models[0].outcomes.conversion[0].stage", message: 'no stage named "customer" in this model' }]
 */
export function outcomeIssues(model: ModelParts, base: PathPart[]): ConfigIssue[] {
  const outcomes = model.outcomes;
  if (!outcomes) return [];
  const path = [...base, "outcomes"];
  // Stages that failed to parse are reported where they are; naming them unknown here would be a guess.
  const stageNames = model.invalid?.has("stages") ? null : new Set((model.stages ?? [{ name: "lead" }]).map((s) => s.name));
  const issues = [
    ...triggerIssues(outcomes.conversion, [...path, "conversion"], stageNames),
    ...triggerIssues(outcomes.loss, [...path, "loss"], stageNames),
  ];
  if (!(durationMs(outcomes.horizon) > 0)) issues.push({ path: jsonPath([...path, "horizon"]), message: `a horizon of ${JSON.stringify(outcomes.horizon)} is no time to convert in` });
  return issues;
}
