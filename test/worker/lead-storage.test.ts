// The Lead object stores through the platform's key-value API: no table of its own, rows counted as
// Cloudflare bills the key-value methods, and one decision written in one transaction.
import { evictAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DEDUP_WINDOW_MS } from "../../worker/lead/dedup";
import { LeadStore } from "../../worker/lead/lead-store";
import type { BatchRow, LeadRecord } from "../../worker/lead/types";
import { getLead, leadObject, pageView, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

/** Tables a user of the object's SQL can see: the platform's own start with `_cf_`. */
function ownTables(storage: DurableObjectStorage): string[] {
  return storage.sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\'")
    .toArray()
    .map((r) => r.name);
}

function batch(receivedAt: number, ids: string[]): BatchRow {
  return { receivedAt, firstId: ids[0]!, events: ids.map((id) => ({ id, type: "track", name: "chat_open", ts: receivedAt, properties: {} }) as unknown as BatchRow["events"][number]) };
}

/** A lead with a record, created through the collect endpoint. */
async function aLead(): Promise<DurableObjectStub<import("../../worker/lead/LeadObject").LeadObject>> {
  const site = uniqueSite("store");
  await putConfig(site, shopConfig(site));
  const anon = `store-${crypto.randomUUID().slice(0, 8)}`;
  expect((await send(site, anon, [pageView("/pricing")])).body.accepted).toBe(1);
  return leadObject(site, anon);
}

describe("the Lead object's storage", () => {
  it("creates no table for a new lead: its record and batch rows are keys of the key-value API", async () => {
    const site = uniqueSite("store");
    await putConfig(site, shopConfig(site));
    const anon = `store-${crypto.randomUUID().slice(0, 8)}`;
    // Twenty events fill one batch row (FLUSH_EVENTS).
    const events = Array.from({ length: 20 }, () => wire("t", "chat_open"));
    expect((await send(site, anon, events)).body.accepted).toBe(20);
    const { tables, keys } = await runInDurableObject(await leadObject(site, anon), (_instance, state) => ({
      tables: ownTables(state.storage),
      keys: [...state.storage.kv.list()].map(([k]) => k),
    }));
    expect(tables).toEqual([]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(new RegExp(`^b:\\d{15}:${events[0]!.i}$`));
    expect(keys[1]).toBe("lead");
  });

  it("counts one row per key put, looked up, listed or deleted, and one per alarm set", async () => {
    const stub = await aLead();
    const counts = await runInDurableObject(stub, async (_instance, state) => {
      const store = new LeadStore(state.storage);
      const record = store.record() as LeadRecord;
      const now = Date.now();
      const step = <T>(fn: () => T) => {
        const { rowsRead, rowsWritten } = store.counted(fn);
        return { rowsRead, rowsWritten };
      };
      const out = {
        record: step(() => store.record()),
        mergedInto: step(() => store.mergedInto()),
        // Three batch rows and the record: one row written each.
        commit: step(() => {
          store.commit(batch(now - DEDUP_WINDOW_MS - 2, ["old1", "old2"]), null);
          store.commit(batch(now - 2, ["mid1"]), null);
          store.commit(batch(now - 1, ["new1", "new2", "new3"]), record);
        }),
        // The two rows within the window: one row read each, however many ids they hold.
        knownIds: step(() => store.knownIds(now)),
        known: [...store.knownIds(now).keys()],
        events: step(() => store.events()),
        oldest: step(() => store.oldestBatchAt()),
        // Listing the one row before the cutoff reads it; deleting it writes it.
        deleteBefore: step(() => store.deleteBatchesBefore(now - DEDUP_WINDOW_MS)),
        left: store.eventCount(),
        release: step(() => store.release(record)),
        alarm: await (async () => {
          const before = store.rowsWritten;
          await store.setAlarm(now + 60_000);
          return store.rowsWritten - before;
        })(),
      };
      await state.storage.deleteAlarm();
      return out;
    });
    expect(counts.record).toEqual({ rowsRead: 1, rowsWritten: 0 });
    // A key that is not there is looked up all the same.
    expect(counts.mergedInto).toEqual({ rowsRead: 1, rowsWritten: 0 });
    expect(counts.commit).toEqual({ rowsRead: 0, rowsWritten: 3 + 1 });
    expect(counts.knownIds).toEqual({ rowsRead: 2, rowsWritten: 0 });
    expect(counts.known).toEqual(["mid1", "new1", "new2", "new3"]);
    expect(counts.events).toEqual({ rowsRead: 3, rowsWritten: 0 });
    expect(counts.oldest).toEqual({ rowsRead: 1, rowsWritten: 0 });
    expect(counts.deleteBefore).toEqual({ rowsRead: 1, rowsWritten: 1 });
    expect(counts.left).toBe(1 + 3);
    // Two batch rows listed and deleted, and the record saved.
    expect(counts.release).toEqual({ rowsRead: 2, rowsWritten: 2 + 1 });
    expect(counts.alarm).toBe(1);
  });

  it("writes a decision in one transaction: a record that cannot be stored takes its batch row with it", async () => {
    const stub = await aLead();
    const after = await runInDurableObject(stub, (_instance, state) => {
      const store = new LeadStore(state.storage);
      const record = store.record() as LeadRecord;
      const before = [...state.storage.kv.list()];
      // JSON.stringify throws on a BigInt: the record's put fails after the batch row's.
      const unstorable = { ...record, score: 1n } as unknown as LeadRecord;
      expect(() => store.commit(batch(Date.now(), ["lost1"]), unstorable)).toThrow(TypeError);
      return { before, after: [...state.storage.kv.list()], count: store.eventCount() };
    });
    expect(after.after).toEqual(after.before);
    expect(after.count).toBe(0);
  });

  it("keeps a merged anonymous lead's pointer across the object being evicted from memory", async () => {
    const site = uniqueSite("store");
    await putConfig(site, shopConfig(site));
    const anon = `store-${crypto.randomUUID().slice(0, 8)}`;
    const user = `${anon}@example.com`;
    await send(site, anon, [pageView("/pricing")]);
    // Signing in merges the browser's anonymous lead into the person's: pricing 30 + page 1, then chat 10.
    expect((await send(site, anon, [wire("t", "chat_open")], user)).body.lead.score).toBe(30 + 1 + 10);
    await evictAllDurableObjects();
    const found = await getLead(site, anon);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ userId: user, score: 30 + 1 + 10 });
    const { mergedInto } = await runInDurableObject(await leadObject(site, anon), (_instance, state) => ({ mergedInto: new LeadStore(state.storage).mergedInto() }));
    expect(mergedInto).toBe(found.body.id);
  });
});
