/**
 * Re-score on publish: every save of a config starts a walk over the site's lead index, which calls
 * each Lead object's `rescore(version, notify)`. The walk's cursor lives in the Site object's SQLite
 * (one row), and the Site object's alarm moves it a page at a time, so a crash or restart resumes at
 * the last page that finished, and a newer save simply replaces the row: the walk restarts for the
 * new version and the old one's progress is dropped.
 *
 * Why an alarm and not Workflows: the cursor must change in the same object, and the same
 * transaction, as the config version it walks for (a save supersedes a walk with no race), and the
 * index it pages through is that object's own table; a Workflow would read both over RPC and add a
 * binding and a product to every deployment, for a loop that is a handful of lines here.
 */
import { mapBounded } from "./map-bounded";
import type { RescoreOutcome } from "../lead/types";

/**
 * How the walk is paced. Tests shrink pages and may stop after a page to play a restart; production
 * uses the defaults.
 */
export const RESCORE_TUNING = {
  /** Lead ids read from the index per page. */
  pageSize: 100,
  /** Lead objects re-scoring at once. */
  concurrency: 16,
  /** Average leads per second over an alarm, so a publish never floods the site's webhooks. */
  leadsPerSecond: 400,
  /** Pages one alarm walks before it hands over to the next alarm. */
  pagesPerAlarm: 20,
  /** The least time before any alarm of the walk; tests set it far out so only they drive the alarm. */
  alarmGapMs: 0,
  /** Test hook: the next alarm re-scores one page and stops before saving the cursor (a crash). */
  crashAfterFanOut: false,
};

/** When a page with a failed lead is tried again. */
const RETRY_MS = 5_000;

export const RESCORE_SCHEMA = `CREATE TABLE IF NOT EXISTS rescore (
  id INTEGER PRIMARY KEY CHECK (id = 1), site TEXT NOT NULL, version INTEGER NOT NULL, notify INTEGER NOT NULL, cursor TEXT NOT NULL,
  total INTEGER NOT NULL, done INTEGER NOT NULL, label_changed INTEGER NOT NULL, stage_changed INTEGER NOT NULL,
  started_at INTEGER NOT NULL, finished_at INTEGER)`;

/** A walk's progress, as `GET /v1/sites/{site}/rescore` shows it. */
export interface RescoreProgress {
  version: number;
  notify: boolean;
  total: number;
  done: number;
  changed: { label: number; stage: number };
  startedAt: number;
  finishedAt: number | null;
}

interface Row {
  site: string;
  version: number;
  notify: number;
  cursor: string;
  total: number;
  done: number;
  label_changed: number;
  stage_changed: number;
  started_at: number;
  finished_at: number | null;
  [key: string]: SqlStorageValue;
}

/**
 * Starts (or restarts, superseding the walk in progress) the walk for `version`; the caller sets
 * the alarm to the instant answered. Synchronous, so it commits with the save that calls it.
 *
 * @example const at = startRescore(sql, { site: "shop", version: 4, notify: true, now: Date.now() })
 */
export function startRescore(sql: SqlStorage, start: { site: string; version: number; notify: boolean; now: number }): number {
  const total = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM lead_index").one().n;
  sql.exec(
    `INSERT OR REPLACE INTO rescore (id, site, version, notify, cursor, total, done, label_changed, stage_changed, started_at, finished_at)
     VALUES (1, ?, ?, ?, '', ?, 0, 0, 0, ?, ?)`,
    start.site, start.version, start.notify ? 1 : 0, total, start.now, total === 0 ? start.now : null,
  );
  return start.now + RESCORE_TUNING.alarmGapMs;
}

/** The newest walk's progress, or null when no config was saved since re-scoring existed. */
export function rescoreProgress(sql: SqlStorage): RescoreProgress | null {
  const row = sql.exec<Row>("SELECT * FROM rescore WHERE id = 1").toArray()[0];
  if (!row) return null;
  return {
    version: row.version,
    notify: row.notify === 1,
    total: row.total,
    done: row.done,
    changed: { label: row.label_changed, stage: row.stage_changed },
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/**
 * Lead ids of the index after `after`, in id order: a page of a walk over every lead.
 *
 * @example leadIdsAfter(sql, "", 100) // the first hundred ids
 */
export function leadIdsAfter(sql: SqlStorage, after: string, limit: number): string[] {
  return sql.exec<{ lead_id: string }>("SELECT lead_id FROM lead_index WHERE lead_id > ? ORDER BY lead_id LIMIT ?", after, limit).toArray().map((r) => r.lead_id);
}

/** Re-scores one lead; the Site object calls its Lead object. */
export type RescoreLead = (site: string, leadId: string, version: number, notify: boolean) => Promise<RescoreOutcome>;

/**
 * Walks up to `pagesPerAlarm` pages of the index from the persisted cursor and answers when the next
 * alarm should fire (null once the walk is finished). Each page's progress is saved only if the walk
 * is still the one that read it (same version, same cursor): a save during the page, or another
 * run of the same page, cannot count a lead twice, and a lead re-scored twice notifies once
 * (see LeadObject.rescore).
 *
 * @example const next = await walkRescore(sql, (site, id, v, n) => leadStub(env, site, id).rescore(v, n), Date.now)
 */
export async function walkRescore(sql: SqlStorage, rescoreLead: RescoreLead, clock: () => number): Promise<number | null> {
  const next = await walkPages(sql, rescoreLead, clock);
  return next === null ? null : Math.max(next, clock() + RESCORE_TUNING.alarmGapMs);
}

async function walkPages(sql: SqlStorage, rescoreLead: RescoreLead, clock: () => number): Promise<number | null> {
  const started = clock();
  let walked = 0;
  for (let page = 0; page < RESCORE_TUNING.pagesPerAlarm; page++) {
    const row = sql.exec<Row>("SELECT * FROM rescore WHERE id = 1").toArray()[0];
    if (!row || row.finished_at !== null) return null;
    const ids = leadIdsAfter(sql, row.cursor, RESCORE_TUNING.pageSize);
    if (ids.length === 0) {
      sql.exec("UPDATE rescore SET finished_at = ?, total = MAX(total, done) WHERE version = ? AND cursor = ?", clock(), row.version, row.cursor);
      continue;
    }
    const outcomes = await mapBounded(ids, RESCORE_TUNING.concurrency, (id) => rescoreLead(row.site, id, row.version, row.notify === 1));
    if (outcomes.some((o) => o === null)) return clock() + RETRY_MS;
    if (RESCORE_TUNING.crashAfterFanOut) {
      RESCORE_TUNING.crashAfterFanOut = false;
      return clock();
    }
    const done = outcomes as RescoreOutcome[];
    sql.exec(
      "UPDATE rescore SET cursor = ?, done = done + ?, label_changed = label_changed + ?, stage_changed = stage_changed + ? WHERE version = ? AND cursor = ?",
      ids[ids.length - 1]!, done.length, done.filter((o) => o.label).length, done.filter((o) => o.stage).length, row.version, row.cursor,
    );
    walked += ids.length;
  }
  // Keep the average rate: the next alarm waits for the time these leads were allowed.
  return Math.max(clock(), started + Math.ceil((walked * 1000) / RESCORE_TUNING.leadsPerSecond));
}
