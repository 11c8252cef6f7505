import type { ScoringEvent } from "../scoring";
import { DEDUP_WINDOW_MS } from "./dedup";
import type { BatchRow, LeadRecord } from "./types";

/**
 * The Lead object's tables. WITHOUT ROWID keeps each table one b-tree, so an insert is one row
 * written rather than a row plus an index entry: rows written are what a user pays for. A batch row
 * is keyed by its instant of receipt, so the dedup window is one range scan.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS batches (received_at INTEGER NOT NULL, first_id TEXT NOT NULL, ids TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (received_at, first_id)) WITHOUT ROWID;
`;

const RECORD_KEY = "lead";
const MERGED_INTO_KEY = "merged_into";

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

  #exec<T extends Record<string, SqlStorageValue>>(query: string, ...bindings: SqlStorageValue[]): T[] {
    const cursor = this.storage.sql.exec<T>(query, ...bindings);
    const rows = cursor.toArray();
    this.rowsWritten += cursor.rowsWritten;
    this.rowsRead += cursor.rowsRead;
    return rows;
  }

  #get<T>(key: string): T | null {
    const row = this.#exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", key)[0];
    return row ? (JSON.parse(row.v) as T) : null;
  }

  #set(key: string, value: unknown): void {
    this.#exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", key, JSON.stringify(value));
  }

  record(): LeadRecord | null {
    const record = this.#get<LeadRecord>(RECORD_KEY);
    // Records written before events and the outbox rode in the record lack those fields.
    return record && { ...record, pending: record.pending ?? [], eventNames: record.eventNames ?? [], promo: record.promo ?? null, outbox: record.outbox ?? [] };
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
    this.#exec("INSERT OR REPLACE INTO batches (received_at, first_id, ids, json) VALUES (?, ?, ?, ?)", batch.receivedAt, batch.firstId, batch.events.map((e) => e.id).join("\n"), JSON.stringify(batch.events));
  }

  /** Ids of the batch rows received within the dedup window, oldest first. */
  knownIds(now: number): Map<string, number> {
    const known = new Map<string, number>();
    for (const row of this.#exec<{ received_at: number; ids: string }>("SELECT received_at, ids FROM batches WHERE received_at > ? ORDER BY received_at", now - DEDUP_WINDOW_MS)) {
      for (const id of row.ids.split("\n")) known.set(id, row.received_at);
    }
    return known;
  }

  /** Every stored batch's events, oldest batch first; `newestFirst` reverses it, `limit` caps the events. */
  events(options: { newestFirst?: boolean; limit?: number } = {}): ScoringEvent[] {
    const order = options.newestFirst ? "DESC" : "ASC";
    const out: ScoringEvent[] = [];
    for (const row of this.#exec<{ json: string }>(`SELECT json FROM batches ORDER BY received_at ${order}, first_id ${order}`)) {
      const events = JSON.parse(row.json) as ScoringEvent[];
      out.push(...(options.newestFirst ? events.reverse() : events));
      if (options.limit !== undefined && out.length >= options.limit) return out.slice(0, options.limit);
    }
    return out;
  }

  eventCount(): number {
    return this.#exec<{ json: string }>("SELECT json FROM batches").reduce((n, r) => n + (JSON.parse(r.json) as unknown[]).length, 0);
  }

  /** Forgets the history (a merge handed it over), keeping the record the caller saves next. */
  clearEvents(): void {
    this.#exec("DELETE FROM batches");
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
