// A Lead object stored by an earlier version keeps its keys in a `kv` table of its own; on its next
// wake-up it hands them to the key-value API and drops the table, and the lead goes on as before.
import { evictAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { adminFetch, getLead, leadObject, pageView, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

/** The table earlier versions created in every Lead object. */
const OLD_SCHEMA = "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID";

async function exported(site: string, ref: string): Promise<{ status: number; ids: string[] }> {
  const res = await adminFetch(`/v1/sites/${site}/leads/${encodeURIComponent(ref)}/events?limit=500`);
  const body = (await res.json()) as any;
  return { status: res.status, ids: (body.events ?? []).map((e: any) => e.id) };
}

async function history(site: string, ref: string, to: number): Promise<any> {
  const res = await adminFetch(`/v1/sites/${site}/leads/${encodeURIComponent(ref)}/history?to=${to}`);
  expect(res.status).toBe(200);
  return res.json();
}

function storage(stub: DurableObjectStub) {
  return runInDurableObject(stub, (_instance, state) => ({
    oldTable: state.storage.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'kv'").toArray().length > 0,
    keys: [...state.storage.kv.list()].map(([k]) => k),
  }));
}

describe("a Lead object stored in the old kv table", () => {
  it("is migrated in place on wake-up: score, dedup, export, history and erasure all hold", async () => {
    const site = uniqueSite("migrate");
    await putConfig(site, shopConfig(site));
    const anon = `migrate-${crypto.randomUUID().slice(0, 8)}`;
    // 3 + 25 events: the record fills and they are flushed to a batch row; 2 more ride in the record.
    const first = [wire("t", "cart_add"), wire("t", "chat_open"), pageView("/pricing")];
    const pages = Array.from({ length: 25 }, () => pageView("/"));
    const riding = [wire("t", "chat_open"), pageView("/directions")];
    for (const events of [first, pages, riding]) expect((await send(site, anon, events)).body.accepted).toBe(events.length);
    // 25 (cart) + 10 + 10 (chat twice) + 30 (pricing) + 20 (directions) + 10 * 1 (pages, capped)
    const score = 25 + 2 * 10 + 30 + 20 + 10 * 1;
    expect((await getLead(site, anon)).body.score).toBe(score);
    const sent = [...first, ...pages, ...riding].map((e) => e.i);
    const before = Date.now();
    const historyBefore = await history(site, anon, before);

    // What an earlier version stored: the same keys and values, in its own table.
    const stub = await leadObject(site, anon);
    const moved = await runInDurableObject(stub, (_instance, state) => {
      const entries = [...state.storage.kv.list<string>()];
      state.storage.sql.exec(OLD_SCHEMA);
      for (const [k, v] of entries) {
        state.storage.sql.exec("INSERT INTO kv (k, v) VALUES (?, ?)", k, v);
        state.storage.kv.delete(k);
      }
      return entries.map(([k]) => k);
    });
    expect(moved).toContain("lead");
    expect(moved.filter((k) => k.startsWith("b:")).length).toBeGreaterThan(0);
    expect(await storage(stub)).toEqual({ oldTable: true, keys: [] });
    await evictAllDurableObjects();

    // The first request after wake-up scores on top of the old state: chat is uncapped.
    const next = wire("t", "chat_open");
    expect((await send(site, anon, [next])).body).toMatchObject({ accepted: 1, duplicates: 0, lead: { score: score + 10 } });
    expect(await storage(await leadObject(site, anon))).toEqual({ oldTable: false, keys: moved });
    // An old id, from the batch row and from the record, is still known.
    expect((await send(site, anon, [first[1]!, riding[0]!])).body).toMatchObject({ accepted: 0, duplicates: 2 });
    expect((await getLead(site, anon)).body.score).toBe(score + 10);
    const all = await exported(site, anon);
    expect(all.status).toBe(200);
    expect(all.ids.sort()).toEqual([...sent, next.i].sort());
    // The timeline up to the migration is the one stored before it.
    expect(await history(site, anon, before)).toEqual(historyBefore);

    expect((await adminFetch(`/v1/sites/${site}/leads/${anon}`, { method: "DELETE" })).status).toBe(200);
    expect((await getLead(site, anon)).status).toBe(404);
    expect((await exported(site, anon)).status).toBe(404);
    expect(await storage(await leadObject(site, anon))).toEqual({ oldTable: false, keys: [] });
  });
});
