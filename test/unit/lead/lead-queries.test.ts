import { describe, expect, it } from "vitest";
import { AlarmPlanner } from "../../../worker/lead/alarm-planner";
import { backtestQuery, deliveriesQuery, describeQuery, exportQuery, historyQuery, statsQuery, suggestionRowQuery, type LeadReads } from "../../../worker/lead/lead-queries";
import { handover, mergedElsewhere, releasedRecord } from "../../../worker/lead/merge-handover";
import { MIN_ALARM_LEAD_MS } from "../../../worker/lead/schedule";
import type { Delivery } from "../../../worker/lead/types";
import { LEAD, MemoryLead, T0, ev, page, stored } from "./fixtures";

const MINUTE = 60_000;

/** A lead that saw the pricing page and two carts (30 + 25 + 25 + 1 = 81 points: hot), read as its object holds it. */
function hotLead(): { lead: LeadReads; memory: MemoryLead } {
  const memory = new MemoryLead();
  memory.send([page("/pricing", T0), ev("cart_add", T0 + MINUTE), ev("cart_add", T0 + 2 * MINUTE)], T0 + 2 * MINUTE);
  const record = memory.record!;
  const events = () => [...memory.history, ...record.pending.map((p) => p.event)].sort((a, b) => a.ts - b.ts);
  return { memory, lead: { record, mergedInto: null, events, history: () => record.history ?? [] } };
}

const NOBODY: LeadReads = { record: null, mergedInto: null, events: () => [], history: () => [] };

describe("the Lead object's queries", () => {
  it("answer where a merged anonymous lead went, or nothing, without reading its rows", () => {
    const { lead } = hotLead();
    const merged: LeadReads = { ...lead, mergedInto: "u_1", events: () => expect.unreachable("events read"), history: () => expect.unreachable("history read") };
    const now = T0 + 3 * MINUTE;
    expect(describeQuery(merged, stored(), now)).toEqual({ mergedInto: "u_1" });
    expect(exportQuery(merged, null, 10)).toEqual({ mergedInto: "u_1" });
    expect(historyQuery(merged, 0, now)).toEqual({ mergedInto: "u_1" });
    expect(deliveriesQuery(merged)).toEqual({ mergedInto: "u_1" });
    expect(suggestionRowQuery(merged, stored().config, "shop", now)).toBeNull();
    expect(backtestQuery(merged, stored(), stored().config, now)).toBeNull();
  });

  it("answer null for a lead never seen, and for a site without config where they need one", () => {
    const now = T0;
    expect(describeQuery(NOBODY, stored(), now)).toBeNull();
    expect(exportQuery(NOBODY, null, 10)).toBeNull();
    expect(historyQuery(NOBODY, 0, now)).toBeNull();
    expect(deliveriesQuery(NOBODY)).toBeNull();
    expect(suggestionRowQuery(NOBODY, stored().config, "shop", now)).toBeNull();
    const { lead } = hotLead();
    expect(describeQuery(lead, null, now)).toBeNull();
    expect(backtestQuery(lead, null, stored().config, now)).toBeNull();
  });

  it("read a lead from its record and events", () => {
    const { lead } = hotLead();
    const now = T0 + 3 * MINUTE;
    const described = describeQuery(lead, stored(), now)!;
    expect(described).toMatchObject({ id: LEAD, label: "hot" });
    expect(described.recentEvents).toHaveLength(3);
    const first = exportQuery(lead, null, 2);
    expect(first).toMatchObject({ events: [{ name: "page_view" }, { name: "cart_add" }], next: { ts: T0 + MINUTE } });
    expect(historyQuery(lead, T0, now)).toMatchObject({ leadId: LEAD, from: T0, to: now, configVersion: 1 });
    // The webhook the lead owes its endpoint ("crm") is listed as pending.
    expect(deliveriesQuery(lead)).toMatchObject({ deliveries: expect.arrayContaining([expect.objectContaining({ endpointId: "crm", state: "pending" })]) });
    // The same config on both sides of a backtest moves nothing.
    const backtest = backtestQuery(lead, stored(), stored().config, now)!;
    expect(backtest.current).toEqual(backtest.candidate);
  });

  it("count what the object keeps: stored and riding events, the outbox and an owed index entry", () => {
    const { lead } = hotLead();
    const record = { ...lead.record!, indexOwed: lead.record!.indexOwed ?? ({ leadId: LEAD } as never) };
    const stats = statsQuery(record, 4, 1234, 8192);
    expect(stats).toEqual({ events: 4 + record.pending.length, outbox: record.outbox.length + 1, alarm: 1234, databaseSize: 8192 });
    expect(statsQuery(null, 0, null, 4096)).toEqual({ events: 0, outbox: 0, alarm: null, databaseSize: 4096 });
  });
});

