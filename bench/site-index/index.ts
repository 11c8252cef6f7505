/**
 * The bench's site-index Worker: the real Site object's index (upserts and listing) next to the least
 * an index could do, so `npm run bench` can say how many index updates one Site object absorbs as a
 * ratio to that baseline, and how long a page takes at 100,000 leads.
 *
 *   POST /upsert/{site|plain}/{name}   body: LeadIndexEntry[]; one RPC to that object
 *   POST /list/{name}                  body: the listing query; answers the page and rows scanned
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../worker/env";
import type { LeadIndexEntry } from "../../worker/site/SiteObject";
import type { LeadListQuery } from "../../worker/site/lead-index";

export { LeadObject, SiteObject } from "../../worker/index";

/** Baseline: one row per entry, keyed by lead id, no curve, no order keys, no secondary index. */
export class PlainIndex extends DurableObject<Env> {
  #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec("CREATE TABLE IF NOT EXISTS plain (lead_id TEXT PRIMARY KEY, score REAL NOT NULL, label TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID");
  }

  upsertLeads(entries: LeadIndexEntry[]): void {
    for (const e of entries) {
      this.#sql.exec(
        "INSERT INTO plain (lead_id, score, label, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (lead_id) DO UPDATE SET score = excluded.score, label = excluded.label, updated_at = excluded.updated_at",
        e.leadId, e.score, e.label, e.updatedAt,
      );
    }
  }
}

interface BenchEnv extends Env {
  PLAIN: DurableObjectNamespace<PlainIndex>;
}

export default {
  async fetch(request: Request, env: BenchEnv): Promise<Response> {
    const [, action, kind, name] = new URL(request.url).pathname.split("/");
    const body = await request.json();
    if (action === "upsert") {
      const stub = kind === "plain" ? env.PLAIN.getByName(name!) : env.SITES.getByName(name!);
      await stub.upsertLeads(body as LeadIndexEntry[]);
      return new Response(null, { status: 204 });
    }
    if (action === "list") return Response.json(await env.SITES.getByName(kind!).listLeads(body as LeadListQuery));
    return new Response("not found", { status: 404 });
  },
};
