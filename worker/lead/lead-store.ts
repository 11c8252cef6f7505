import type { ScoringEvent } from "../scoring";
import { DEDUP_WINDOW_MS } from "./dedup";
import type { HistoryEntry } from "./history";
import type { BatchRow, LeadRecord } from "./types";

/**
 * The Lead object's one table. One table, not three: creating a table writes a row of the schema, and
 * a new lead's first request should cost the rows it stores, not its tables. WITHOUT ROWID keeps it one
 * b-tree, so an insert is one row written rather than a row plus an index entry. Keys:
 *   lead                    the record (see LeadRecord)
 *   merged_into             the known lead this anonymous one was merged into
 *   b:<receivedAt>:<id>     a batch of events, received-at zero-padded so the dedup window is one range scan
 * A batch row's value is its event ids as JSON, a NUL, the events as JSON (JSON text never holds
 * a raw NUL), so the dedup window loads without parsing the events, and, when the batch carries score
 * history, a NUL and its entries as JSON.
 */
const SCHEMA = "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID";

const RECORD_KEY = "lead";
const MERGED_INTO_KEY = "merged_into";
const BATCH_PREFIX = "b:";
/** Sorts after every batch key ("b;" follows "b:"). */
const BATCH_END = "b;";

function idsOf(value: string): string[] {
  return JSON.parse(value.slice(0, value.indexOf("\u0000"))) as string[];
}

/** A batch row's value split into its parts: ids, events and history, each JSON text. */
function partsOf(value: string): { ids: string; events: string; history: string | null } {
  const first = value.indexOf("\u0000");
  const second = value.indexOf("\u0000", first + 1);
  return { ids: value.slice(0, first), events: value.slice(first + 1, second < 0 ? undefined : second), history: second < 0 ? null : value.slice(second + 1) };
}

function receivedAtOf(key: string): number {
  return Number(key.slice(BATCH_PREFIX.length, BATCH_PREFIX.length + 15));
}

function batchKey(receivedAt: number, firstId: string): string {
  return `${BATCH_PREFIX}${String(receivedAt).padStart(15, "0")}:${firstId}`;
}

/**
 * SQLite storage that counts what it costs: every statement's own `rowsWritten` and `rowsRead` are
 * summed here (and an alarm write is billed as one row), so no caller threads counters by hand.
 */
export class LeadStore {
  rowsWritten = 0;
  rowsRead = 0;

  constructor(private readonly storage: DurableObjectStorage) {
    this.#exec(SCHEMA);
  }

  /**
   * Runs `fn` and answers what it cost in rows: a request's own share of the counters.
   *
   * @example const { value: d, rowsWritten } = store.counted(() => commit(request))
   */
  counted<T>(fn: () => T): { value: T; rowsWritten: number; rowsRead: number } {
    const written = this.rowsWritten;
    const read = this.rowsRead;
    const value = fn();
    return { value, rowsWritten: this.rowsWritten - written, rowsRead: this.rowsRead - read };
  }

