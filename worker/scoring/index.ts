/**
 * Leadscore's scoring engine: pure functions of (state, events, config, time). No I/O, no clock, no
 * randomness, so the Durable Object, the simulate endpoint, replays and tests all score alike.
 */
export { scoringSchema, scoringObjectSchema } from "./schema";
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
} from "./types";
export { newLeadState } from "./state";
export { applyEvents, advance, replay } from "./apply";
export { view } from "./view";
export { nextCrossing } from "./crossing";
export { diffViews } from "./changes";
export { explain, topContributions } from "./explain";
export { readLead, type LeadReading } from "./reading";
export { simulate } from "./simulate";
export { configIssues, semanticIssues, zodIssues, jsonPath, type ConfigIssue } from "./issues";
export { durationMs } from "./duration";
export { deriveChannel } from "./channel";
export { matches } from "./condition";
