/**
 * The model report's counters, pure: what one settled lead outcome adds to them, keyed by the week
 * its horizon started (its first event) and its model. The Site object keeps them in SQLite
 * (./report-store.ts); a backtest adds the same contributions up in memory, so both answer the same
 * figures (./report-figures.ts) for the same outcomes.
 *
 * Kinds of counter, each a (positives, negatives) pair:
 *   all    ""          every settled lead
 *   label  NAME        by the highest label the lead reached before its outcome
 *   stage  NAME        by the highest stage reached before its outcome
 *   score  BUCKET      by its peak score, rounded to SCORE_BUCKET points (the AUC's histogram)
 *   time:LABEL BUCKET  converting leads only, by the time from first showing LABEL to converting
 */
import { DAY_MS, HOUR_MS, WEEK_MS } from "../scoring/compile";
import type { LeadOutcome } from "../outcomes/outcome";

/** Width of a score histogram bucket, in points: scores within one bucket are ties for the AUC. */
export const SCORE_BUCKET = 1;
/** Durations to conversion: hourly buckets for the first two days, daily ones after (to a year). */
const HOURLY_UNTIL_MS = 2 * DAY_MS;
const MAX_DURATION_BUCKET = 48 + 365;

export interface CounterKey {
  week: number;
  model: string;
  kind: string;
  key: string;
}

export interface CounterRow extends CounterKey {
  pos: number;
  neg: number;
}

/**
 * The Monday (00:00 UTC) of the week an instant falls in, as ms since the epoch.
 *
 * @example weekOf(Date.UTC(2026, 0, 7)) // Date.UTC(2026, 0, 5): a Wednesday's Monday
 */
export function weekOf(at: number): number {
  // 1970-01-01 was a Thursday: weeks counted from the Monday before it.
  const monday0 = -3 * DAY_MS;
  return monday0 + Math.floor((at - monday0) / WEEK_MS) * WEEK_MS;
}

/** The score histogram's bucket of a score. */
export function scoreBucket(score: number): number {
  return Math.round(score / SCORE_BUCKET);
}

/** A duration's bucket: hours for the first two days, then days. */
export function durationBucket(ms: number): number {
  if (ms < HOURLY_UNTIL_MS) return Math.max(0, Math.floor(ms / HOUR_MS));
  return Math.min(48 + Math.floor((ms - HOURLY_UNTIL_MS) / DAY_MS), MAX_DURATION_BUCKET);
}

/** The middle of a duration bucket, in ms: what a median read from the histogram answers. */
export function durationOfBucket(bucket: number): number {
  return bucket < 48 ? (bucket + 0.5) * HOUR_MS : HOURLY_UNTIL_MS + (bucket - 48 + 0.5) * DAY_MS;
}

/** Converted is a positive; lost and negative are negatives; an open horizon counts nowhere yet. */
export function isPositive(outcome: LeadOutcome): boolean | null {
  if (outcome.kind === "open") return null;
  return outcome.kind === "converted";
}

/**
 * What one settled outcome adds to the counters (every row +1 in pos or neg), or [] for an open one.
 *
 * @example contributions(outcome) // [{ week, model: "shop", kind: "all", key: "", pos: 1, neg: 0 }, { ..., kind: "label", key: "warm", ... }, ...]
 */
export function contributions(outcome: LeadOutcome): CounterRow[] {
  const positive = isPositive(outcome);
  if (positive === null) return [];
  const base = { week: weekOf(outcome.firstSeen), model: outcome.model };
  const pair = positive ? { pos: 1, neg: 0 } : { pos: 0, neg: 1 };
  const rows: CounterRow[] = [
    { ...base, kind: "all", key: "", ...pair },
    { ...base, kind: "label", key: outcome.peakLabel, ...pair },
    { ...base, kind: "stage", key: outcome.peakStage, ...pair },
    { ...base, kind: "score", key: String(scoreBucket(outcome.peak)), ...pair },
  ];
  if (positive) {
    for (const [label, since] of Object.entries(outcome.labelsAt)) {
      rows.push({ ...base, kind: `time:${label}`, key: String(durationBucket(outcome.at! - since)), pos: 1, neg: 0 });
    }
  }
  return rows;
}

/** Counters added up in memory (a backtest's), keyed like the Site object's table. */
export class CounterTable {
  #rows = new Map<string, CounterRow>();

  add(rows: CounterRow[], sign: 1 | -1 = 1): void {
    for (const row of rows) {
      const id = `${row.week}\u0000${row.model}\u0000${row.kind}\u0000${row.key}`;
      const have = this.#rows.get(id) ?? { week: row.week, model: row.model, kind: row.kind, key: row.key, pos: 0, neg: 0 };
      have.pos += sign * row.pos;
      have.neg += sign * row.neg;
      this.#rows.set(id, have);
    }
  }

  /** Rows of one model in weeks [fromWeek, toWeek), as the Site object's query answers them. */
  rows(model: string, fromWeek: number, toWeek: number): CounterRow[] {
    return [...this.#rows.values()].filter((r) => r.model === model && r.week >= fromWeek && r.week < toWeek && (r.pos || r.neg));
  }
}