  #exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]): T[] {
    const cursor = this.storage.sql.exec<T>(query, ...bindings);
    const rows = cursor.toArray();
    this.rowsWritten += cursor.rowsWritten;
    this.rowsRead += cursor.rowsRead;
    return rows;
  }

  #get<T>(key: string): T | null {
    const row = this.#exec<{ v: string }>("SELECT v FROM kv WHERE k = ?", key)[0];
    return row ? (JSON.parse(row.v) as T) : null;
  }

  #set(key: string, value: unknown): void {
    this.#exec("INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", key, typeof value === "string" ? value : JSON.stringify(value));
  }

  record(): LeadRecord | null {
    const record = this.#get<LeadRecord>(RECORD_KEY);
    // Records written before events and the outbox rode in the record lack those fields.
    if (!record) return null;
    // Records written before a lead kept every code it was shown held one `promo`.
    const { promo, ...rest } = record as LeadRecord & { promo?: LeadRecord["promos"][number] | null };
    return { ...rest, pending: record.pending ?? [], eventNames: record.eventNames ?? [], promos: record.promos ?? (promo ? [promo] : []), outbox: record.outbox ?? [] };
  }

  saveRecord(record: LeadRecord): void {
    this.#set(RECORD_KEY, record);
  }

  mergedInto(): string | null {
    return this.#get<string>(MERGED_INTO_KEY);
  }

  setMergedInto(target: string): void {
    this.#set(MERGED_INTO_KEY, target);
  }

  addBatch(batch: BatchRow): void {
    const history = batch.history?.length ? `\u0000${JSON.stringify(batch.history)}` : "";
    this.#set(batchKey(batch.receivedAt, batch.firstId), `${JSON.stringify(batch.events.map((e) => e.id))}\u0000${JSON.stringify(batch.events)}${history}`);
  }

  /** Ids of the batch rows received within the dedup window, oldest first. */
  knownIds(now: number): Map<string, number> {
    const known = new Map<string, number>();
    for (const row of this.#exec<{ k: string; v: string }>("SELECT k, v FROM kv WHERE k > ? AND k < ? ORDER BY k", batchKey(now - DEDUP_WINDOW_MS, ""), BATCH_END)) {
      const receivedAt = receivedAtOf(row.k);
      for (const id of idsOf(row.v)) known.set(id, receivedAt);
    }
    return known;
  }

  /** Every stored batch's events, in the order they were stored. */
  events(): ScoringEvent[] {
    return this.#batches().flatMap((v) => JSON.parse(partsOf(v).events) as ScoringEvent[]);
  }

  /** Every stored batch's score history entries, in the order they were stored. */
  history(): HistoryEntry[] {
    return this.#batches().flatMap((v) => {
      const { history } = partsOf(v);
      return history ? (JSON.parse(history) as HistoryEntry[]) : [];
    });
  }

  /** The batch rows received before `cutoff`, oldest first: what retention folds. */
  batchesBefore(cutoff: number): BatchRow[] {
    return this.#exec<{ k: string; v: string }>("SELECT k, v FROM kv WHERE k > ? AND k < ? ORDER BY k", BATCH_PREFIX, batchKey(cutoff, "")).map(({ k, v }) => {
      const parts = partsOf(v);
      const row: BatchRow = { receivedAt: receivedAtOf(k), firstId: k.slice(BATCH_PREFIX.length + 16), events: JSON.parse(parts.events) as ScoringEvent[] };
      if (parts.history) row.history = JSON.parse(parts.history) as HistoryEntry[];
      return row;
    });
  }

  /** The instant the oldest batch row was received, or null when there is none. */
  oldestBatchAt(): number | null {
    const row = this.#exec<{ k: string }>("SELECT k FROM kv WHERE k > ? AND k < ? ORDER BY k LIMIT 1", BATCH_PREFIX, BATCH_END)[0];
    return row ? receivedAtOf(row.k) : null;
  }

  /** Deletes the batch rows received before `cutoff` (retention: the caller folded them first). */
  deleteBatchesBefore(cutoff: number): void {
    this.#exec("DELETE FROM kv WHERE k > ? AND k < ?", BATCH_PREFIX, batchKey(cutoff, ""));
  }

  eventCount(): number {
    return this.#batches().reduce((n, v) => n + idsOf(v).length, 0);
  }

  #batches(): string[] {
    return this.#exec<{ v: string }>("SELECT v FROM kv WHERE k > ? AND k < ? ORDER BY k", BATCH_PREFIX, BATCH_END).map((r) => r.v);
  }

  /**
   * Writes one decision in one transaction: its batch row and its record, either of which may be
   * absent (nothing is written for neither).
   */
  commit(batch: BatchRow | null, record: LeadRecord | null): void {
    if (!batch && !record) return;
    // One statement is atomic by itself: most requests write the record alone, without a savepoint.
    if (!batch || !record) return batch ? this.addBatch(batch) : this.saveRecord(record!);
    this.storage.transactionSync(() => {
      if (batch) this.addBatch(batch);
      if (record) this.saveRecord(record);
    });
  }

  /** Forgets every batch row (a merge handed them over) and saves `record`, in one transaction. */
  release(record: LeadRecord): void {
    this.storage.transactionSync(() => {
      this.#exec("DELETE FROM kv WHERE k > ? AND k < ?", BATCH_PREFIX, BATCH_END);
      this.saveRecord(record);
    });
  }

  /**
   * Retention: when batch rows older than `cutoff` exist, `fold` makes the record that keeps what they
   * counted, and the rows are deleted as it is saved, in one transaction. Answers that record (null
   * when nothing was due) and the oldest row left.
   */
  foldBefore(cutoff: number, fold: (rows: BatchRow[]) => LeadRecord): { record: LeadRecord | null; oldest: number | null } {
    const oldest = this.oldestBatchAt();
    if (oldest === null || oldest >= cutoff) return { record: null, oldest };
    const record = fold(this.batchesBefore(cutoff));
    this.storage.transactionSync(() => {
      this.deleteBatchesBefore(cutoff);
      this.saveRecord(record);
    });
    return { record, oldest: this.oldestBatchAt() };
  }

  async setAlarm(at: number): Promise<void> {
    this.rowsWritten += 1;
    await this.storage.setAlarm(at);
  }

  async eraseAll(): Promise<void> {
    await this.storage.deleteAlarm();
    await this.storage.deleteAll();
    this.#exec(SCHEMA);
  }
}
