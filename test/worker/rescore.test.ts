import { runDurableObjectAlarm } from "cloudflare:test";
import { Webhook } from "standardwebhooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { leadIdForAnonymous } from "../../worker/lead/ids";
import { RESCORE_TUNING } from "../../worker/site/rescore";
import { adminFetch, env, eventually, getLead, outboxDrained, pageView, putConfig, received, send, shopConfig, uniqueSite } from "./helpers";

const verify = (h: { body: string; headers: Record<string, string> }) => new Webhook(env.TEST_WEBHOOK_SECRET).verify(h.body, h.headers) as any;
const DEFAULTS = { ...RESCORE_TUNING };
const HOUR = 3_600_000;

/** The shop config with the hot line at `hot` and the warm line at `warm`. */
const withHotLine = (site: string, hot: number, warm = 30) => shopConfig(site, {}, { labels: [{ name: "cold" }, { name: "warm", min: warm }, { name: "hot", min: hot }] });

/** `count` leads: even ones saw /pricing (30 + 1 = 31: warm), odd ones the home page (1: cold). */
async function seedLeads(site: string, count: number): Promise<string[]> {
  const visitors = Array.from({ length: count }, (_, i) => `visitor-rescore-${String(i).padStart(3, "0")}`);
  for (let i = 0; i < count; i += 10) {
    await Promise.all(visitors.slice(i, i + 10).map((v, j) => send(site, v, [pageView((i + j) % 2 === 0 ? "/pricing" : "/")])));
  }
  // Every lead's first scored batch puts it in the index (and its own webhooks are out).
  await Promise.all(visitors.map((v) => outboxDrained(site, v)));
  return visitors;
}

async function listed(site: string): Promise<any[]> {
  return ((await (await adminFetch(`/v1/sites/${site}/leads?limit=500`)).json()) as any).leads;
}

async function progress(site: string): Promise<any> {
  return (await adminFetch(`/v1/sites/${site}/rescore`)).json();
}

/** Drives the Site object's alarm until the re-score is finished; answers how many alarms it took. */
async function runRescore(site: string): Promise<number> {
  const stub = env.SITES.getByName(site);
  for (let alarms = 1; alarms <= 100; alarms++) {
    await runDurableObjectAlarm(stub);
    if ((await progress(site)).finishedAt !== null) return alarms;
  }
  throw new Error("the re-score did not finish");
}

const configChanges = async (site: string) => (await received(site)).map(verify).filter((p) => p.data.cause.kind === "config");

