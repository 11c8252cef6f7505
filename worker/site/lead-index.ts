/**
 * The site's lead index: one row per lead with history, listed by the score *now* (decay included)
 * without waking any lead object.
 *
 * Each row keeps the lead's score curve (./index-curve.ts), so the score at any instant is computed
 * exactly from the row, and order keys that bound it from above at every instant: rows of one list
 * (half-life class `hl`, base bucket `bb`, label) are bounded by `bb + 2^(key - t/hl)`, so ordering a
 * list by `key` orders its bounds at every t, and no key moves with time. One SQLite index on
 * (hl, bb, label, key) holds every list, written only when the lead re-indexes. A page at instant t reads
 * the lists best bound first, scores every row read exactly at t, and stops once the page's last row
 * beats the bound of everything unread. Deep pages read more rows than the first (everything above
 * the cursor is read again); the bench measures both (bench/RESULTS.md). Leads that score nothing yet
 * (SCORED in ./index-lists.ts) have no order-index entry: they follow every list, read from the table by lead id.
 */
import type { LeadIndexEntry } from "./SiteObject";
import { orderKeys, scoreOnCurve, upperBound, type IndexCurve } from "./index-curve";
import { COLUMNS, OrderList, orderLists, SCORED, UnscoredList, type Row, type RowSource } from "./index-lists";

/**
 * The table, and its one secondary index: an index write costs two rows (the row and its index entry),
 * one for an unscored lead (see SCORED).
 * `horizon_end` (the lead's open outcome horizon, ./horizon-sweep.ts) has no index on purpose: the
 * sweep that reads it is one scan a day, and rows read cost $0.001 per million, where an index would
 * add a row written to every entry that moves it.
 */
export const LEAD_INDEX_SCHEMA = `
  CREATE TABLE IF NOT EXISTS lead_index (lead_id TEXT PRIMARY KEY, user_id TEXT, score REAL NOT NULL, label TEXT NOT NULL, stage TEXT NOT NULL, updated_at INTEGER NOT NULL,
    model TEXT NOT NULL DEFAULT '', curve TEXT, hl REAL NOT NULL DEFAULT 0, bb REAL NOT NULL DEFAULT 0, key REAL NOT NULL DEFAULT 0, horizon_end INTEGER) WITHOUT ROWID;
`;
/**
 * The label is part of each list, so a label filter reads only that label's lists (no extra row: one
 * entry either way). Partial: only scoring rows have an entry (queries repeat SCORED so SQLite uses it).
 */
const ORDER_INDEX = `CREATE INDEX IF NOT EXISTS lead_index_scored ON lead_index (hl, bb, label, key DESC, lead_id) WHERE ${SCORED}`;
/** Columns the first version of the table lacked; its rows keep their stored score until the lead re-indexes. */
const ADDED_COLUMNS = ["model TEXT NOT NULL DEFAULT ''", "curve TEXT", "hl REAL NOT NULL DEFAULT 0", "bb REAL NOT NULL DEFAULT 0", "key REAL NOT NULL DEFAULT 0"];

/**
 * Creates the index, or migrates a table of an older schema in place: new columns, and each old
 * row listed at its stored score (no decaying part: `key = score`) until its lead next
 * re-indexes (its next event, alarm or re-score; its record has no curve in the index, so it does).
 *
 * @example migrateLeadIndex(ctx.storage.sql) // in the Site object's constructor
 */
