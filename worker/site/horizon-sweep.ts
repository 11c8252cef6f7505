/**
 * Outcome horizons close from the Site object, not from one alarm per lead. Every lead's index entry
 * carries the end of its open horizon (`horizon_end` in ./lead-index.ts: the entry is sent anyway, so
 * the value costs no row of its own), and the Site object's alarm sweeps once a day: it asks each lead
 * whose horizon ended to settle (`LeadObject.settleDue`, the lead's own alarm wake-up, which closes the
 * horizon as a negative and delivers it to the report), and writes back what the lead answers, so a
 * lead that converted, moved its horizon, or was erased or merged meanwhile is not asked again.
 *
 * Sweeps run at a daily slot (midnight UTC) at or after a horizon's end, and an entry only ever moves
 * the next sweep earlier: a site pays one alarm write per sweep, not one per lead (at 10,000 distinct
 * leads that alarm was one row in six, bench/notes.md). A negative settled up to a day late records the
 * same outcome: its instant is the horizon's end, not the sweep's (../outcomes/outcome.ts).
 *
 * The sweep reads the table without an index on `horizon_end`: one scan a day (rows read cost $0.001
 * per million), where an index would add a row written to every entry that moves the horizon.
 */
import { DAY_MS } from "../scoring/compile";
import { walkIndex, WALK_CONCURRENCY, WALK_PAGE } from "./walk-leads";

/** One row: when the next sweep is due, where an unfinished one resumes, and what the last one did. */
export const SWEEP_SCHEMA = `CREATE TABLE IF NOT EXISTS horizon_sweep (
  id INTEGER PRIMARY KEY CHECK (id = 1), due_at INTEGER, cursor TEXT NOT NULL DEFAULT '', last_at INTEGER, last_asked INTEGER NOT NULL DEFAULT 0, last_failed INTEGER NOT NULL DEFAULT 0)`;

/** How the sweep is paced; tests may shrink it. */
export const SWEEP_TUNING = {
  /** Leads one alarm asks at most: a bigger day goes on in the next alarm, right after. */
  leadsPerAlarm: 5_000,
  /** When leads that failed to answer (or could not settle) are asked again. */
  retryMs: 3_600_000,
};

/** What a lead answers the sweep: the horizon it keeps open now (null: none), as of `at`. */
export interface HorizonAnswer {
  horizonEnd: number | null;
  at: number;
}

/** Asks one lead to settle; the Site object calls its Lead object. */
export type SettleLead = (leadId: string) => Promise<HorizonAnswer>;

/** The last sweep, for tests and operators: when it ran, how many leads it asked and how many failed. */
export interface SweepState {
  dueAt: number | null;
  lastAt: number | null;
  lastAsked: number;
  lastFailed: number;
}

type Row = { due_at: number | null; cursor: string; last_at: number | null; last_asked: number; last_failed: number };

function row(sql: SqlStorage): Row {
  return sql.exec<Row>("SELECT due_at, cursor, last_at, last_asked, last_failed FROM horizon_sweep WHERE id = 1").toArray()[0] ?? { due_at: null, cursor: "", last_at: null, last_asked: 0, last_failed: 0 };
}

/**
 * The sweep that closes a horizon ending at `horizonEnd`: the first daily slot after its last instant
 * (a conversion at the end instant still counts, so the lead is asked only after it).
 *
 * @example sweepSlot(Date.parse("2026-12-01T10:00:00Z")) // Date.parse("2026-12-02T00:00:00Z")
 */
export function sweepSlot(horizonEnd: number): number {
  return Math.ceil((horizonEnd + 1) / DAY_MS) * DAY_MS;
}

/** The sweep's state (see SweepState). */
export function sweepState(sql: SqlStorage): SweepState {
  const r = row(sql);
  return { dueAt: r.due_at, lastAt: r.last_at, lastAsked: r.last_asked, lastFailed: r.last_failed };
}