describe("re-score on publish", () => {
  beforeEach(() => {
    // Only the test drives the walk: pages of 50, one page per alarm, alarms an hour apart.
    Object.assign(RESCORE_TUNING, { pageSize: 50, pagesPerAlarm: 1, alarmGapMs: HOUR });
  });
  afterEach(() => {
    Object.assign(RESCORE_TUNING, DEFAULTS);
  });

  it("re-scores 200 quiet leads once each, through a crash mid-walk, with one label webhook (cause config) per lead that changed", async () => {
    const site = uniqueSite();
    await putConfig(site, withHotLine(site, 60));
    const visitors = await seedLeads(site, 200);
    expect((await listed(site)).length).toBe(200);
    const before = (await received(site)).length;

    expect((await putConfig(site, withHotLine(site, 31))).status).toBe(200);
    expect(await progress(site)).toMatchObject({ version: 2, total: 200, done: 0, finishedAt: null });
    // First alarm: page one. Second: page two is re-scored but the walk "crashes" before its cursor is saved.
    await runDurableObjectAlarm(env.SITES.getByName(site));
    RESCORE_TUNING.crashAfterFanOut = true;
    await runDurableObjectAlarm(env.SITES.getByName(site));
    // Page one is the first 50 lead ids in index order; the warm ones among them went hot.
    const ids = await Promise.all(visitors.map((v) => leadIdForAnonymous(site, v)));
    const firstPage = [...ids].sort().slice(0, 50);
    expect(await progress(site)).toMatchObject({ done: 50, changed: { label: firstPage.filter((id) => ids.indexOf(id) % 2 === 0).length } });
    // The rest: page two again, pages three and four, and the empty page that finishes the walk.
    expect(await runRescore(site)).toBe(3 + 1);

    const hot = visitors.filter((_, i) => i % 2 === 0).length;
    expect(await progress(site)).toMatchObject({ version: 2, total: 200, done: 200, changed: { label: hot, stage: 0 } });
    await Promise.all(visitors.map((v) => outboxDrained(site, v)));
    expect((await listed(site)).map((l) => l.label).sort()).toEqual([...Array(200 - hot).fill("cold"), ...Array(hot).fill("hot")]);
    const changes = await configChanges(site);
    expect(changes.length).toBe(hot);
    expect(new Set(changes.map((p) => p.data.lead.id)).size).toBe(hot);
    expect(changes.every((p) => p.type === "lead.label_changed" && p.data.previous === "warm" && p.data.current === "hot")).toBe(true);
    expect((await received(site)).length - before).toBe(hot);
  });

  it("applies a config saved with ?notify=false silently: labels change, no webhook is sent then or on the next event", async () => {
    const site = uniqueSite();
    await putConfig(site, withHotLine(site, 60));
    const visitors = await seedLeads(site, 6);
    const res = await adminFetch(`/v1/sites/${site}/config?notify=false`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(withHotLine(site, 31)) });
    expect(res.status).toBe(200);
    await runRescore(site);
    expect(await progress(site)).toMatchObject({ notify: false, total: 6, done: 6, changed: { label: 6 / 2 } });
    await Promise.all(visitors.map((v) => outboxDrained(site, v)));
    expect((await listed(site)).filter((l) => l.label === "hot").length).toBe(6 / 2);
    await send(site, visitors[0]!, [pageView("/")]);
    await outboxDrained(site, visitors[0]!);
    expect(await configChanges(site)).toEqual([]);
  });

  it("restarts the walk for a newer save: the leads end under the newest config, each notified once", async () => {
    const site = uniqueSite();
    await putConfig(site, withHotLine(site, 60));
    const visitors = await seedLeads(site, 100);
    await putConfig(site, withHotLine(site, 31));
    await runDurableObjectAlarm(env.SITES.getByName(site)); // the first 50 are re-scored: 25 went hot
    await putConfig(site, withHotLine(site, 31, 29));
    expect(await progress(site)).toMatchObject({ version: 3, done: 0, finishedAt: null });
    await runRescore(site);
    expect(await progress(site)).toMatchObject({ version: 3, total: 100, done: 100 });
    await Promise.all(visitors.map((v) => outboxDrained(site, v)));
    expect((await listed(site)).filter((l) => l.label === "hot").length).toBe(100 / 2);
    // Each warm lead went hot once, under version 2 or 3, never twice.
    const changes = await configChanges(site);
    expect(changes.length).toBe(100 / 2);
    expect(new Set(changes.map((p) => p.data.lead.id)).size).toBe(100 / 2);
  });

  it("rejects a notify that is neither true nor false, saving nothing", async () => {
    const site = uniqueSite();
    await putConfig(site, withHotLine(site, 60));
    const res = await adminFetch(`/v1/sites/${site}/config?notify=maybe`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(withHotLine(site, 31)) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.code).toBeTypeOf("string");
    expect(await progress(site)).toMatchObject({ version: 1 });
  });
});

