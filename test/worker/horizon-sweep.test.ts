/**
 * Outcome horizons closed by the Site object's daily sweep: a quiet lead sets no alarm for its horizon,
 * its index row carries the horizon's end, and the site's alarm, once that end passed, asks it to
 * settle (a negative at the horizon's end in the report) and clears the row, so no lead is asked twice.
 * The clock is the isolate's (the Worker and its objects share it); the test drives both objects' alarms.
 */
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { leadIdForAnonymous } from "../../worker/lead/ids";
import { sweepSlot } from "../../worker/site/horizon-sweep";
import { RESCORE_TUNING } from "../../worker/site/rescore";
import { adminFetch, env, eventually, leadObject, pageView, putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

const DAY = 86_400_000;
const HORIZON_DAYS = 30;
const DEFAULTS = { ...RESCORE_TUNING };

/** The Worker and its Durable Objects share this isolate's clock: moving it moves theirs. */
function clockAt(ms: number): void {
  vi.useFakeTimers({ toFake: ["Date"], now: ms });
}

beforeEach(() => {
  // A save's re-score walk would set the site's alarm for now: only the test runs that alarm.
  RESCORE_TUNING.alarmGapMs = 365 * DAY;
});

afterEach(() => {
  vi.useRealTimers();
  Object.assign(RESCORE_TUNING, DEFAULTS);
});

/** The shop with a 30-day horizon, converting on a purchase or the customer stage; no webhooks, so no delivery sets an alarm. */
async function site(): Promise<string> {
  const id = uniqueSite("sweep");
  const config = shopConfig(id, { webhooks: [] }, { stages: [{ name: "lead" }, { name: "customer" }], outcomes: { horizon: `${HORIZON_DAYS}d`, conversion: [{ event: "purchase" }, { stage: "customer" }] } }) as any;
  config.models[0].rules.push({ id: "won", event: "deal_won", setStage: "customer" });
  expect((await putConfig(id, config)).status).toBe(200);
  return id;
}

const siteObject = (id: string) => env.SITES.getByName(id);

/** Every index row's horizon, by lead id. */
async function horizons(id: string): Promise<Record<string, number | null>> {
  const rows = await runInDurableObject(siteObject(id), (_, state) => state.storage.sql.exec<{ lead_id: string; horizon_end: number | null }>("SELECT lead_id, horizon_end FROM lead_index").toArray());
  return Object.fromEntries(rows.map((r) => [r.lead_id, r.horizon_end]));
}

const siteAlarm = (id: string) => runInDurableObject(siteObject(id), (_, state) => state.storage.getAlarm());

async function report(id: string): Promise<any> {
  const res = await adminFetch(`/v1/sites/${id}/report`);
  expect(res.status).toBe(200);
  return res.json();
}

/** A lead's first batch, and its index entry stored at the site (it leaves right after the commit). */
async function arrive(id: string, visitor: string, events: unknown[]): Promise<string> {
  await send(id, visitor, events);
  const leadId = await leadIdForAnonymous(id, visitor);
  await eventually(async () => leadId in (await horizons(id)));
  return leadId;
}

describe("the horizon sweep", () => {
  it("closes a quiet lead's horizon from the site's alarm: no alarm of the lead's own, a negative at the horizon's end, the row cleared, nobody asked twice", async () => {
    const id = await site();
    const start = Date.now();
    clockAt(start);
    const quiet = await arrive(id, "visitor-sweep-quiet", [pageView("/pricing")]);
    // No decay, no webhook, no alarm for the horizon: the lead has nothing to wake for.
    expect((await (await leadObject(id, "visitor-sweep-quiet")).stats()).alarm).toBeNull();
    const quietEnd = start + HORIZON_DAYS * DAY;
    expect(await horizons(id)).toEqual({ [quiet]: quietEnd });
    // The site's one alarm waits for the first daily slot after that end.
    expect(await siteAlarm(id)).toBe(sweepSlot(quietEnd));

    // A later lead, whose horizon ends ten days after the first one's: the sweep stays at the earlier slot.
    clockAt(start + 10 * DAY);
    const later = await arrive(id, "visitor-sweep-later", [pageView("/")]);
    expect(await siteAlarm(id)).toBe(sweepSlot(quietEnd));
    const open = await report(id);
    expect(open).toMatchObject({ status: "no_outcomes_yet", leads: 0 });

    clockAt(start + (HORIZON_DAYS + 1) * DAY);
    expect(await runDurableObjectAlarm(siteObject(id))).toBe(true);
    expect(await siteObject(id).horizonSweep()).toMatchObject({ lastAsked: 1, lastFailed: 0 });
    // The lead delivered its outcome before answering: the report has it, a negative.
    const r = await report(id);
    expect(r).toMatchObject({ status: "ok", leads: 1, conversions: 0, baseRate: 0 });
    // 30 (pricing) + 1 (a page): warm, and the negative's instant is the horizon's end, not the sweep's.
    expect(r.labels.find((l: any) => l.name === "warm")).toMatchObject({ leads: 1, conversions: 0 });
    const recorded = await runInDurableObject(siteObject(id), (_, state) => state.storage.sql.exec<{ body: string }>("SELECT body FROM outcome_leads WHERE lead_id = ?", quiet).one().body);
    expect(JSON.parse(recorded)).toMatchObject({ kind: "negative", at: quietEnd });
    expect(await horizons(id)).toEqual({ [quiet]: null, [later]: start + 10 * DAY + HORIZON_DAYS * DAY });
    // What is left is the later lead: the alarm moved to its slot.
    expect(await siteAlarm(id)).toBe(sweepSlot(start + 10 * DAY + HORIZON_DAYS * DAY));

    // Alarms can fire twice: a repeat of the same sweep asks nobody, since the settled lead's row no longer says it is due.
    await runInDurableObject(siteObject(id), (_, state) => state.storage.sql.exec("UPDATE horizon_sweep SET due_at = ?", Date.now()));
    expect(await runDurableObjectAlarm(siteObject(id))).toBe(true);
    expect(await siteObject(id).horizonSweep()).toMatchObject({ lastAsked: 0, lastFailed: 0 });
    expect(await report(id)).toMatchObject({ leads: 1, conversions: 0 });
    expect(await siteAlarm(id)).toBe(sweepSlot(start + 10 * DAY + HORIZON_DAYS * DAY));
  });

  it("does not ask a lead that converted before its horizon ended: its row holds no horizon", async () => {
    const id = await site();
    const start = Date.now();
    clockAt(start);
    const quiet = await arrive(id, "visitor-sweep-quiet2", [pageView("/")]);
    const buyer = await arrive(id, "visitor-sweep-buyer", [pageView("/pricing"), wire("t", "deal_won")]);
    await eventually(async () => (await report(id)).leads === 1);
    expect(await horizons(id)).toEqual({ [quiet]: start + HORIZON_DAYS * DAY, [buyer]: null });

    clockAt(start + (HORIZON_DAYS + 1) * DAY);
    expect(await runDurableObjectAlarm(siteObject(id))).toBe(true);
    expect(await siteObject(id).horizonSweep()).toMatchObject({ lastAsked: 1 });
    expect(await report(id)).toMatchObject({ leads: 1 + 1, conversions: 1 });
    expect(await horizons(id)).toEqual({ [quiet]: null, [buyer]: null });
    // Nothing is left open: no sweep is scheduled.
    expect(await siteAlarm(id)).toBeNull();
  });

  it("corrects a row whose lead has nothing due, so the next sweep does not ask it again", async () => {
    const id = await site();
    const start = Date.now();
    clockAt(start);
    const buyer = await arrive(id, "visitor-sweep-stale", [pageView("/"), wire("t", "deal_won")]);
    await eventually(async () => (await report(id)).leads === 1);
    // A row that still says the horizon is open (an entry lost, or one from before the lead converted).
    await runInDurableObject(siteObject(id), async (_, state) => {
      state.storage.sql.exec("UPDATE lead_index SET horizon_end = ? WHERE lead_id = ?", start + HORIZON_DAYS * DAY, buyer);
      state.storage.sql.exec("INSERT OR REPLACE INTO horizon_sweep (id, due_at) VALUES (1, ?)", sweepSlot(start + HORIZON_DAYS * DAY));
      await state.storage.setAlarm(sweepSlot(start + HORIZON_DAYS * DAY));
    });

    clockAt(start + (HORIZON_DAYS + 1) * DAY);
    expect(await runDurableObjectAlarm(siteObject(id))).toBe(true);
    expect(await siteObject(id).horizonSweep()).toMatchObject({ lastAsked: 1, lastFailed: 0 });
    expect(await horizons(id)).toEqual({ [buyer]: null });
    // Settled once: the report still counts the one conversion.
    expect(await report(id)).toMatchObject({ leads: 1, conversions: 1 });
    expect(await siteAlarm(id)).toBeNull();
  });

  it("shares the alarm with a save's re-score: both run in it, and the lead settles once", async () => {
    const id = await site();
    const start = Date.now();
    clockAt(start);
    const quiet = await arrive(id, "visitor-sweep-rescore", [pageView("/pricing")]);
    clockAt(start + (HORIZON_DAYS + 1) * DAY);
    const config = (await (await adminFetch(`/v1/sites/${id}/config`)).json()) as any;
    config.models[0].rules[0].points = 40;
    expect((await putConfig(id, config)).status).toBe(200);
    // The save's walk would wait (this test's pacing); the alarm stays at the sweep already due.
    expect(await siteAlarm(id)).toBe(sweepSlot(start + HORIZON_DAYS * DAY));
    expect(await runDurableObjectAlarm(siteObject(id))).toBe(true);
    // The walk re-scored the lead (which settled it: its horizon is over) and the sweep found it settled, or asked it.
    expect(((await (await adminFetch(`/v1/sites/${id}/rescore`)).json()) as any)).toMatchObject({ version: 2, total: 1, done: 1 });
    expect(await report(id)).toMatchObject({ leads: 1, conversions: 0 });
    await eventually(async () => (await horizons(id))[quiet] === null);
    expect(await siteAlarm(id)).toBeNull();
  });
});
