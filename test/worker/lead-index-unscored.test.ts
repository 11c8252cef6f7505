// Leads that score nothing yet (most one-page visits) are listed from the table itself, after every
// scoring lead, and have no entry in the order index: listing one costs one row written, not two.
// Real Site object storage; the listing read directly, with the SQL it runs metered.

import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { IndexCurve } from "../../worker/site/index-curve";
import { listLeadPage, migrateLeadIndex, unscoredKinds, upsertIndexRow, type LeadListQuery, type ListedLead } from "../../worker/site/lead-index";
import type { LeadIndexEntry } from "../../worker/site/SiteObject";
import { env, uniqueSite } from "./helpers";

const T0 = Date.UTC(2026, 10, 2, 9);
const HOUR = 3_600_000;

/** A curve of lasting points only (fit, steady behaviour), clamped at 0 from below unless `lo` says otherwise. */
function steady(points: number, extra: Partial<IndexCurve> = {}): IndexCurve {
  return { b: points, d: [], s: [], lo: 0, hi: null, ...extra };
}

/** 40 points at T0 that halve every hour. */
const FADING: IndexCurve = { b: 0, d: [[HOUR, Math.log2(40) + T0 / HOUR]], s: [], lo: 0, hi: null };

function entry(leadId: string, curve: IndexCurve, label = "cold", extra: Partial<LeadIndexEntry> = {}): LeadIndexEntry {
  return { leadId, userId: null, score: curve.b, label, stage: "lead", model: "shop", curve, updatedAt: T0, horizonEnd: null, ...extra };
}

/** The Site object's SQL with every cursor's rows read summed: what a listing really reads, matched rows or not. */
function metered(sql: SqlStorage): { sql: SqlStorage; rowsRead: () => number } {
  const cursors: SqlStorageCursor<Record<string, SqlStorageValue>>[] = [];
  const proxy = new Proxy(sql, {
    get(target, prop) {
      const value = Reflect.get(target, prop);
      if (prop !== "exec") return typeof value === "function" ? value.bind(target) : value;
      return (query: string, ...bindings: SqlStorageValue[]) => {
        const cursor = target.exec(query, ...bindings);
        cursors.push(cursor);
        return cursor;
      };
    },
  });
  return { sql: proxy, rowsRead: () => cursors.reduce((n, c) => n + c.rowsRead, 0) };
}

/** Every page of a listing, each after the previous page's last row. */
function allPages(sql: SqlStorage, query: Omit<LeadListQuery, "after">): ListedLead[][] {
  const pages: ListedLead[][] = [];
  let after: LeadListQuery["after"];
  for (;;) {
    const page = listLeadPage(sql, { ...query, ...(after ? { after } : {}) });
    pages.push(page.leads);
    if (!page.more) return pages;
    const last = page.leads.at(-1)!;
    after = { score: last.score, leadId: last.leadId };
  }
}

const id = (n: number) => `a_${String(n).padStart(4, "0")}`;

