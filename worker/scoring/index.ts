/**
 * Leadscore's scoring engine: pure functions of (state, events, config, time). No I/O, no clock, no
 * randomness, so the Durable Object, the simulate endpoint, replays and tests all score alike.
 */
export {
  scoringSchema,
  scoringObjectSchema,
  modelSchema,
  ruleSchema,
  behaviourRuleSchema,
  fitRuleSchema,
  conditionSchema,
  bandSchema,
  durationSchema,
  CHANNELS,
  CONTENT_STAGES,
  absenceRuleSchema,
  combinedRuleSchema,
  visitSettingsSchema,
} from "./schema";
export type {
  ScoringConfig,
  Model,
  Rule,
  BehaviourRule,
  FitRule,
  Band,
  Condition,
  ConditionObject,
  Channel,
  ContentStage,
  AbsenceRule,
  CombinedRule,
  CombinedStep,
  VisitSettings,
  VisitWhen,
  VisitCount,
} from "./schema";
export type {
  ScoringEvent,
  LeadState,
  ModelState,
  RuleAccumulator,
  LeadView,
  Change,
  Cause,
  Contribution,
  Explanation,
  NextBand,
  TimelineEntry,
  VisitState,
} from "./types";
export { VISIT_START } from "./visits";
export { newLeadState } from "./state";
export { applyEvents, advance, replay, type Step } from "./apply";
export { shapeAt, curveScore, bendingHalfLife, type CurveShape, type ShapedView } from "./curve-shape";
export { view } from "./view";
export { nextCrossing } from "./crossing";
export { diffViews } from "./changes";
export { explain, topContributions } from "./explain";
export { readLead, type LeadReading } from "./reading";
export { simulate } from "./simulate";
export { configIssues, scoringIssues, semanticIssues, salvageScoring, jsonPath, type ConfigIssue, type ConfigParts } from "./issues";
export { durationMs } from "./duration";
export { globWarnings, type GlobWarning } from "./glob-warnings";
export { deriveChannel } from "./channel";
export { matches } from "./condition";