export function migrateLeadIndex(sql: SqlStorage): void {
  sql.exec(LEAD_INDEX_SCHEMA);
  const columns = new Set(sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('lead_index')").toArray().map((c) => c.name));
  if (!columns.has("curve")) {
    for (const column of ADDED_COLUMNS) if (!columns.has(column.split(" ")[0]!)) sql.exec(`ALTER TABLE lead_index ADD COLUMN ${column}`);
    sql.exec("UPDATE lead_index SET hl = 0, bb = 0, key = score WHERE curve IS NULL");
  }
  // Rows from before horizons were indexed hold none: their leads' own alarms still close them, and their next entry fills it in.
  if (!columns.has("horizon_end")) sql.exec("ALTER TABLE lead_index ADD COLUMN horizon_end INTEGER");
  // Earlier order indexes: without the label, then with an entry for every row, unscored ones too.
  sql.exec("DROP INDEX IF EXISTS lead_index_order");
  sql.exec("DROP INDEX IF EXISTS lead_index_lists");
  sql.exec(ORDER_INDEX);
}

/**
 * Writes one lead's row, unless the row holds a newer one (entries can arrive out of order), and
 * answers the rows that cost: 1 for an unscored lead's new row, 2 for a scoring one (its order-index entry).
 *
 * @example upsertIndexRow(sql, { leadId, userId, score: 42, label: "warm", stage: "MQL", model: "b2b", curve, updatedAt: now, horizonEnd: null })
 */
export function upsertIndexRow(sql: SqlStorage, entry: LeadIndexEntry): number {
  const keys = entry.curve ? orderKeys(entry.curve, entry.updatedAt) : { hl: 0, bb: 0, key: entry.score };
  return sql.exec(
    `INSERT INTO lead_index (lead_id, user_id, score, label, stage, updated_at, model, curve, hl, bb, key, horizon_end) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (lead_id) DO UPDATE SET user_id = excluded.user_id, score = excluded.score, label = excluded.label, stage = excluded.stage, updated_at = excluded.updated_at,
       model = excluded.model, curve = excluded.curve, hl = excluded.hl, bb = excluded.bb, key = excluded.key, horizon_end = excluded.horizon_end
     WHERE excluded.updated_at >= lead_index.updated_at`,
    entry.leadId, entry.userId, entry.score, entry.label, entry.stage, entry.updatedAt, entry.model ?? "", entry.curve ? JSON.stringify(entry.curve) : null, keys.hl, keys.bb, keys.key,
    // An entry from before horizons were sent says nothing of one: none is open as far as the sweep knows.
    entry.horizonEnd ?? null,
  ).rowsWritten;
}

/** What a listing asks for. */
export interface LeadListQuery {
  label?: string;
  stage?: string;
  model?: string;
  /** A prefix of the user id (e-mail) or lead id; `exactLeadId` is the lead an exact anonymous id or e-mail resolves to. */
  q?: string;
  exactLeadId?: string;
  limit: number;
  /** The instant the listing scores at: pages of one listing share it. */
  at: number;
  /** The last row of the previous page: this page starts after it. */
  after?: { score: number; leadId: string };
  /** `label\u0000stage\u0000model` of the unscored rows (see `unscoredKinds`); absent: any may be there. */
  unscored?: ReadonlySet<string>;
}

/** One listed lead, its score computed at the listing's instant. */
export interface ListedLead {
  leadId: string;
  userId: string | null;
  score: number;
  label: string;
  stage: string;
  model: string;
  updatedAt: number;
}

export interface LeadListPage {
  leads: ListedLead[];
  /** True when another page follows the last row. */
  more: boolean;
  /** Rows the listing read to answer (what the bench reports per page). */
  rowsScanned: number;
}

/** A search scores at most this many matching leads: a wider search asks for a longer prefix. */
export const SEARCH_CAP = 1_000;

function listed(row: Row, at: number): ListedLead {
  const score = row.curve ? scoreOnCurve(JSON.parse(row.curve) as IndexCurve, at, row.updated_at) : row.score;
  return { leadId: row.lead_id, userId: row.user_id, score, label: row.label, stage: row.stage, model: row.model, updatedAt: row.updated_at };
}

/** Score descending, then lead id ascending: the listing's total order. */
function before(a: { score: number; leadId: string }, b: { score: number; leadId: string }): boolean {
  return a.score > b.score || (a.score === b.score && a.leadId < b.leadId);
}

/** SQL for the equality filters, as a clause starting with AND, and its bindings. */
function filterSql(query: LeadListQuery): { clause: string; binds: unknown[] } {
  const parts: string[] = [];
  const binds: unknown[] = [];
  for (const [column, value] of [["label", query.label], ["stage", query.stage], ["model", query.model]] as const) {
    if (value === undefined) continue;
    parts.push(`AND ${column} = ?`);
    binds.push(value);
  }
  return { clause: parts.join(" "), binds };
}

/**
 * Whether the unscored rows may hold a lead the query's filters keep: `query.unscored` lists the
 * label, stage and model of every unscored row the site has (absent: assume any), so a filter such as
 * `label=hot` never scans the table for rows that cannot match.
 */
function mayHoldUnscored(query: LeadListQuery): boolean {
  if (!query.unscored) return true;
  for (const kind of query.unscored) {
    const [label, stage, model] = kind.split("\u0000");
    if ((query.label === undefined || query.label === label) && (query.stage === undefined || query.stage === stage) && (query.model === undefined || query.model === model)) return true;
  }
  return false;
}

/**
 * A page of the index by the score at `query.at`, highest first, after `query.after`.
 *
 * @example listLeadPage(sql, { label: "hot", limit: 50, at: Date.now() }) // { leads: [...], more: true, rowsScanned: 128 }
 */
export function listLeadPage(sql: SqlStorage, query: LeadListQuery): LeadListPage {
  if (query.q !== undefined) return searchPage(sql, query);
  // The label picks lists; stage and model filter within them.
  const filter = filterSql({ ...query, label: undefined });
  const { at, after, limit } = query;
  const lists: RowSource[] = orderLists(sql)
    .filter((keys) => query.label === undefined || keys.label === query.label)
    .map((keys) => new OrderList(sql, keys, filter));
  const unscored = mayHoldUnscored(query) ? new UnscoredList(sql, filterSql(query)) : null;
  if (unscored) lists.push(unscored);
  // The best `limit + 1` rows after the cursor so far, in listing order: one more tells `more`.
  const best: ListedLead[] = [];
  let scanned = 0;
  for (;;) {
    // The list whose next row has the highest bound: nothing unread anywhere scores above that bound.
    let top: RowSource | null = null;
    let bound = Number.NEGATIVE_INFINITY;
    for (const list of lists) {
      const next = list.peek();
      if (!next) continue;
      const b = upperBound({ ...list.keys, key: next.key }, at);
      if (b > bound) [top, bound] = [list, b];
    }
    if (!top) break;
    // Scores are rounded to cents; a little slack covers floating point in the bound.
    const threshold = Math.round((bound + 1e-9 * Math.max(1, Math.abs(bound))) * 100) / 100;
    const last = best[limit];
    if (last && last.score > threshold) break;
    // Every unscored row left is bound by 0 and comes in lead id order, and every other list is below 0
    // (scoring rows bound above 0 would be on top): once they follow a 0 that ends the page, none can beat it.
    if (last && top === unscored && last.score === 0 && top.peek()!.lead_id > last.leadId) break;
    const lead = listed(top.take(), at);
    scanned += 1;
    if (after && !before(after, lead)) continue;
    let i = best.length;
    while (i > 0 && before(lead, best[i - 1]!)) i -= 1;
    if (i <= limit) best.splice(i, 0, lead);
    if (best.length > limit + 1) best.pop();
  }
  return { leads: best.slice(0, limit), more: best.length > limit, rowsScanned: scanned };
}

/**
 * The kinds of lead among the unscored rows, as `label\u0000stage\u0000model`: one scan of the table
 * (the Site object does it once per start-up and adds each unscored entry it writes, see `unscoredKind`).
 *
 * @example unscoredKinds(sql) // Set { "cold\u0000lead\u0000shop" }
 */
export function unscoredKinds(sql: SqlStorage): Set<string> {
  const rows = sql.exec<{ label: string; stage: string; model: string }>(`SELECT DISTINCT label, stage, model FROM lead_index WHERE NOT ${SCORED}`).toArray();
  return new Set(rows.map((r) => unscoredKind(r)));
}

/**
 * The kind an entry adds to `unscoredKinds` when its row is unscored, else null.
 *
 * @example unscoredKind({ label: "cold", stage: "lead", model: "shop" }) // "cold\u0000lead\u0000shop"
 */
export function unscoredKind(row: { label: string; stage: string; model?: string | undefined }): string {
  return `${row.label}\u0000${row.stage}\u0000${row.model ?? ""}`;
}

/** Whether an entry's row is unscored (see SCORED): it has no entry in the order index. */
export function isUnscored(entry: LeadIndexEntry): boolean {
  const keys = entry.curve ? orderKeys(entry.curve, entry.updatedAt) : { hl: 0, bb: 0, key: entry.score };
  return keys.hl === 0 && keys.key === 0;
}

/** LIKE's wildcards taken literally: a search is a prefix, never a pattern. */
function likePrefix(q: string): string {
  return `${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** A search: leads whose user id or lead id starts with `q`, or the exact lead `q` names, by score now. */
function searchPage(sql: SqlStorage, query: LeadListQuery): LeadListPage {
  const { clause, binds } = filterSql(query);
  const prefix = likePrefix(query.q!.trim().toLowerCase());
  const rows = sql
    .exec<Row>(
      `SELECT ${COLUMNS} FROM lead_index WHERE (lead_id = ? OR lead_id LIKE ? ESCAPE '\\' OR lower(user_id) LIKE ? ESCAPE '\\') ${clause} LIMIT ${SEARCH_CAP}`,
      query.exactLeadId ?? "", prefix, prefix, ...binds,
    )
    .toArray();
  const after = query.after;
  const all = rows.map((r) => listed(r, query.at)).filter((lead) => !after || before(after, lead));
  all.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
  return { leads: all.slice(0, query.limit), more: all.length > query.limit, rowsScanned: rows.length };
}

/**
 * How many leads carry each label, counting at most `cap` per label (the overview's figures).
 *
 * @example countByLabel(sql, ["hot", "warm"], 10_000) // [3, 41]
 */
export function countByLabel(sql: SqlStorage, labels: readonly string[], cap: number): number[] {
  return labels.map((label) => sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM (SELECT 1 FROM lead_index WHERE label = ? LIMIT ?)", label, cap).one().n);
}
