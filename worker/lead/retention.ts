/**
 * Retention: batch rows older than the site's `history.retention` are deleted, their events folded
 * into a state kept in the record, so storage stops growing with age. The lead's score never changes
 * by it: the record's state already holds every accumulator. The folded state matters only where the
 * events are replayed from scratch (a config change's re-score, a merge's union re-score), which start
 * from it: folded events keep counting as the config in force when they were folded counted them.
 */
import { durationMs, newLeadState, type LeadState, type ScoringConfig } from "../scoring";
import type { SiteConfig } from "../site/config";
import type { HistoryEntry } from "./history";
import type { LeadStore } from "./lead-store";
import { replayLead } from "./replay";
import type { BatchRow, LeadRecord } from "./types";

/** Batch rows are kept this long by default (the site setting `history.retention`). */
export const DEFAULT_RETENTION = "400d";

/** What retention folded away. */
export interface FoldedHistory {
  /** The scoring state of every folded event (the start of a replay). */
  state: LeadState;
  /** Batch rows received before this instant were folded. */
  before: number;
  /** Events folded so far. */
  events: number;
  /** The newest history entry folded: the timeline still starts from its curve at `before`. */
  last?: HistoryEntry;
}

/**
 * The instant before which a lead's batch rows are folded.
 *
 * @example retentionCutoff({ ...config, history: { retention: "30d" } }, now) // now - 30 * 86_400_000
 */
export function retentionCutoff(config: Pick<SiteConfig, "history">, now: number): number {
  return now - durationMs(config.history?.retention ?? DEFAULT_RETENTION);
}

/**
 * Folds batch rows into what was folded before: their events applied on top of its state, under
 * the config in force (as a merge would replay them).
 *
 * @example const folded = foldRows(record.folded, oldRows, config.config, cutoff)
 */
export function foldRows(folded: FoldedHistory | undefined, rows: readonly BatchRow[], config: ScoringConfig, cutoff: number): FoldedHistory {
  const events = rows.flatMap((r) => r.events);
  const base = folded?.state ?? newLeadState();
  const until = Math.max(base.clock, ...events.map((e) => e.ts).filter(Number.isFinite));
  const state = events.length > 0 ? replayLead(events, config, until, folded) : base;
  const last = rows.flatMap((r) => r.history ?? []).reduce<HistoryEntry | undefined>((newest, e) => (!newest || e.t >= newest.t ? e : newest), folded?.last);
  return { state, before: Math.max(cutoff, folded?.before ?? 0), events: (folded?.events ?? 0) + events.length, ...(last ? { last } : {}) };
}

/**
 * Retention applied to a lead's store: the batch rows older than the site's retention folded into the
 * record's folded state and deleted, in one transaction (the score does not change: the record's
 * state already counts them). Answers the record as it now is and when the oldest row left falls due.
 *
 * @example const { record, due } = applyRetention(store, record, config, Date.now())
 */
export function applyRetention(store: Pick<LeadStore, "foldBefore">, record: LeadRecord, config: SiteConfig, now: number): { record: LeadRecord; due: number | null } {
  const cutoff = retentionCutoff(config, now);
  const { record: folded, oldest } = store.foldBefore(cutoff, (rows) => ({ ...record, folded: foldRows(record.folded, rows, config, cutoff) }));
  // A quiet lead's old rows go at their time too: the alarm wakes it then.
  return { record: folded ?? record, due: oldest === null ? null : oldest + (now - cutoff) };
}
