import type { ScoringEvent } from "../scoring";
import { DEDUP_WINDOW_MS } from "./dedup";
import type { HistoryEntry } from "./history";
import { migrateKvTable } from "./kv-table-migration";
import type { BatchRow, LeadRecord } from "./types";

/**
 * The Lead object's storage: the platform's synchronous key-value API (`ctx.storage.kv`), whose
 * hidden SQLite table the runtime keeps, so a new lead's first request costs the rows it stores and no
 * table of its own (objects stored by earlier versions hand theirs over: ./kv-table-migration.ts).
 * Keys sort as their UTF-8 bytes, so a range of keys is one `list()`. Keys:
 *   lead                    the record (see LeadRecord)
 *   merged_into             the known lead this anonymous one was merged into
 *   b:<receivedAt>:<id>     a batch of events, received-at zero-padded so the dedup window is one range
 * Values are strings. A batch's value is its event ids as JSON, a NUL, the events as JSON (JSON text
 * never holds a raw NUL), so the dedup window loads without parsing the events, and, when the batch
 * carries score history, a NUL and its entries as JSON.
 */
const RECORD_KEY = "lead";
const MERGED_INTO_KEY = "merged_into";
const BATCH_PREFIX = "b:";
/** Sorts after every batch key ("b;" follows "b:"). */
const BATCH_END = "b;";
/** Every batch row, and nothing else. */
const ALL_BATCHES: SyncKvListOptions = { startAfter: BATCH_PREFIX, end: BATCH_END };

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

/** The batch rows received before `cutoff`. */
function receivedBefore(cutoff: number): SyncKvListOptions {
  return { startAfter: BATCH_PREFIX, end: batchKey(cutoff, "") };
}

/**
 * Key-value storage that counts what it costs, as Cloudflare bills the key-value methods: one row read
 * per key a `get()` looks up or a `list()` returns, one row written per key put or deleted (a range
 * delete: one per key), one per `setAlarm()`. No caller threads counters by hand.
 */
export class LeadStore {
  rowsWritten = 0;
  rowsRead = 0;
  readonly #kv: SyncKvStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.#kv = storage.kv;
    const migrated = migrateKvTable(storage);
    this.rowsRead += migrated.rowsRead;
    this.rowsWritten += migrated.rowsWritten;
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

  #get(key: string): string | null {
    const value = this.#kv.get<string>(key);
    this.rowsRead += 1;
    return value ?? null;
  }

  #set(key: string, value: string): void {
    this.#kv.put(key, value);
    this.rowsWritten += 1;
  }

  #list(options: SyncKvListOptions): Array<[string, string]> {
    const rows = [...this.#kv.list<string>(options)];
    this.rowsRead += rows.length;
    return rows;
  }

  /** Deletes every key in a range: the keys are listed (rows read), then each deleted (a row written each). */
  #deleteRange(options: SyncKvListOptions): void {
    for (const [key] of this.#list(options)) {
      this.#kv.delete(key);
      this.rowsWritten += 1;
    }
  }

  record(): LeadRecord | null {
    const stored = this.#get(RECORD_KEY);
    // Records written before events and the outbox rode in the record lack those fields.
    if (!stored) return null;
    const record = JSON.parse(stored) as LeadRecord;
    // Records written before a lead kept every code it was shown held one `promo`.
    const { promo, ...rest } = record as LeadRecord & { promo?: LeadRecord["promos"][number] | null };
    return { ...rest, pending: record.pending ?? [], eventNames: record.eventNames ?? [], promos: record.promos ?? (promo ? [promo] : []), outbox: record.outbox ?? [] };
  }

  saveRecord(record: LeadRecord): void {
    this.#set(RECORD_KEY, JSON.stringify(record));
  }

  mergedInto(): string | null {
    // The lead id itself, not JSON: that is how it has always been stored.
    return this.#get(MERGED_INTO_KEY);
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
    for (const [key, value] of this.#list({ startAfter: batchKey(now - DEDUP_WINDOW_MS, ""), end: BATCH_END })) {
      const receivedAt = receivedAtOf(key);
      for (const id of idsOf(value)) known.set(id, receivedAt);
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
    return this.#list(receivedBefore(cutoff)).map(([k, v]) => {
      const parts = partsOf(v);
      const row: BatchRow = { receivedAt: receivedAtOf(k), firstId: k.slice(BATCH_PREFIX.length + 16), events: JSON.parse(parts.events) as ScoringEvent[] };
      if (parts.history) row.history = JSON.parse(parts.history) as HistoryEntry[];
      return row;
    });
  }

  /** The instant the oldest batch row was received, or null when there is none. */
  oldestBatchAt(): number | null {
    const [first] = this.#list({ ...ALL_BATCHES, limit: 1 });
    return first ? receivedAtOf(first[0]) : null;
  }

  /** Deletes the batch rows received before `cutoff` (retention: the caller folded them first). */
  deleteBatchesBefore(cutoff: number): void {
    this.#deleteRange(receivedBefore(cutoff));
  }

  eventCount(): number {
    return this.#batches().reduce((n, v) => n + idsOf(v).length, 0);
  }

  #batches(): string[] {
    return this.#list(ALL_BATCHES).map(([, v]) => v);
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
      this.#deleteRange(ALL_BATCHES);
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
  }
}