describe("re-score preview", () => {
  beforeEach(() => {
    Object.assign(RESCORE_TUNING, { pageSize: 50, pagesPerAlarm: 1, alarmGapMs: HOUR });
  });
  afterEach(() => {
    Object.assign(RESCORE_TUNING, DEFAULTS);
  });

  const preview = async (site: string, body: unknown) => {
    const res = await adminFetch(`/v1/sites/${site}/rescore/preview`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it("reports, paged and storing nothing, the changes the real re-score then makes", async () => {
    const site = uniqueSite();
    await putConfig(site, withHotLine(site, 60));
    const visitors = await seedLeads(site, 40);
    const before = (await received(site)).length;
    const candidate = withHotLine(site, 31);

    const first = await preview(site, { config: candidate, limit: 15 });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 40, failed: 0, changed: { label: 40 / 2, stage: 0 } });
    expect(first.body.leads).toHaveLength(15);
    expect(first.body.leads.every((l: any) => l.label.from === "warm" && l.label.to === "hot" && l.stage === null)).toBe(true);
    const second = await preview(site, { config: candidate, limit: 15, cursor: first.body.next });
    expect(second.body.leads).toHaveLength(40 / 2 - 15);
    expect(second.body.next).toBeNull();
    const warmIds = await Promise.all(visitors.filter((_, i) => i % 2 === 0).map((v) => leadIdForAnonymous(site, v)));
    expect([...first.body.leads, ...second.body.leads].map((l: any) => l.leadId)).toEqual([...warmIds].sort());

    // Nothing stored: the index, the config and the receiver are as before.
    expect((await listed(site)).filter((l) => l.label === "hot")).toEqual([]);
    expect(await progress(site)).toMatchObject({ version: 1 });
    expect((await received(site)).length).toBe(before);

    await putConfig(site, candidate);
    await runRescore(site);
    expect((await progress(site)).changed).toEqual(first.body.changed);
  });

  it("answers 422 for a candidate config with mistakes and 400 for a missing config or a bad page size", async () => {
    const site = uniqueSite();
    await putConfig(site, withHotLine(site, 60));
    expect((await preview(site, { config: { models: "nope" } })).status).toBe(422);
    expect((await preview(site, { config: withHotLine(site, 31), limit: 0 })).status).toBe(400);
    expect((await preview(site, { limit: 5 })).status).toBe(400);
  });
});

describe("re-score progress", () => {
  it("answers 404 for a site with no saved config", async () => {
    const res = await adminFetch(`/v1/sites/${uniqueSite()}/rescore`);
    expect(res.status).toBe(404);
  });
});

