import { describe, expect, it } from "vitest";
import type { Decision } from "../../../worker/lead/decide";
import type { LeadRecord } from "../../../worker/lead/types";
import { decideWatched, nextWake, type WatchOptions } from "../../../worker/outcomes/lead-outcome";
import { OUTCOME_OUTBOX } from "../../../worker/outcomes/watch";
import { LEAD, T0, ev, page, request, seeded, stored } from "../lead/fixtures";

const DAY = 86_400_000;
const OUTCOMES = { horizon: "30d", conversion: [{ event: "purchase" }] };

/** The fixtures' shop with outcomes, no decay (no crossing of its own to wake for) and no webhooks. */
function shop(outcomes: unknown = OUTCOMES, version = 1) {
  const base = stored();
  return stored({ webhooks: [], promo: undefined, models: [{ ...base.config.models[0], decay: undefined, ...(outcomes ? { outcomes } : {}) }] }, version);
}

/** A lead decided the way the Lead object decides it: decide() with the outcome watch applied. */
class WatchedLead {
  record: LeadRecord | null = null;
  constructor(public config = shop()) {}

  run(events: ReturnType<typeof page>[] | null, now: number, options: WatchOptions = {}): Decision {
    const d = decideWatched({ record: this.record, request: events ? request(events, { configVersion: this.config.version }) : null, config: this.config, known: new Map(), history: [], now, random: seeded() }, () => [], options);
    this.record = d.record;
    return d;
  }
}

describe("the outcome watch in a Lead object's decision", () => {
  it("sends the open horizon's end with the first entry, and sets no alarm for it", () => {
    const lead = new WatchedLead();
    const d = lead.run([page("/", T0)], T0);
    expect(d.index).toMatchObject({ leadId: LEAD, horizonEnd: T0 + 30 * DAY });
    expect(d.record.index).toMatchObject({ at: T0, horizonEnd: T0 + 30 * DAY });
    expect(d.record.indexOwed).toBe(d.index);
    // No decay, so no crossing: nothing for the lead's own alarm (the site's sweep closes the horizon).
    expect(nextWake(d)).toBeNull();
  });

  it("costs an ordinary event no index entry once the horizon is known", () => {
    const lead = new WatchedLead();
    lead.run([page("/pricing", T0)], T0);
    // One point on 31: within the index tolerance, and the horizon has not moved.
    const d = lead.run([page("/about", T0 + 60_000)], T0 + 60_000);
    expect(d.index).toBeNull();
    expect(d.record.index?.horizonEnd).toBe(T0 + 30 * DAY);
  });

  it("settles a quiet lead woken after its horizon as a negative at the horizon's end, and clears the horizon in the index", () => {
    const lead = new WatchedLead();
    lead.run([page("/pricing", T0)], T0);
    const late = T0 + 30 * DAY + 20 * 3_600_000;
    const d = lead.run(null, late);
    const delivery = d.added.find((a) => a.endpointId === OUTCOME_OUTBOX)!;
    expect(JSON.parse(delivery.body).outcome).toMatchObject({ kind: "negative", at: T0 + 30 * DAY });
    expect(d.index).toMatchObject({ horizonEnd: null, updatedAt: late, score: 30 + 1, label: "warm" });
    expect(d.record.index).toMatchObject({ at: late, horizonEnd: null });
    expect(d.record.indexOwed).toBe(d.index);
    expect(d.recordChanged).toBe(true);
    // Settled: the next wake-up sends nothing more.
    expect(lead.run(null, late + DAY).index).toBeNull();
  });

  it("sends no index entry when the site's sweep woke the lead: the answer tells the site, and the record remembers it told", () => {
    const lead = new WatchedLead();
    lead.run([page("/pricing", T0)], T0);
    // The first entry was stored: the object forgot it (./index-sender.ts).
    lead.record = { ...lead.record!, indexOwed: undefined };
    const before = lead.record.index!;
    const late = T0 + 30 * DAY + 20 * 3_600_000;
    const d = lead.run(null, late, { horizonAnswered: true });
    expect(d.added.map((a) => a.endpointId)).toEqual([OUTCOME_OUTBOX]);
    expect(d.index).toBeNull();
    expect(d.record.indexOwed).toBeUndefined();
    // The curve the site lists by is still the one last sent; only the horizon is known to be gone.
    expect(d.record.index).toEqual({ ...before, horizonEnd: null });
    expect(d.recordChanged).toBe(true);
  });

  it("clears the horizon of a lead that converts, in the entry the conversion sends", () => {
    const lead = new WatchedLead();
    lead.run([page("/", T0)], T0);
    const d = lead.run([ev("purchase", T0 + DAY)], T0 + DAY);
    expect(d.index).toMatchObject({ horizonEnd: null });
    expect(d.record.index?.horizonEnd).toBeNull();
  });

  it("re-indexes a lead whose record predates the horizon in the index, once", () => {
    const lead = new WatchedLead();
    lead.run([page("/pricing", T0)], T0);
    const { horizonEnd: _dropped, ...old } = lead.record!.index!;
    lead.record = { ...lead.record!, index: old, indexOwed: undefined };
    const d = lead.run(null, T0 + DAY);
    expect(d.index).toMatchObject({ horizonEnd: T0 + 30 * DAY, score: 30 + 1 });
    expect(lead.run(null, T0 + 2 * DAY).index).toBeNull();
  });

  it("clears the horizon once a saved config names no outcomes", () => {
    const lead = new WatchedLead();
    lead.run([page("/pricing", T0)], T0);
    lead.config = shop(null, 2);
    const d = lead.run(null, T0 + DAY);
    expect(d.index).toMatchObject({ horizonEnd: null });
    expect(d.record.index?.horizonEnd).toBeNull();
  });
});