/**
 * Makes sure a sweep is due no later than the slot of the earliest of `horizonEnds` (entries just
 * stored), and answers the sweep due now (null: none at all) and whether this moved it, for the
 * caller to point the alarm at it. Writes only when the sweep moves earlier: most entries' horizons
 * end after the next sweep, and cost one row read here.
 *
 * @example const { due, moved } = scheduleSweep(sql, entries.map((e) => e.horizonEnd)) // then the alarm, if moved
 */
export function scheduleSweep(sql: SqlStorage, horizonEnds: ReadonlyArray<number | null>): { due: number | null; moved: boolean } {
  const ends = horizonEnds.filter((t): t is number => t !== null && Number.isFinite(t));
  const current = row(sql).due_at;
  if (ends.length === 0) return { due: current, moved: false };
  const at = sweepSlot(Math.min(...ends));
  if (current !== null && current <= at) return { due: current, moved: false };
  sql.exec("INSERT INTO horizon_sweep (id, due_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at", at);
  return { due: at, moved: true };
}

/** Due leads after `after` in id order: the table's own order, so pages of one sweep read it once. */
function dueLeadIds(sql: SqlStorage, after: string, now: number, limit: number): string[] {
  return sql
    .exec<{ lead_id: string }>("SELECT lead_id FROM lead_index WHERE lead_id > ? AND horizon_end < ? ORDER BY lead_id LIMIT ?", after, now, limit)
    .toArray()
    .map((r) => r.lead_id);
}

/**
 * Writes back what a lead answered, unless an entry newer than the answer already said more (entries
 * and answers can cross), and only when it changes the row (the lead's own entry often came first).
 */
function correct(sql: SqlStorage, leadId: string, answer: HorizonAnswer): void {
  sql.exec("UPDATE lead_index SET horizon_end = ? WHERE lead_id = ? AND updated_at <= ? AND horizon_end IS NOT ?", answer.horizonEnd, leadId, answer.at, answer.horizonEnd);
}

/** When the next sweep is due once this one is done: the earliest open horizon's slot, later if it is still due. */
function nextDue(sql: SqlStorage, now: number): number | null {
  const earliest = sql.exec<{ t: number | null }>("SELECT MIN(horizon_end) AS t FROM lead_index").one().t;
  if (earliest === null) return null;
  const slot = sweepSlot(earliest);
  // Still due: a lead that failed or could not settle. Asked again later, not in a loop.
  return slot <= now ? now + SWEEP_TUNING.retryMs : slot;
}

/**
 * Runs the sweep if it is due at `now`: asks every lead whose horizon ended (at most
 * `leadsPerAlarm`, WALK_CONCURRENCY at a time), corrects their rows, and answers when the sweep is
 * next due (null: no horizon is open). Idempotent, as alarms must be: a lead asked twice settles
 * once, and a row already corrected is not asked again.
 *
 * @example const next = await sweepHorizons(sql, (id) => leadStub(env, site, id).settleDue(), Date.now())
 */
export async function sweepHorizons(sql: SqlStorage, settle: SettleLead, now: number): Promise<number | null> {
  const start = row(sql);
  if (start.due_at === null || start.due_at > now) return start.due_at;
  let budget = SWEEP_TUNING.leadsPerAlarm;
  let last = start.cursor;
  const page = async (after: string, limit: number) => {
    const ids = budget > 0 ? dueLeadIds(sql, after || start.cursor, now, Math.min(limit, budget)) : [];
    budget -= ids.length;
    if (ids.length > 0) last = ids[ids.length - 1]!;
    return ids;
  };
  const walk = await walkIndex(page, async (leadId) => {
    const answer = await settle(leadId);
    correct(sql, leadId, answer);
    return answer;
  }, { pageSize: WALK_PAGE, concurrency: WALK_CONCURRENCY });
  // The budget ran out: the rest of today's leads go in the next alarm, from where this one stopped.
  const more = budget <= 0;
  const due = more ? now : nextDue(sql, now);
  sql.exec(
    `INSERT INTO horizon_sweep (id, due_at, cursor, last_at, last_asked, last_failed) VALUES (1, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, cursor = excluded.cursor, last_at = excluded.last_at, last_asked = excluded.last_asked, last_failed = excluded.last_failed`,
    due, more ? last : "", now, walk.asked, walk.failed,
  );
  return due;
}
