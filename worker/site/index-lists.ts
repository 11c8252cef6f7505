/**
 * The lists a listing of the lead index reads (./lead-index.ts): each (hl, bb, label) list of scoring
 * rows through the order index, best bound first, and the unscored rows from the table by lead id.
 */

/**
 * Rows that score: anything with a decaying part, or lasting points other than 0. The rest (a visitor
 * whose events earned nothing yet, most of a site's one-page visits) is the *unscored* set: bound 0 and
 * score 0 (or below, once an absence step fires), listed after every scoring lead in lead id order, from
 * the table itself. It stays out of the order index, so listing such a lead costs one row, not two.
 */
export const SCORED = "(hl <> 0 OR key <> 0)";

/** Rows read from one list at a time, growing fourfold per read up to MAX_CHUNK. */
const FIRST_CHUNK = 8;
const MAX_CHUNK = 256;

/** A lead_index row as a listing reads it. */
export type Row = {
  lead_id: string;
  user_id: string | null;
  score: number;
  label: string;
  stage: string;
  model: string;
  updated_at: number;
  curve: string | null;
  hl: number;
  bb: number;
  key: number;
};

export const COLUMNS = "lead_id, user_id, score, label, stage, model, updated_at, curve, hl, bb, key";

/** Where a listing reads rows from, best bound first within each source. */
export interface RowSource {
  readonly keys: { hl: number; bb: number; label: string };
  peek(): Row | null;
  take(): Row;
}

/** A source read a chunk at a time: few rows at first (most lists add little to a first page), more later. */
abstract class ChunkedRows implements RowSource {
  abstract readonly keys: { hl: number; bb: number; label: string };
  #buffer: Row[] = [];
  #drained = false;
  #chunk = FIRST_CHUNK;

  /** Up to `limit` rows after the last one taken, in the source's order. */
  protected abstract read(limit: number): Row[];
  /** Remembers where the source goes on from. */
  protected abstract taken(row: Row): void;

  /** The next unread row, left unread; null once the source is read out. */
  peek(): Row | null {
    if (this.#buffer.length === 0 && !this.#drained) {
      this.#buffer = this.read(this.#chunk);
      this.#drained = this.#buffer.length < this.#chunk;
      this.#chunk = Math.min(MAX_CHUNK, this.#chunk * 4);
    }
    return this.#buffer[0] ?? null;
  }

  take(): Row {
    const row = this.#buffer.shift()!;
    this.taken(row);
    return row;
  }
}

/** One list, (hl, bb, label), read in descending key order (keyset on key and lead id). */
export class OrderList extends ChunkedRows {
  #last: { key: number; leadId: string } | null = null;

  constructor(
    private readonly sql: SqlStorage,
    readonly keys: { hl: number; bb: number; label: string },
    private readonly filter: { clause: string; binds: unknown[] },
  ) {
    super();
  }

  protected read(limit: number): Row[] {
    const { clause, binds } = this.filter;
    const last = this.#last;
    return this.sql
      .exec<Row>(
        `SELECT ${COLUMNS} FROM lead_index WHERE hl = ? AND bb = ? AND label = ? AND ${SCORED} ${clause} ${last ? "AND (key < ? OR (key = ? AND lead_id > ?))" : ""} ORDER BY hl, bb, label, key DESC, lead_id LIMIT ${limit}`,
        this.keys.hl, this.keys.bb, this.keys.label, ...binds, ...(last ? [last.key, last.key, last.leadId] : []),
      )
      .toArray();
  }

  protected taken(row: Row): void {
    this.#last = { key: row.key, leadId: row.lead_id };
  }
}

/**
 * The unscored rows (see SCORED), read from the table in lead id order: every one is bound by 0, so
 * they follow every scoring list, and among those scoring exactly 0 the listing's own order is lead id.
 */
export class UnscoredList extends ChunkedRows {
  readonly keys = { hl: 0, bb: 0, label: "" };
  #last: string | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly filter: { clause: string; binds: unknown[] },
  ) {
    super();
  }

  protected read(limit: number): Row[] {
    const { clause, binds } = this.filter;
    const after = this.#last === null ? [] : [this.#last];
    return this.sql.exec<Row>(`SELECT ${COLUMNS} FROM lead_index WHERE NOT ${SCORED} ${clause} ${after.length ? "AND lead_id > ?" : ""} ORDER BY lead_id LIMIT ${limit}`, ...binds, ...after).toArray();
  }

  protected taken(row: Row): void {
    this.#last = row.lead_id;
  }
}

/** The (hl, bb, label) lists scoring rows use now, each found by one index seek. */
export function orderLists(sql: SqlStorage): Array<{ hl: number; bb: number; label: string }> {
  const lists: Array<{ hl: number; bb: number; label: string }> = [];
  for (let after = { hl: -1, bb: 0, label: "" }; ; ) {
    const row = sql
      .exec<{ hl: number; bb: number; label: string }>(`SELECT hl, bb, label FROM lead_index WHERE (hl, bb, label) > (?, ?, ?) AND ${SCORED} ORDER BY hl, bb, label LIMIT 1`, after.hl, after.bb, after.label)
      .toArray()[0];
    if (!row) return lists;
    lists.push(row);
    after = row;
  }
}
