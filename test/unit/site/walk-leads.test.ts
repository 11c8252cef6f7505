import { describe, expect, it } from "vitest";
import { walkIndex, type LeadIdPage } from "../../../worker/site/walk-leads";

/** An index of `n` lead ids ("l000", "l001", …) paged like the Site object's `leadIdsAfter`, counting its reads. */
function fakeIndex(n: number) {
  const ids = Array.from({ length: n }, (_, i) => `l${String(i).padStart(3, "0")}`);
  const reads: Array<{ after: string; limit: number }> = [];
  const page: LeadIdPage = async (after, limit) => {
    reads.push({ after, limit });
    return ids.filter((id) => id > after).slice(0, limit);
  };
  return { ids, reads, page };
}

describe("walkIndex", () => {
  it("asks every lead once, page by page, and keeps the answers in id order", async () => {
    const index = fakeIndex(7);
    const asked: string[] = [];
    const walk = await walkIndex(index.page, async (id) => (asked.push(id), { id }), { pageSize: 3 });
    expect(asked.sort()).toEqual(index.ids);
    expect(walk.answers.map((a) => a.id)).toEqual(index.ids);
    expect(walk).toMatchObject({ total: 7, asked: 7, failed: 0 });
    // Pages of 3 + 3 + 1 ids, then the empty page that ends the walk.
    expect(index.reads).toEqual([
      { after: "", limit: 3 },
      { after: "l002", limit: 3 },
      { after: "l005", limit: 3 },
      { after: "l006", limit: 3 },
    ]);
  });

  it("counts a lead that threw as failed and leaves out one that answered null", async () => {
    const index = fakeIndex(5);
    const walk = await walkIndex(index.page, async (id) => {
      if (id === "l001") throw new Error("the object was reset");
      return id === "l003" ? null : id;
    }, { pageSize: 2 });
    expect(walk).toEqual({ total: 5, asked: 5, failed: 1, answers: ["l000", "l002", "l004"] });
  });

  it("never has more than `concurrency` calls in flight", async () => {
    const index = fakeIndex(20);
    let inFlight = 0;
    let most = 0;
    const walk = await walkIndex(index.page, async (id) => {
      inFlight++;
      most = Math.max(most, inFlight);
      // Yield a few turns so the other workers start their calls while this one is open.
      for (let i = 0; i < 3; i++) await Promise.resolve();
      inFlight--;
      return id;
    }, { pageSize: 10, concurrency: 4 });
    expect(most).toBe(4);
    expect(walk.answers).toHaveLength(20);
  });

  it("asks only the leads `choose` picks, chosen from every id of the index", async () => {
    const index = fakeIndex(9);
    let seen: string[] = [];
    const asked: string[] = [];
    const walk = await walkIndex(index.page, async (id) => (asked.push(id), id), {
      pageSize: 4,
      choose: (ids) => {
        seen = ids;
        return ids.filter((_, i) => i % 3 === 0);
      },
    });
    expect(seen).toEqual(index.ids);
    expect(asked.sort()).toEqual(["l000", "l003", "l006"]);
    expect(walk).toEqual({ total: 9, asked: 3, failed: 0, answers: ["l000", "l003", "l006"] });
  });

  it("answers an empty walk for an empty index", async () => {
    const index = fakeIndex(0);
    expect(await walkIndex(index.page, async (id) => id)).toEqual({ total: 0, asked: 0, failed: 0, answers: [] });
    expect(index.reads).toEqual([{ after: "", limit: 200 }]);
  });
});
