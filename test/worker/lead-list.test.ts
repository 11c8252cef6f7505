import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { migrateLeadIndex, upsertIndexRow } from "../../worker/site/lead-index";
import { adminFetch, env, leadObject, outboxDrained, pageView, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

const HOUR = 3_600_000;

/** Quote requests worth 70 that halve every hour; an enterprise plan worth 40 that never decays (fit). */
function listConfig(site: string) {
  return shopConfig(site, {}, {
    decay: { halfLife: "1h" },
    rules: [
      { id: "demo-request", event: "quote_request", points: 70 },
      { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 30, cap: "once" },
      { id: "pages", event: "page_view", points: 1, cap: { max: 10 } },
      { id: "enterprise", trait: "plan", match: { in: ["enterprise"] }, points: 40 },
    ],
  });
}

/** The Worker and its Durable Objects share this isolate's clock: moving it moves theirs. */
function clockAt(ms: number): void {
  vi.useFakeTimers({ toFake: ["Date"], now: ms });
}

afterEach(() => {
  vi.useRealTimers();
});

async function list(site: string, query = ""): Promise<{ status: number; body: any }> {
  const res = await adminFetch(`/v1/sites/${site}/leads${query ? `?${query}` : ""}`);
  return { status: res.status, body: await res.json() };
}

/** Every page of a listing, following `next`. */
async function allPages(site: string, query: string): Promise<any[][]> {
  const pages: any[][] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await list(site, `${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    expect(status).toBe(200);
    pages.push(body.leads);
    cursor = body.next;
  } while (cursor);
  return pages;
}

/** Three leads: one fading (70, decaying), one steady (40 of fit), one cold (a page view). */
async function threeLeads(site: string) {
  await putConfig(site, listConfig(site));
  await send(site, "visitor-fading", [wire("t", "quote_request")]);
  await send(site, "visitor-steady", [wire("i", "identify", { tr: { plan: "enterprise" } })], "ada@example.com");
  await send(site, "visitor-cold", [pageView("/")]);
  for (const ref of ["visitor-fading", "ada@example.com", "visitor-cold"]) await outboxDrained(site, ref);
}

describe("GET /v1/sites/{site}/leads: by the score now", () => {
  it("lists a lead whose points decayed below one whose points do not, before and after its alarm re-indexes it", async () => {
    const site = uniqueSite();
    const start = Date.now();
    clockAt(start);
    await threeLeads(site);
    const now = await list(site);
    expect(now.body.leads.map((l: any) => [l.userId, l.score, l.label])).toEqual([
      [null, 70, "hot"],
      ["ada@example.com", 40, "warm"],
      [null, 1, "cold"],
    ]);
    expect(now.body.leads[0]).toMatchObject({ model: "shop", stage: expect.any(String), updatedAt: expect.any(Number) });
    expect(now.body).toMatchObject({ next: null, at: start });

    // Two half-lives later, with no event and no alarm: 70 / 2 / 2 = 17.5, below the steady 40
    // (fit points never decay); the page view has halved twice too.
    clockAt(start + 2 * HOUR);
    const later = await list(site);
    expect(later.body.leads.map((l: any) => [l.userId, l.score])).toEqual([
      ["ada@example.com", 40],
      [null, 70 / 2 / 2],
      [null, 1 / 2 / 2],
    ]);
    // The row still carries the label of its last update until the lead's alarm reports the crossing.
    expect(later.body.leads[1].label).toBe("hot");
    const fading = await leadObject(site, "visitor-fading");
    expect(await runDurableObjectAlarm(fading)).toBe(true);
    await outboxDrained(site, "visitor-fading");
    const cold = await list(site, "label=cold");
    expect(cold.body.leads.map((l: any) => l.score)).toEqual([70 / 2 / 2, 1 / 2 / 2]);
  });

  it("filters by label, stage and model, and searches by e-mail prefix, exact anonymous id and lead id prefix", async () => {
    const site = uniqueSite();
    // A still clock: 70 points halving hourly would show 69.99 after a quarter of a second.
    clockAt(Date.now());
    await threeLeads(site);
    expect((await list(site, "label=warm")).body.leads.map((l: any) => l.userId)).toEqual(["ada@example.com"]);
    expect((await list(site, "label=hot&model=shop")).body.leads.map((l: any) => l.score)).toEqual([70]);
    expect((await list(site, "model=another")).body.leads).toEqual([]);
    const stages = (await list(site)).body.leads.map((l: any) => l.stage);
    expect((await list(site, `stage=${stages[0]}`)).body.leads.length).toBe(stages.filter((s: string) => s === stages[0]).length);
    expect((await list(site, "q=ADA%40ex")).body.leads.map((l: any) => l.userId)).toEqual(["ada@example.com"]);
    const fading = (await list(site, "q=visitor-fading")).body.leads;
    expect(fading.map((l: any) => l.score)).toEqual([70]);
    expect((await list(site, `q=${fading[0].leadId.slice(0, 12)}`)).body.leads.map((l: any) => l.leadId)).toContain(fading[0].leadId);
    expect((await list(site, "q=a_&label=cold")).body.leads.map((l: any) => l.score)).toEqual([1]);
    // A search is a prefix, never a pattern: "%" matches only a literal percent sign.
    expect((await list(site, "q=%25")).body.leads).toEqual([]);
  });

  it("pages with a cursor: every lead once, in order, ties by lead id, each page scored at the first page's instant", async () => {
    const site = uniqueSite();
    await putConfig(site, listConfig(site));
    const start = Date.now();
    clockAt(start);
    // 12 leads with 1 to 4 page views each: scores 1..4 with ties, and one of 70 that decays.
    for (let i = 0; i < 12; i++) await send(site, `visitor-page-${i}`, Array.from({ length: (i % 4) + 1 }, () => pageView("/")));
    await send(site, "visitor-page-hot", [wire("t", "quote_request")]);
    for (let i = 0; i < 12; i++) await outboxDrained(site, `visitor-page-${i}`);
    await outboxDrained(site, "visitor-page-hot");

    const whole = (await list(site, "limit=500")).body.leads;
    expect(whole).toHaveLength(12 + 1);
    for (let i = 1; i < whole.length; i++) {
      const [a, b] = [whole[i - 1], whole[i]];
      expect(a.score > b.score || (a.score === b.score && a.leadId < b.leadId)).toBe(true);
    }
    const pages = await allPages(site, "limit=5");
    expect(pages.map((p) => p.length)).toEqual([5, 5, 3]);
    expect(pages.flat()).toEqual(whole);

    // The second page is taken two hours later, with the first page's cursor: it still scores at `at`.
    const first = await list(site, "limit=1");
    clockAt(start + 2 * HOUR);
    const second = await list(site, `limit=500&cursor=${encodeURIComponent(first.body.next)}`);
    expect(second.body.at).toBe(first.body.at);
    expect([...first.body.leads, ...second.body.leads]).toEqual(whole);
  });

  it("re-indexes a lead only when its score moves past the tolerance or a label changes, not per event", async () => {
    const site = uniqueSite();
    clockAt(Date.now());
    await putConfig(site, listConfig(site));
    await send(site, "visitor-quiet", [pageView("/")]);
    await outboxDrained(site, "visitor-quiet");
    const listed = async () => (await list(site, "q=visitor-quiet")).body.leads[0];
    const first = await listed();
    // Three more page views of 1 point each: 1 + 3 * 1 = 4, within 3 points of the listed 1 and still cold.
    for (let i = 0; i < 3; i++) await send(site, "visitor-quiet", [pageView("/")]);
    await outboxDrained(site, "visitor-quiet");
    expect(await listed()).toEqual(first);
    // Pricing: 4 + 30 + 1 = 35, warm: listed anew.
    await send(site, "visitor-quiet", [pageView("/pricing")]);
    await outboxDrained(site, "visitor-quiet");
    expect(await listed()).toMatchObject({ score: 4 + 30 + 1, label: "warm" });
  });

  const BAD: Array<{ name: string; query: string; path: string }> = [
    { name: "a limit of 0", query: "limit=0", path: "$.limit" },
    { name: "a limit that is no number", query: "limit=many", path: "$.limit" },
    { name: "a limit over 500", query: "limit=501", path: "$.limit" },
    { name: "an empty label", query: "label=", path: "$.label" },
    { name: "a search of 201 characters", query: `q=${"x".repeat(201)}`, path: "$.q" },
    { name: "a cursor this API never answered", query: "cursor=bm90LWEtY3Vyc29y", path: "$.cursor" },
  ];
  for (const bad of BAD) {
    it(`answers 422 naming the field for ${bad.name}`, async () => {
      const site = uniqueSite();
      await putConfig(site, listConfig(site));
      const { status, body } = await list(site, bad.query);
      expect(status).toBe(422);
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.issues.map((i: any) => i.path)).toContain(bad.path);
    });
  }

  it("answers 422 for a cursor passed with other filters than its listing's", async () => {
    const site = uniqueSite();
    clockAt(Date.now());
    await threeLeads(site);
    const first = await list(site, "limit=1");
    const { status, body } = await list(site, `limit=1&label=cold&cursor=${encodeURIComponent(first.body.next)}`);
    expect(status).toBe(422);
    expect(body.error.issues.map((i: any) => i.path)).toEqual(["$.cursor"]);
  });
});

describe("the lead index's first schema", () => {
  it("is migrated in place: old rows are listed at their stored score until their lead re-indexes", async () => {
    const site = uniqueSite();
    const stub = env.SITES.getByName(site);
    const page = await runInDurableObject(stub, (instance, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP INDEX lead_index_scored; DROP TABLE lead_index");
      sql.exec("CREATE TABLE lead_index (lead_id TEXT PRIMARY KEY, user_id TEXT, score REAL NOT NULL, label TEXT NOT NULL, stage TEXT NOT NULL, updated_at INTEGER NOT NULL) WITHOUT ROWID");
      sql.exec("INSERT INTO lead_index VALUES ('a_1', NULL, 12.5, 'cold', 'lead', 1000), ('u_2', 'bo@example.com', 64, 'hot', 'MQL', 2000)");
      migrateLeadIndex(sql);
      return instance.listLeads({ limit: 10, at: Date.now() });
    });
    expect(page.leads).toEqual([
      { leadId: "u_2", userId: "bo@example.com", score: 64, label: "hot", stage: "MQL", model: "", updatedAt: 2000 },
      { leadId: "a_1", userId: null, score: 12.5, label: "cold", stage: "lead", model: "", updatedAt: 1000 },
    ]);
    // The horizon column came with the others: no old row has an open horizon the sweep would act on.
    const horizons = await runInDurableObject(stub, (_, state) => state.storage.sql.exec("SELECT lead_id, horizon_end FROM lead_index ORDER BY lead_id").toArray());
    expect(horizons).toEqual([{ lead_id: "a_1", horizon_end: null }, { lead_id: "u_2", horizon_end: null }]);
  });

  it("gains the horizon column on a table that has the curve but predates horizons, keeping its rows", async () => {
    const stub = env.SITES.getByName(uniqueSite());
    const rows = await runInDurableObject(stub, (_, state) => {
      const sql = state.storage.sql;
      sql.exec("DROP INDEX lead_index_scored; DROP TABLE lead_index");
      sql.exec(`CREATE TABLE lead_index (lead_id TEXT PRIMARY KEY, user_id TEXT, score REAL NOT NULL, label TEXT NOT NULL, stage TEXT NOT NULL, updated_at INTEGER NOT NULL,
        model TEXT NOT NULL DEFAULT '', curve TEXT, hl REAL NOT NULL DEFAULT 0, bb REAL NOT NULL DEFAULT 0, key REAL NOT NULL DEFAULT 0) WITHOUT ROWID`);
      sql.exec("INSERT INTO lead_index (lead_id, user_id, score, label, stage, updated_at, key) VALUES ('a_1', NULL, 12.5, 'cold', 'lead', 1000, 12.5)");
      migrateLeadIndex(sql);
      // An entry that carries a horizon now stores it.
      upsertIndexRow(sql, { leadId: "a_2", userId: null, score: 3, label: "cold", stage: "lead", updatedAt: 2000, horizonEnd: 2000 + 30 * 86_400_000 });
      return sql.exec("SELECT lead_id, score, horizon_end FROM lead_index ORDER BY lead_id").toArray();
    });
    expect(rows).toEqual([
      { lead_id: "a_1", score: 12.5, horizon_end: null },
      { lead_id: "a_2", score: 3, horizon_end: 2000 + 30 * 86_400_000 },
    ]);
  });
});
