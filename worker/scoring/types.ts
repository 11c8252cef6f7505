/** The engine's public data types: events in, state kept, views and changes out. */

/** One thing a visitor did, as the engine sees it. Time is always ms since the epoch. */
export interface ScoringEvent {
  id: string;
  name: string;
  ts: number;
  /** Full URL; the path is derived from it when `path` is absent. */
  url?: string;
  path?: string;
  referrer?: string;
  props?: Record<string, string | number | boolean | null>;
  /** Present on identify events: merged into the lead's traits. */
  traits?: Record<string, unknown>;
  /** Explicit channel; otherwise derived from utm_medium or the referrer. */
  channel?: string;
  /**
   * An operator's adjustment ("+20, called us"): points with a reason, decaying with `halfLife` ms when
   * given and positive. Such an event matches no rule and is not visitor activity.
   */
  adjust?: { points: number; reason: string; halfLife?: number };
  /** An operator lifting the lead's disqualification, with a reason; matches no rule. */
  requalify?: { reason: string };
}

/** [event id, event ts] of an event that earned points. */
export type Earner = [id: string, ts: number];

/**
 * What one behaviour rule has earned. Decay is closed form: the decaying part is `u` units at `t0`
 * (worth `u * 2^-((t - t0) / h)` units at t); points are multiplied in on read, so editing a rule's
 * points takes effect at once.
 */
export interface RuleAccumulator {
  /** times earned (not decayed) */
  n: number;
  /** decayed units at t0 */
  u: number;
  /** anchor instant of u: the latest earning */
  t0: number;
  /** half-life (ms) u decays with; 0 = no decay */
  h: number;
  /** the last earners (at most 20), oldest first: for explanations */
  recent: Earner[];
  /** earners counted against an ever-cap ("once", { max }), oldest first */
  earners?: Earner[];
  /** earners per UTC bucket for a per-period cap, by bucket number */
  buckets?: Record<string, Earner[]>;
}

/** The visit a lead is in, as one model cuts visits (its timeout), and the recent visit starts. */
export interface VisitState {
  /** visits started so far (the current one included) */
  n: number;
  /** instant the current visit started */
  start: number;
  /** instant of the visit's latest event */
  last: number;
  /** the campaign the visit came from ("" when it came with none: direct) */
  key: string;
  /** path of the visit's first page */
  landing?: string;
  channel: string;
  /** start instants of recent visits, oldest first: as far back as the model's visit-count windows reach */
  starts: number[];
}

/** Per-model state: every model's accumulators are kept current so switching model is instant. */
export interface ModelState {
  /** label band as of the state's clock (score-driven, hysteresis applied) */
  label: string;
  /** score-driven stage as of the state's clock */
  stage: string;
  /** highest stage reached by a `setStage` rule: the stage never falls below it */
  floor?: string;
  /** disqualifying rule id -> instant it disqualified: sticks while the config still disqualifies by it */
  dq: Record<string, number>;
  rules: Record<string, RuleAccumulator>;
  visit?: VisitState;
  /** per absence rule: [instant of the latest activity, instant the rule fired for this quiet spell, or 0] */
  idle?: Record<string, [last: number, firedAt: number]>;
  /** per combined rule, per step: the instant it last happened (unordered) or its chain began (in order); null: not yet */
  combos?: Record<string, Array<number | null>>;
  /** the instant of the latest requalify: disqualifications from before it no longer count */
  lifted?: number;
  /** operator adjustments, oldest first: [event id, ts, points, half-life ms (0: none), reason] */
  adjust?: Array<[id: string, ts: number, points: number, halfLife: number, reason: string]>;
}

/** A lead's scoring state: a JSON-serialisable plain object. */
export interface LeadState {
  v: 1;
  /** the instant bands were last settled (latest event or advance) */
  clock: number;
  traits: Record<string, unknown>;
  /** per trait, the [ts, event id] that set it: a late identify never overwrites a newer value */
  traitSrc: Record<string, Earner>;
  /** recent event ids with their ts, oldest first (dedupe window) */
  seen: Earner[];
  models: Record<string, ModelState>;
}

export interface LeadView {
  score: number;
  label: string;
  stage: string;
  grade?: string;
  disqualified: boolean;
  disqualifiedBy?: string[];
  model: string;
  fitScore: number;
  behaviourScore: number;
  traits: Record<string, unknown>;
  /** position of the label in the model's bands (-1 when disqualified): orders label changes */
  labelRank: number;
  /** position of the stage in the model's stages (-1 when disqualified) */
  stageRank: number;
  /** position of the grade in the model's grades, when it has grades */
  gradeRank?: number;
}

/**
 * Why a change happened: an event; decay; an absence rule firing (`rule`) with no event; time alone
 * turning a relative trait condition (`within`, `olderThan`) true or false; a merge; a config change.
 */
export type Cause =
  | { kind: "event"; eventId: string; name: string }
  | { kind: "decay" }
  | { kind: "absence"; rule: string }
  | { kind: "time" }
  | { kind: "merge" }
  | { kind: "config" };

export type Change =
  | {
      type: "lead.label_changed" | "lead.stage_changed" | "lead.grade_changed";
      from: string;
      to: string;
      direction: "up" | "down";
      at: number;
      score: number;
      cause: Cause;
    }
  | { type: "lead.disqualified"; from: string; to: string; at: number; score: number; cause: Cause; rules: string[] };

export interface Contribution {
  /** the rule's id; "adjust" for an operator adjustment */
  rule: string;
  kind: "behaviour" | "fit" | "operator";
  /** an operator adjustment's reason */
  reason?: string;
  /** points now, after decay */
  points: number;
  /** points before decay */
  rawPoints: number;
  count: number;
  /** ids of the events that earned it, most recent last, at most 20 */
  events: string[];
}

export interface NextBand {
  name: string;
  min: number;
  pointsNeeded: number;
}

export interface Explanation {
  score: number;
  label: string;
  stage: string;
  grade?: string;
  model: string;
  disqualified: boolean;
  disqualifiedBy?: string[];
  fitScore: number;
  behaviourScore: number;
  contributions: Contribution[];
  nextLabel?: NextBand;
  nextStage?: NextBand;
  /** the line the score must fall below to leave the current label (hysteresis included) */
  lowerLine?: { name: string; to: string; at: number; crossesAt: number | null };
  /**
   * Present when the model's scale clamps the score: the score before clamping and the points the clamp
   * hides (unclamped - score), e.g. -15 + 5 + 5 on a 0-100 scale shows 0 with `unclamped: -5, hidden: -5`.
   */
  scale?: { min?: number; max?: number; unclamped: number; hidden: number };
}

export interface TimelineEntry {
  at: number;
  eventId?: string;
  name?: string;
  score: number;
  label: string;
  stage: string;
  changes: Change[];
}
