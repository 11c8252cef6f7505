/**
 * A lead's score history, recorded as it happens: after every event, at every crossing decay or
 * time causes, at a config change and at a merge, the score, label, stage, model and config version
 * in force, and the curve the score follows from there (see ../scoring/curve-shape.ts). Entries ride
 * in the lead's record and its batch rows like the events do, so recording costs no row of its own,
 * and a past point stays the score the lead had then, whatever the config becomes.
 */
import { shapeAt, type Change, type CurveShape, type LeadState, type ScoringConfig, type Step } from "../scoring";
import type { WebhookCause } from "../webhooks/payload";
import { webhookCause, type OperatorCause } from "./messages";

/** What a transition is about: label or stage (a disqualification is a label transition to the disqualified label). */
export type TransitionKind = "label" | "stage";

/** A label or stage change at a history point. */
export interface HistoryMove {
  kind: TransitionKind;
  from: string;
  to: string;
}

/** One recorded instant of a lead's score. */
export interface HistoryEntry {
  t: number;
  score: number;
  label: string;
  stage: string;
  model: string;
  /** The config version in force. */
  v: number;
  /** What put the point here, in the webhooks' words: an event, decay, config, merge, an operator. */
  cause: WebhookCause;
  /** The curve the score follows from `t` until the next point. */
  shape: CurveShape;
  /** Label and stage transitions at this instant. */
  moves?: HistoryMove[];
}

/** Entries a record may hold before they are flushed to a batch row without events (crossings of a quiet lead). */
export const FLUSH_HISTORY = 40;

const MOVES: Record<Change["type"], TransitionKind[]> = {
  "lead.label_changed": ["label"],
  "lead.stage_changed": ["stage"],
  "lead.grade_changed": [],
  // Its from/to are labels: the lead's label becomes the disqualified one.
  "lead.disqualified": ["label"],
};

function movesOf(changes: readonly Change[]): HistoryMove[] {
  return changes.flatMap((c) => MOVES[c.type].map((kind) => ({ kind, from: c.from, to: c.to })));
}

/** Collects the history entries of one decision. */
export interface HistoryRecorder {
  entries: HistoryEntry[];
  /** For the engine's `onStep`: an entry per event applied and per crossing. */
  onStep(step: Step, state: LeadState): void;
  /** An entry at `at` for what happened outside the engine's steps (a config change, a merge). */
  mark(state: LeadState, at: number, cause: WebhookCause, changes: readonly Change[]): void;
}

/**
 * A recorder for one decision under `config` (version `version`); operator events are named as such.
 *
 * @example
 * const history = historyRecorder(config, 7, operatorCauses(events));
 * applyEvents(state, events, config, now, { onStep: history.onStep }); // history.entries: one per event and crossing
 */
export function historyRecorder(config: ScoringConfig, version: number, operator?: ReadonlyMap<string, OperatorCause>): HistoryRecorder {
  const entries: HistoryEntry[] = [];
  const mark = (state: LeadState, at: number, cause: WebhookCause, changes: readonly Change[], snapshot?: Step["snapshot"]) => {
    const { view, shape } = shapeAt(state, config, at, snapshot);
    const moves = movesOf(changes);
    entries.push({ t: at, score: view.score, label: view.label, stage: view.stage, model: view.model, v: version, cause, shape, ...(moves.length > 0 ? { moves } : {}) });
  };
  return {
    entries,
    mark,
    onStep(step, state) {
      const cause = step.event ? webhookCause({ kind: "event", eventId: step.event.id, name: step.event.name }, operator) : step.changes[0] ? webhookCause(step.changes[0].cause, operator) : { kind: "decay" as const };
      mark(state, step.at, cause, step.changes, step.snapshot);
    },
  };
}
