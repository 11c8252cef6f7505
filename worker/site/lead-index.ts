/**
 * The site's lead index: one row per lead with history, listed by the score *now* (decay included)
 * without waking any lead object.
 *
 * Each row keeps the lead's score curve (./index-curve.ts), so the score at any instant is computed
 * exactly from the row, and two order keys that bound it from above at every instant: `ub_base` (the
 * part that never decays) and, per half-life class `hl`, `key` (the decaying part is at most
 * 2^(key - t/hl)). Neither key moves with time, so each has an ordinary SQLite index, written only
 * when the lead re-indexes. A page at instant t is the threshold algorithm over those lists: read
 * them in descending order side by side, score every row read exactly at t, and stop once the page's
 * last row beats the bound every unread row is under. Deep pages read more rows than the first
 * (everything above the cursor is read again); the bench measures both (bench/RESULTS.md).
 */
import type { LeadIndexEntry } from "./SiteObject";
import { orderKeys, scoreOnCurve, upperBound, type IndexCurve } from "./index-curve";

/**
 * Tables and indexes. Both indexes are partial: a lead whose score has no decaying part is only in
 * the first, a lead with no lasting points only in the second, so most index writes cost two rows.
 */
export const LEAD_INDEX_SCHEMA = `
  CREATE TABLE IF NOT EXISTS lead_index (lead_id TEXT PRIMARY KEY, user_id TEXT, score REAL NOT NULL, label TEXT NOT NULL, stage TEXT NOT NULL, updated_at INTEGER NOT NULL,
    model TEXT NOT NULL DEFAULT '', curve TEXT, ub_base REAL NOT NULL DEFAULT 0, hl REAL NOT NULL DEFAULT 0, key REAL NOT NULL DEFAULT 0) WITHOUT ROWID;
`;
const ORDER_INDEXES = `
  CREATE INDEX IF NOT EXISTS lead_index_base ON lead_index (ub_base DESC, lead_id) WHERE ub_base > 0 OR hl = 0;
  CREATE INDEX IF NOT EXISTS lead_index_decay ON lead_index (hl, key DESC, lead_id) WHERE hl > 0;
`;
/** Columns the first version of the table lacked; its rows keep their stored score until the lead re-indexes. */
const ADDED_COLUMNS = ["model TEXT NOT NULL DEFAULT ''", "curve TEXT", "ub_base REAL NOT NULL DEFAULT 0", "hl REAL NOT NULL DEFAULT 0", "key REAL NOT NULL DEFAULT 0"];

/**
 * Creates the index, or migrates a table of the first schema in place: new columns, and each old
 * row listed at its stored score (`ub_base = score`, no decaying part) until its lead next
 * re-indexes (its next event, alarm or re-score; its record has no curve in the index, so it does).
 *
 * @example migrateLeadIndex(ctx.storage.sql) // in the Site object's constructor
 */
