/**
 * Lead objects stored by earlier versions kept their keys in a table of their own,
 * `kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID`, with the same keys and values the Lead
 * object now keeps through the platform's key-value API (`ctx.storage.kv`). Creating that table cost
 * every new lead two rows written (its schema row and its root), so new objects no longer have it, and
 * an old one hands its rows over on first wake-up.
 */

/** The old table's name: not one the platform reserves (its own tables start with `_cf_`). */
const LEGACY_TABLE = "kv";

/** What a migration cost, as Cloudflare bills it: SQL cursors' own counts, one row written per key put. */
export interface MigrationCost {
  rowsRead: number;
  rowsWritten: number;
  /** Keys moved from the old table (0 for an object that never had it). */
  moved: number;
}

/**
 * Moves the old table's rows into `storage.kv` and drops the table, in one transaction, when there is
 * one. Finding out costs one lookup in `sqlite_master` (its rows read are counted), whether or not
 * there is anything to move; a new object creates nothing.
 *
 * @example const cost = migrateKvTable(ctx.storage) // { rowsRead: 1, rowsWritten: 0, moved: 0 } for a new lead
 */
export function migrateKvTable(storage: DurableObjectStorage): MigrationCost {
  const cost: MigrationCost = { rowsRead: 0, rowsWritten: 0, moved: 0 };
  const run = (query: string) => {
    const cursor = storage.sql.exec<{ k: string; v: string }>(query);
    const rows = cursor.toArray();
    cost.rowsRead += cursor.rowsRead;
    cost.rowsWritten += cursor.rowsWritten;
    return rows;
  };
  if (run(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${LEGACY_TABLE}'`).length === 0) return cost;
  storage.transactionSync(() => {
    for (const { k, v } of run(`SELECT k, v FROM ${LEGACY_TABLE}`)) {
      storage.kv.put(k, v);
      cost.rowsWritten += 1;
      cost.moved += 1;
    }
    run(`DROP TABLE ${LEGACY_TABLE}`);
  });
  return cost;
}
