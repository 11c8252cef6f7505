import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";

/** Expired rows are swept when a session is created: sign-ins are rare, so the table stays tiny. */
const SCHEMA = "CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)";

/**
 * The console's sessions, in one object for the whole worker (operator traffic is a person at a
 * browser, not a hot path). A signed cookie alone could not be taken back before it expires; this
 * table is an allow-list, so signing out deletes the row and the very same cookie stops working at
 * once, in every isolate.
 */
export class SessionObject extends DurableObject<Env> {
  #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA);
  }

  /** Records a new session that lasts until `expiresAt`. */
  create(id: string, now: number, expiresAt: number): void {
    this.#sql.exec("DELETE FROM sessions WHERE expires_at <= ?", now);
    this.#sql.exec("INSERT INTO sessions (id, created_at, expires_at) VALUES (?, ?, ?)", id, now, expiresAt);
  }

  /** Whether the session exists, has not been ended and has not expired. */
  isActive(id: string, now: number): boolean {
    return this.#sql.exec("SELECT 1 FROM sessions WHERE id = ? AND expires_at > ?", id, now).toArray().length > 0;
  }

  /** Ends a session; answers whether it was active. */
  end(id: string): boolean {
    return this.#sql.exec("DELETE FROM sessions WHERE id = ?", id).rowsWritten > 0;
  }

  /** Sessions not yet expired (tests and the operator's own curiosity). */
  count(now: number): number {
    return this.#sql.exec<{ n: number }>("SELECT count(*) AS n FROM sessions WHERE expires_at > ?", now).one().n;
  }
}
