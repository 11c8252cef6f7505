import { describe, expect, it } from "vitest";
import { getLead, leadObject, pageView, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

describe("deduplication in storage", () => {
  it("scores nothing for resent ids once they left the record for a batch row, in any batch shape", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const first = [wire("t", "cart_add"), wire("t", "chat_open"), pageView("/pricing")];
    expect((await send(site, "visitor-dedup-01", first)).body.accepted).toBe(3);
    // 25 more page views: the record fills, and its events are flushed to a batch row.
    const more = Array.from({ length: 25 }, () => pageView("/"));
    await send(site, "visitor-dedup-01", more);
    const stats = await (await leadObject(site, "visitor-dedup-01")).stats();
    expect(stats.events).toBe(3 + 25);
    const score = (await getLead(site, "visitor-dedup-01")).body.score;
    // 25 + 10 + 30 + 1 (pricing's page) + 9 more pages (the page rule caps at 10)
    expect(score).toBe(25 + 10 + 30 + 10 * 1);

    const same = await send(site, "visitor-dedup-01", first);
    expect(same.body).toMatchObject({ accepted: 0, duplicates: 3 });
    const reshaped = await send(site, "visitor-dedup-01", [first[2], wire("t", "chat_open"), first[0], more[7]]);
    expect(reshaped.body).toMatchObject({ accepted: 1, duplicates: 3 });
    expect((await getLead(site, "visitor-dedup-01")).body.score).toBe(score + 10);
    expect((await (await leadObject(site, "visitor-dedup-01")).stats()).events).toBe(3 + 25 + 1);
  });
});
