/**
 * The model report's store, in the Site object's SQLite: each settled lead's outcome (one row per
 * lead, so an outcome delivered twice, or corrected, is counted once) and the counters it adds to
 * (./report-counters.ts), updated in the same transaction. A report reads counters only: a few rows
 * per week and label, however many leads the site has. Label changes per day (the console's
 * overview) are counted here too, as the lead index hears of them.
 *
 * Why the Site object's SQLite, not D1 or Analytics Engine: outcomes are rare (one per lead, ever),
 * so their writes never make the site object a hot spot; the counters must be exact and idempotent
 * (subtract the old row, add the new one), which Analytics Engine's sampled, append-only points are
 * not; and D1 would add a binding, a network hop per outcome and a second place that must agree
 * with the site object, for data that belongs to one site.
 */
import type { LeadOutcome } from "../outcomes/outcome";
import { DAY_MS } from "../scoring/compile";
import { contributions, type CounterRow } from "./report-counters";

export const REPORT_SCHEMA = `
  CREATE TABLE IF NOT EXISTS outcome_leads (lead_id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS outcome_counts (week INTEGER NOT NULL, model TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, pos INTEGER NOT NULL, neg INTEGER NOT NULL, PRIMARY KEY (week, model, kind, key)) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS label_changes (day INTEGER NOT NULL, label TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (day, label)) WITHOUT ROWID;
`;

function addRows(sql: SqlStorage, rows: CounterRow[], sign: 1 | -1): void {
  for (const r of rows) {
    sql.exec(
      `INSERT INTO outcome_counts (week, model, kind, key, pos, neg) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (week, model, kind, key) DO UPDATE SET pos = pos + excluded.pos, neg = neg + excluded.neg`,
      r.week, r.model, r.kind, r.key, sign * r.pos, sign * r.neg,
    );
  }
}

/**
 * Stores one lead's settled outcome (null: forget it) and moves the counters by the difference.
 *
 * @example recordOutcome(sql, "l_1", { kind: "converted", model: "shop", ... })
 */
export function recordOutcome(sql: SqlStorage, leadId: string, outcome: LeadOutcome | null): void {
  const body = outcome ? JSON.stringify(outcome) : null;
  const old = sql.exec<{ body: string }>("SELECT body FROM outcome_leads WHERE lead_id = ?", leadId).toArray()[0]?.body ?? null;
  if (old === body) return;
  if (old) addRows(sql, contributions(JSON.parse(old) as LeadOutcome), -1);
  if (outcome) {
    addRows(sql, contributions(outcome), 1);
    sql.exec("INSERT INTO outcome_leads (lead_id, body) VALUES (?, ?) ON CONFLICT (lead_id) DO UPDATE SET body = excluded.body", leadId, body);
  } else {
    sql.exec("DELETE FROM outcome_leads WHERE lead_id = ?", leadId);
  }
}

/** The counters of one model in weeks [fromWeek, toWeek). */
export function counterRows(sql: SqlStorage, model: string, fromWeek: number, toWeek: number): CounterRow[] {
  return sql
    .exec<{ week: number; model: string; kind: string; key: string; pos: number; neg: number }>(
      "SELECT week, model, kind, key, pos, neg FROM outcome_counts WHERE model = ? AND week >= ? AND week < ? AND (pos != 0 OR neg != 0)",
      model, fromWeek, toWeek,
    )
    .toArray();
}

/** Label changes gathered from one request's index entries, by `day\u0000label`. */
export type LabelChangeTally = Map<string, { day: number; label: string; n: number }>;

/** Notes in `tally` a lead's move into `label` on the UTC day of `at`, when it was listed before under another label. */
export function tallyLabelChange(sql: SqlStorage, tally: LabelChangeTally, leadId: string, label: string, at: number): void {
  const before = sql.exec<{ label: string; updated_at: number }>("SELECT label, updated_at FROM lead_index WHERE lead_id = ?", leadId).toArray()[0];
  // A late, older entry does not replace a newer one in the index, so it moved nothing.
  if (!before || before.label === label || before.updated_at > at) return;
  const day = Math.floor(at / DAY_MS);
  const key = `${day}\u0000${label}`;
  const counted = tally.get(key);
  if (counted) counted.n += 1;
  else tally.set(key, { day, label, n: 1 });
}

/**
 * Adds what one request's entries tallied: a row written per day and label, however many leads moved
 * there (the isolate's index batcher gathers many leads' entries into one request).
 */
export function addLabelChanges(sql: SqlStorage, tally: LabelChangeTally): void {
  for (const { day, label, n } of tally.values()) {
    sql.exec("INSERT INTO label_changes (day, label, n) VALUES (?, ?, ?) ON CONFLICT (day, label) DO UPDATE SET n = n + excluded.n", day, label, n);
  }
}

/** Label changes per UTC day from `fromDay` (days since the epoch) on: [{ day, label, n }]. */
export function labelChangesSince(sql: SqlStorage, fromDay: number): Array<{ day: number; label: string; n: number }> {
  return sql.exec<{ day: number; label: string; n: number }>("SELECT day, label, n FROM label_changes WHERE day >= ? ORDER BY day, label", fromDay).toArray();
}
