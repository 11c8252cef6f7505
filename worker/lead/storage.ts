/**
 * The Lead object's tables. WITHOUT ROWID keeps each table one b-tree, so an insert is one row
 * written rather than a row plus an index entry: rows written are what a user pays for.
 */
export const LEAD_SCHEMA = `
  CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, ts INTEGER NOT NULL, name TEXT NOT NULL, json TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS outbox (message_id TEXT NOT NULL, endpoint_id TEXT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_error TEXT, PRIMARY KEY (message_id, endpoint_id)) WITHOUT ROWID;
`;

/** Keys of the meta table. */
export const META = {
  /** The lead's one hot row: identity, scoring state, the view last reported, the config version. */
  lead: "lead",
  mergedInto: "merged_into",
  promo: "promo",
} as const;

/** Typed access to the meta table, counting rows like the storage API does. */
export class MetaTable {
  constructor(readonly sql: SqlStorage) {}

  get<T>(key: string): T | null {
    const row = this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", key).toArray()[0];
    return row ? (JSON.parse(row.v) as T) : null;
  }

  set(key: string, value: unknown): number {
    return this.sql.exec("INSERT INTO meta (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", key, JSON.stringify(value)).rowsWritten;
  }

  delete(key: string): void {
    this.sql.exec("DELETE FROM meta WHERE k = ?", key);
  }
}