export function migrateLeadIndex(sql: SqlStorage): void {
  sql.exec(LEAD_INDEX_SCHEMA);
  const columns = new Set(sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('lead_index')").toArray().map((c) => c.name));
  if (!columns.has("curve")) {
    for (const column of ADDED_COLUMNS) if (!columns.has(column.split(" ")[0]!)) sql.exec(`ALTER TABLE lead_index ADD COLUMN ${column}`);
    sql.exec("UPDATE lead_index SET ub_base = score, hl = 0, key = 0 WHERE curve IS NULL");
  }
  sql.exec(ORDER_INDEXES);
}

/**
 * Writes one lead's row, unless the row holds a newer one (entries can arrive out of order).
 *
 * @example upsertIndexRow(sql, { leadId, userId, score: 42, label: "warm", stage: "MQL", model: "b2b", curve, updatedAt: now })
 */
export function upsertIndexRow(sql: SqlStorage, entry: LeadIndexEntry): void {
  const keys = entry.curve ? orderKeys(entry.curve, entry.updatedAt) : { ubBase: entry.score, hl: 0, key: 0 };
  sql.exec(
    `INSERT INTO lead_index (lead_id, user_id, score, label, stage, updated_at, model, curve, ub_base, hl, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (lead_id) DO UPDATE SET user_id = excluded.user_id, score = excluded.score, label = excluded.label, stage = excluded.stage, updated_at = excluded.updated_at,
       model = excluded.model, curve = excluded.curve, ub_base = excluded.ub_base, hl = excluded.hl, key = excluded.key
     WHERE excluded.updated_at >= lead_index.updated_at`,
    entry.leadId, entry.userId, entry.score, entry.label, entry.stage, entry.updatedAt, entry.model ?? "", entry.curve ? JSON.stringify(entry.curve) : null, keys.ubBase, keys.hl, keys.key,
  );
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

/** Rows read from one list at a time. */
const CHUNK = 64;
/** A search scores at most this many matching leads: a wider search asks for a longer prefix. */
export const SEARCH_CAP = 1_000;

type Row = {
  lead_id: string;
  user_id: string | null;
  score: number;
  label: string;
  stage: string;
  model: string;
  updated_at: number;
  curve: string | null;
  ub_base: number;
  hl: number;
  key: number;
};

const COLUMNS = "lead_id, user_id, score, label, stage, model, updated_at, curve, ub_base, hl, key";

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

/** One list read in descending key order, a chunk at a time (keyset on key and lead id). */
class SortedList {
  #buffer: Row[] = [];
  #last: { value: number; leadId: string } | null = null;
  /** True once a read came back short: nothing is left to read from SQLite. */
  #drained = false;
  /** True once every row of the list was read. */
  exhausted = false;
  /** The key of the last row read: every unread row of this list is at or below it. */
  frontier = Number.POSITIVE_INFINITY;

  constructor(
    private readonly read: (after: { value: number; leadId: string } | null) => Row[],
    private readonly keyOf: (row: Row) => number,
  ) {}

  next(): Row | null {
    if (this.#buffer.length === 0 && !this.#drained) {
      this.#buffer = this.read(this.#last);
      this.#drained = this.#buffer.length < CHUNK;
    }
    const row = this.#buffer.shift();
    if (!row) {
      this.exhausted = true;
      return null;
    }
    this.#last = { value: this.keyOf(row), leadId: row.lead_id };
    this.frontier = this.keyOf(row);
    if (this.#buffer.length === 0 && this.#drained) this.exhausted = true;
    return row;
  }
}

/**
 * A page of the index by the score at `query.at`, highest first, after `query.after`.
 *
 * @example listLeadPage(sql, { label: "hot", limit: 50, at: Date.now() }) // { leads: [...], more: true, rowsScanned: 128 }
 */
export function listLeadPage(sql: SqlStorage, query: LeadListQuery): LeadListPage {
  if (query.q !== undefined) return searchPage(sql, query);
  const { clause, binds } = filterSql(query);
  const { at, after, limit } = query;
  const baseList = new SortedList(
    (last) =>
      sql.exec<Row>(
        `SELECT ${COLUMNS} FROM lead_index WHERE (ub_base > 0 OR hl = 0) ${clause} ${last ? "AND (ub_base < ? OR (ub_base = ? AND lead_id > ?))" : ""} ORDER BY ub_base DESC, lead_id LIMIT ${CHUNK}`,
        ...binds, ...(last ? [last.value, last.value, last.leadId] : []),
      ).toArray(),
    (row) => row.ub_base,
  );
  const decayLists = halfLifeClasses(sql).map((hl) => ({
    hl,
    list: new SortedList(
      (last) =>
        sql.exec<Row>(
          `SELECT ${COLUMNS} FROM lead_index WHERE hl > 0 AND hl = ? ${clause} ${last ? "AND (key < ? OR (key = ? AND lead_id > ?))" : ""} ORDER BY hl, key DESC, lead_id LIMIT ${CHUNK}`,
          hl, ...binds, ...(last ? [last.value, last.value, last.leadId] : []),
        ).toArray(),
      (row) => row.key,
    ),
  }));

  const seen = new Set<string>();
  // The best `limit + 1` rows after the cursor so far, in listing order: one more tells `more`.
  const best: ListedLead[] = [];
  let scanned = 0;
  const consider = (row: Row | null) => {
    if (!row || seen.has(row.lead_id)) return;
    seen.add(row.lead_id);
    scanned += 1;
    const lead = listed(row, at);
    if (after && !before(after, lead)) return;
    let i = best.length;
    while (i > 0 && before(lead, best[i - 1]!)) i -= 1;
    if (i <= limit) best.splice(i, 0, lead);
    if (best.length > limit + 1) best.pop();
  };
  for (;;) {
    consider(baseList.next());
    for (const { list } of decayLists) if (!list.exhausted) consider(list.next());
    const open = decayLists.filter((d) => !d.list.exhausted);
    if (baseList.exhausted && open.length === 0) break;
    // Every unread row is under this bound (see ./index-curve.ts orderKeys); a little slack covers floating point.
    const baseBound = baseList.exhausted ? Number.NEGATIVE_INFINITY : baseList.frontier;
    const decayBase = baseList.exhausted ? 0 : Math.max(baseList.frontier, 0);
    const decayBound = open.reduce((bound, d) => Math.max(bound, upperBound({ hl: d.hl, key: d.list.frontier }, decayBase, at)), Number.NEGATIVE_INFINITY);
    const bound = Math.max(baseBound, decayBound);
    const threshold = Math.round((bound + 1e-9 * Math.max(1, Math.abs(bound))) * 100) / 100;
    const last = best[limit];
    if (last && last.score > threshold) break;
  }
  return { leads: best.slice(0, limit), more: best.length > limit, rowsScanned: scanned };
}

/** The half-life classes rows use now, each found by one index seek. */
function halfLifeClasses(sql: SqlStorage): number[] {
  const classes: number[] = [];
  for (let after = 0; ; ) {
    const row = sql.exec<{ hl: number | null }>("SELECT MIN(hl) AS hl FROM lead_index WHERE hl > 0 AND hl > ?", after).one();
    if (row.hl === null) return classes;
    classes.push(row.hl);
    after = row.hl;
  }
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