describe("the lead index's unscored leads", () => {
  it("writes one row for a lead that scores nothing yet and two for one that scores, and moves a lead between them", async () => {
    const stub = env.SITES.getByName(uniqueSite("unscored"));
    const rows = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      return {
        unscoredNew: upsertIndexRow(sql, entry("a_new0", steady(0))),
        scoringNew: upsertIndexRow(sql, entry("a_new5", steady(5))),
        // The page view that earns its first points: the row is rewritten and gains its order-index entry.
        startsScoring: upsertIndexRow(sql, entry("a_new0", steady(12), "cold", { updatedAt: T0 + 1 })),
        listed: sql.exec("SELECT lead_id FROM lead_index ORDER BY lead_id").toArray().map((r) => r.lead_id),
      };
    });
    expect(rows.unscoredNew).toBe(1);
    expect(rows.scoringNew).toBe(1 + 1);
    expect(rows.startsScoring).toBe(1 + 1);
    expect(rows.listed).toEqual(["a_new0", "a_new5"]);
  });

  it("lists them after every scoring lead, by lead id, and above leads below 0; paging on shows each lead once", async () => {
    const stub = env.SITES.getByName(uniqueSite("unscored"));
    const { whole, pages, expected } = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      const all: LeadIndexEntry[] = [
        entry("a_fit", steady(5), "warm"),
        entry("a_fading", FADING, "warm"),
        // Below 0 for good (negative points never decay): a scoring row, listed last.
        entry("a_minus", steady(-5, { lo: null })),
        // Nothing earned, and an absence step of -3 already due at the listing: bound 0, score -3.
        entry("a_absent", steady(0, { lo: null, s: [[T0 + HOUR, -3]] })),
        ...Array.from({ length: 23 }, (_, i) => entry(id(22 - i), steady(0))),
      ];
      for (const e of all) upsertIndexRow(sql, e);
      const at = T0 + 2 * HOUR;
      // 40 halved twice is 10: above the steady 5.
      const expected = ["a_fading", "a_fit", ...Array.from({ length: 23 }, (_, i) => id(i)), "a_absent", "a_minus"];
      return {
        whole: listLeadPage(sql, { limit: 500, at }).leads,
        pages: allPages(sql, { limit: 4, at, unscored: unscoredKinds(sql) }),
        expected,
      };
    });
    expect(whole.map((l) => l.leadId)).toEqual(expected);
    expect(whole.map((l) => l.score).slice(0, 3)).toEqual([40 / 2 / 2, 5, 0]);
    expect(whole.at(-2)!.score).toBe(-3);
    expect(whole.at(-1)!.score).toBe(-5);
    expect(pages.map((p) => p.length)).toEqual([4, 4, 4, 4, 4, 4, 3]);
    expect(pages.flat()).toEqual(whole);
  });

  it("reads a page of them, not all of them, for a page that ends among them", async () => {
    const stub = env.SITES.getByName(uniqueSite("unscored"));
    const page = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      for (let i = 0; i < 500; i++) upsertIndexRow(sql, entry(id(i), steady(0)));
      return listLeadPage(sql, { limit: 50, at: T0 });
    });
    expect(page.leads.map((l) => l.leadId)).toEqual(Array.from({ length: 50 }, (_, i) => id(i)));
    expect(page.more).toBe(true);
    // The page and the one row that tells another page follows: every later one comes after it by lead id.
    expect(page.rowsScanned).toBe(50 + 1);
  });

  it("does not scan the table for them when the filter asks for a kind of lead none of them is", async () => {
    const stub = env.SITES.getByName(uniqueSite("unscored"));
    const { gated, ungated, kinds } = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      for (let i = 0; i < 500; i++) upsertIndexRow(sql, entry(id(i), steady(0)));
      for (const n of [1, 2, 3]) upsertIndexRow(sql, entry(`a_hot${n}`, steady(60 + n), "hot"));
      const kinds = unscoredKinds(sql);
      const run = (unscored?: ReadonlySet<string>) => {
        const m = metered(sql);
        const page = listLeadPage(m.sql, { label: "hot", limit: 50, at: T0, ...(unscored ? { unscored } : {}) });
        return { leads: page.leads.map((l) => l.leadId), rowsRead: m.rowsRead() };
      };
      return { gated: run(kinds), ungated: run(), kinds: [...kinds] };
    });
    expect(kinds).toEqual(["cold\u0000lead\u0000shop"]);
    expect(gated.leads).toEqual(["a_hot3", "a_hot2", "a_hot1"]);
    expect(ungated.leads).toEqual(gated.leads);
    // Told which kinds the unscored rows are, the hot listing reads the hot list and the seeks that find the lists.
    expect(gated.rowsRead).toBeLessThan(20);
    // Not told, it must look through the table: every one of the 500 unscored rows.
    expect(ungated.rowsRead).toBeGreaterThanOrEqual(500);
  });

  it("replaces an order index that held every row with one that holds the scoring rows only", async () => {
    const stub = env.SITES.getByName(uniqueSite("unscored"));
    const { before, after, listed } = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      const indexes = () => sql.exec<{ name: string; sql: string }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'lead_index' AND sql IS NOT NULL ORDER BY name").toArray();
      // The index as the previous version made it.
      sql.exec("DROP INDEX lead_index_scored");
      sql.exec("CREATE INDEX lead_index_lists ON lead_index (hl, bb, label, key DESC, lead_id)");
      upsertIndexRow(sql, entry("a_zero", steady(0)));
      upsertIndexRow(sql, entry("a_five", steady(5)));
      const before = indexes().map((i) => i.name);
      migrateLeadIndex(sql);
      return { before, after: indexes(), listed: listLeadPage(sql, { limit: 10, at: T0 }).leads.map((l) => [l.leadId, l.score]) };
    });
    expect(before).toEqual(["lead_index_lists"]);
    expect(after.map((i) => i.name)).toEqual(["lead_index_scored"]);
    expect(after[0]!.sql).toContain("WHERE (hl <> 0 OR key <> 0)");
    expect(listed).toEqual([["a_five", 5], ["a_zero", 0]]);
  });
});
