// A person's export is all of it: every stored event, a page at a time, and nothing after erasure.
import { describe, expect, it } from "vitest";
import { adminFetch, getLead, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

async function exportPage(site: string, ref: string, query: string) {
  const res = await adminFetch(`/v1/sites/${site}/leads/${encodeURIComponent(ref)}/events${query}`);
  return { status: res.status, body: (await res.json()) as any };
}

describe("GET …/leads/{lead}/events", () => {
  it("exports all 80 events of a lead across pages, oldest first, and nothing after DELETE", async () => {
    const site = uniqueSite("export");
    await putConfig(site, shopConfig(site));
    const anon = `exporter-${crypto.randomUUID().slice(0, 8)}`;
    const sent: string[] = [];
    // 40 + 30 + 10: the first 70 end in batch rows, the last 10 ride in the lead's record.
    for (const size of [40, 30, 10]) {
      const batch = Array.from({ length: size }, () => wire("t", "chat_open"));
      sent.push(...batch.map((e) => e.i));
      expect((await send(site, anon, batch)).body.accepted).toBe(size);
    }
    expect((await getLead(site, anon)).body.recentEvents).toHaveLength(50);

    const pages: any[][] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: any } = await exportPage(site, anon, `?limit=30${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.status).toBe(200);
      pages.push(page.body.events);
      cursor = page.body.next;
    } while (cursor);
    expect(pages.map((p) => p.length)).toEqual([30, 30, 80 - 2 * 30]);
    const events = pages.flat();
    expect(events.map((e) => e.id).sort()).toEqual([...sent].sort());
    const times = events.map((e) => e.ts);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    expect((await adminFetch(`/v1/sites/${site}/leads/${anon}`, { method: "DELETE" })).status).toBe(200);
    const after = await exportPage(site, anon, "");
    expect(after.status).toBe(404);
    expect(after.body.events).toBeUndefined();
  });

  it("answers 400 to a cursor it never gave and a limit above 500, 404 to an unknown lead", async () => {
    const site = uniqueSite("export");
    await putConfig(site, shopConfig(site));
    const anon = `exporter-${crypto.randomUUID().slice(0, 8)}`;
    await send(site, anon, [wire("t", "chat_open")]);
    expect((await exportPage(site, anon, "?cursor=bm90LWEtY3Vyc29y")).status).toBe(400);
    expect((await exportPage(site, anon, "?limit=501")).status).toBe(400);
    expect((await exportPage(site, "nobody-here-123", "")).status).toBe(404);
    expect((await exportPage(site, anon, "")).body).toMatchObject({ events: [{ name: "chat_open" }], next: null });
  });
});