describe("the merge hand-over", () => {
  it("hands over everything the anonymous lead knows, and keeps only its identity and outbox once released", () => {
    const { lead } = hotLead();
    const given = handover(lead);
    expect(given).toMatchObject({ mergedInto: null, leadId: LEAD, anonymousIds: lead.record!.identity.anonymousIds });
    expect(given.events).toHaveLength(3);
    const released = releasedRecord(lead.record!);
    expect(released).toMatchObject({ identity: lead.record!.identity, outbox: lead.record!.outbox, pending: [], promos: [], eventNames: [] });
    expect(released).not.toHaveProperty("history");
    expect(mergedElsewhere("u_other", LEAD)).toEqual({ events: [], anonymousIds: [], mergedInto: "u_other", leadId: LEAD });
  });
});

describe("the alarm planner", () => {
  const delivery = (nextAt: number): Delivery => ({ messageId: "m1", endpointId: "crm", type: "lead.label_changed", body: "{}", attempts: 0, nextAt });

  it("points the alarm at the earliest of deliveries and timers, and outside an alarm only moves it earlier", () => {
    const set: number[] = [];
    let outbox: Delivery[] = [delivery(T0 + 15_000)];
    const alarm = new AlarmPlanner((at) => set.push(at), () => ({ outbox, indexRetryAt: null }));
    alarm.crossingAt = T0 + 60_000;
    alarm.plan(T0);
    outbox = [];
    alarm.plan(T0);
    expect(set).toEqual([T0 + 15_000]);
    // Settled deliveries may move the safety net later, to the crossing.
    alarm.plan(T0, { mayMoveLater: true });
    expect(set).toEqual([T0 + 15_000, T0 + 60_000]);
  });

  it("sets nothing while an alarm runs but its last step, which is always in the future", () => {
    const set: number[] = [];
    const alarm = new AlarmPlanner((at) => set.push(at), () => ({ outbox: [delivery(T0 - 1)], indexRetryAt: null }));
    alarm.begin();
    alarm.plan(T0);
    expect(set).toEqual([]);
    alarm.end(T0);
    expect(set).toEqual([T0 + MIN_ALARM_LEAD_MS]);
  });

  it("plans once at the end of a wake-up the site asked for, keeping the alarm already set when nothing is due earlier", () => {
    const set: number[] = [];
    let outbox: Delivery[] = [];
    const alarm = new AlarmPlanner((at) => set.push(at), () => ({ outbox, indexRetryAt: null }));
    alarm.crossingAt = T0 + 60_000;
    alarm.plan(T0);
    expect(set).toEqual([T0 + 60_000]);
    alarm.hold();
    // The settled outcome's safety net is not set while its delivery is attempted.
    outbox = [delivery(T0 + 15_000)];
    alarm.plan(T0);
    expect(set).toEqual([T0 + 60_000]);
    // Delivered by the end: the crossing's alarm stands, unwritten.
    outbox = [];
    alarm.release(T0);
    expect(set).toEqual([T0 + 60_000]);
    // A delivery that failed is retried by the alarm, moved earlier.
    alarm.hold();
    outbox = [delivery(T0 + 30_000)];
    alarm.release(T0);
    expect(set).toEqual([T0 + 60_000, T0 + 30_000]);
  });

  it("does not move the alarm later before a decision told it the timers", () => {
    const set: number[] = [];
    const alarm = new AlarmPlanner((at) => set.push(at), () => ({ outbox: [], indexRetryAt: T0 + 30_000 }));
    alarm.remember(T0 + 5_000);
    alarm.plan(T0, { mayMoveLater: true });
    expect(set).toEqual([]);
  });
});
