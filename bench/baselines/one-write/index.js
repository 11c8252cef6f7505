// Baseline: the least a per-lead Durable Object design can do. Parse the collect body, route to the
// visitor's object by name (the same lead-id distribution as the real worker), write one row there and
// answer. No validation, no scoring, no outbox, no alarm: the floor the real collect path is held against.
import { DurableObject } from "cloudflare:workers";

export class OneWrite extends DurableObject {
  #sql;

  constructor(ctx, env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, ts INTEGER NOT NULL) WITHOUT ROWID");
  }

  /** One row written per call: the event id, so the table grows like the real one. */
  write(id, ts) {
    return this.#sql.exec("INSERT OR IGNORE INTO events (id, ts) VALUES (?, ?)", id, ts).rowsWritten;
  }
}

export default {
  async fetch(request, env) {
    const batch = await request.json();
    const stub = env.ONE_WRITE.getByName(`${batch.s}/${batch.a}`);
    const rowsWritten = await stub.write(batch.e[0].i, Date.now());
    return Response.json({ rowsWritten });
  },
};