describe("a re-score replays each lead's events under the new config", () => {
  beforeEach(() => {
    Object.assign(RESCORE_TUNING, { pageSize: 50, pagesPerAlarm: 1, alarmGapMs: HOUR });
  });
  afterEach(() => {
    Object.assign(RESCORE_TUNING, DEFAULTS);
  });

  /** The shop config (pricing 30 once, pages 1 up to 10 times; warm at 30) with its rules edited. */
  const edited = (site: string, edit: (rules: any[]) => any[]) => {
    const config = shopConfig(site);
    config.models[0]!.rules = edit(config.models[0]!.rules);
    return config;
  };
  const noPricing = (site: string) => edited(site, (rules) => rules.filter((r) => r.id !== "pricing"));
  const pagesCap = (site: string, max: number) => edited(site, (rules) => rules.map((r) => (r.id === "pages" ? { ...r, cap: { max } } : r)));
  const lead = async (site: string, visitor: string) => (await getLead(site, visitor)).body;

  it("counts a rule the new config adds for a quiet lead's old visit: its score and label include it, one webhook with cause config", async () => {
    const site = uniqueSite();
    await putConfig(site, noPricing(site));
    await send(site, "visitor-replay-a", [pageView("/pricing"), pageView("/")]); // 1 + 1: cold
    await send(site, "visitor-replay-b", [pageView("/")]); // 1: cold
    await Promise.all(["visitor-replay-a", "visitor-replay-b"].map((v) => outboxDrained(site, v)));
    expect(await lead(site, "visitor-replay-a")).toMatchObject({ score: 1 + 1, label: "cold" });
    const before = (await received(site)).length;

    expect((await putConfig(site, shopConfig(site))).status).toBe(200);
    await runRescore(site);
    expect(await progress(site)).toMatchObject({ version: 2, total: 2, done: 2, changed: { label: 1, stage: 0 } });
    // Without a new event: the /pricing visit before the save now earns the new rule's 30.
    expect(await lead(site, "visitor-replay-a")).toMatchObject({ score: 30 + 1 + 1, label: "warm" });
    expect(await lead(site, "visitor-replay-b")).toMatchObject({ score: 1, label: "cold" });
    await Promise.all(["visitor-replay-a", "visitor-replay-b"].map((v) => outboxDrained(site, v)));
    const changes = await configChanges(site);
    expect(changes.map((p) => [p.type, p.data.lead.id, p.data.previous, p.data.current])).toEqual([["lead.label_changed", await leadIdForAnonymous(site, "visitor-replay-a"), "cold", "warm"]]);
    expect((await received(site)).length - before).toBe(1);
    expect((await listed(site)).find((l) => l.leadId === changes[0]!.data.lead.id)).toMatchObject({ score: 30 + 1 + 1, label: "warm" });
  });

  it("applies a lowered cap to old events, on the walk and on a lead's next event after the save", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const pages = Array.from({ length: 10 }, (_, i) => pageView(`/page-${i}`));
    await send(site, "visitor-cap-walk", pages); // 10 pages, 1 each
    await send(site, "visitor-cap-next", pages.map((p) => ({ ...p, i: `${p.i}-next` })));
    await Promise.all(["visitor-cap-walk", "visitor-cap-next"].map((v) => outboxDrained(site, v)));
    expect(await lead(site, "visitor-cap-walk")).toMatchObject({ score: 10 });
    // The cap falls from 10 to 3 pages.
    expect((await putConfig(site, pagesCap(site, 3))).status).toBe(200);
    // This lead hears of it with its next event, before the walk reaches it: the 3 old pages count, the new one is over the cap.
    const next = await send(site, "visitor-cap-next", [pageView("/pricing")]);
    expect(next.body.lead).toMatchObject({ score: 3 + 30, label: "warm" });
    await runRescore(site);
    expect(await progress(site)).toMatchObject({ total: 2, done: 2 });
    expect(await lead(site, "visitor-cap-walk")).toMatchObject({ score: 3, label: "cold" });
    expect(await lead(site, "visitor-cap-next")).toMatchObject({ score: 3 + 30, label: "warm" });
    // Each lead counted its events once: the walk found the second one already under version 2.
    expect((await adminFetch(`/v1/sites/${site}/leads/visitor-cap-next/events?limit=50`).then((r) => r.json()) as any).events).toHaveLength(10 + 1);
  });

  it("with ?notify=false re-scores the old visit silently: the label changes, no webhook then or on the next event", async () => {
    const site = uniqueSite();
    await putConfig(site, noPricing(site));
    await send(site, "visitor-replay-quiet", [pageView("/pricing")]); // 1: cold
    await outboxDrained(site, "visitor-replay-quiet");
    const res = await adminFetch(`/v1/sites/${site}/config?notify=false`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(shopConfig(site)) });
    expect(res.status).toBe(200);
    await runRescore(site);
    expect(await progress(site)).toMatchObject({ notify: false, done: 1, changed: { label: 1 } });
    expect(await lead(site, "visitor-replay-quiet")).toMatchObject({ score: 30 + 1, label: "warm" });
    await send(site, "visitor-replay-quiet", [pageView("/")]);
    await outboxDrained(site, "visitor-replay-quiet");
    expect(await configChanges(site)).toEqual([]);
    expect((await received(site)).filter((h) => JSON.parse(h.body).type === "lead.label_changed")).toEqual([]);
  });

  it("previews the counts the real re-score then produces when a rule is added", async () => {
    const site = uniqueSite();
    await putConfig(site, noPricing(site));
    // Even visitors saw /pricing (1: cold now, 30 + 1 with the rule: warm), odd ones the home page (1: cold).
    const visitors = await seedLeads(site, 20);
    const res = await adminFetch(`/v1/sites/${site}/rescore/preview`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ config: shopConfig(site) }) });
    const preview = (await res.json()) as any;
    expect(preview).toMatchObject({ total: 20, failed: 0, changed: { label: 20 / 2, stage: 0 } });
    expect(preview.leads.every((l: any) => l.label.from === "cold" && l.label.to === "warm")).toBe(true);
    await putConfig(site, shopConfig(site));
    await runRescore(site);
    expect((await progress(site)).changed).toEqual(preview.changed);
    await Promise.all(visitors.map((v) => outboxDrained(site, v)));
    expect((await configChanges(site)).length).toBe(20 / 2);
  });
});
