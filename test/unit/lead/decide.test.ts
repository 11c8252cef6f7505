import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide, FLUSH_EVENTS } from "../../../worker/lead/decide";
import { DEDUP_WINDOW_MS } from "../../../worker/lead/dedup";
import { DELIVERY_GRACE_MS } from "../../../worker/lead/schedule";
import type { ScoringEvent } from "../../../worker/scoring";
import { ev, LEAD, MemoryLead, page, request, seeded, stored, T0 } from "./fixtures";

const MIN = 60_000;
/** Webhook deliveries as type>endpoint, then "index" when the decision owes the site an index entry. */
const types = (d: ReturnType<MemoryLead["send"]>) => [...d.added.map((x) => `${x.type}>${x.endpointId}`), ...(d.index ? ["index"] : [])];

describe("decide: one batch", () => {
  const cases: Array<{ name: string; events: () => ScoringEvent[]; score: number; label: string; added: string[]; actions: number }> = [
    // The first scored batch lists the lead in the site's index (every lead with history is listed).
    { name: "an in-band page view sends no webhook, only the lead's first index entry", events: () => [page("/", T0)], score: 1, label: "cold", added: ["index"], actions: 0 },
    {
      name: "crossing into warm sends one label webhook per endpoint and an index update",
      events: () => [page("/", T0), page("/pricing", T0 + 1)],
      score: 1 + (30 + 1),
      label: "warm",
      added: ["lead.label_changed>crm", "index"],
      actions: 0,
    },
    {
      name: "hot with a cart earns a promo code and its webhook",
      events: () => [page("/pricing", T0), ev("cart_add", T0 + 1), ev("cart_add", T0 + 2)],
      score: 31 + 2 * 25,
      label: "hot",
      // cold -> warm at pricing, warm -> hot at the first cart: two label webhooks, then the code.
      added: ["lead.label_changed>crm", "lead.label_changed>crm", "lead.promo_issued>crm", "index"],
      actions: 1,
    },
    {
      name: "hot without a cart earns no code",
      events: () => [page("/pricing", T0), ...Array.from({ length: 3 }, (_, i) => ev("chat_open", T0 + 1 + i))],
      score: 31 + 3 * 10,
      label: "hot",
      added: ["lead.label_changed>crm", "lead.label_changed>crm", "index"],
      actions: 0,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = new MemoryLead().send(c.events(), T0 + 10);
      expect(d.summary).toMatchObject({ id: LEAD, label: c.label });
      expect(d.summary.score).toBeCloseTo(c.score, 0);
      expect(types(d)).toEqual(c.added);
      expect(d.actions).toHaveLength(c.actions);
      // Everything is due only at the safety instant: the object attempts it at once after commit.
      for (const x of d.added) expect(x.nextAt).toBe(T0 + 10 + DELIVERY_GRACE_MS);
    });
  }

  it("issues no code when the request may not have one, and one code ever otherwise", () => {
    const blocked = new MemoryLead().send([page("/pricing", T0), ev("cart_add", T0 + 1), ev("cart_add", T0 + 2)], T0 + 10, { request: request([page("/pricing", T0), ev("cart_add", T0 + 1), ev("cart_add", T0 + 2)], { promoAllowed: false }) });
    expect(blocked.actions).toEqual([]);
    const lead = new MemoryLead();
    const first = lead.send([page("/pricing", T0), ev("cart_add", T0 + 1), ev("cart_add", T0 + 2)], T0 + 10);
    const again = lead.send([ev("chat_open", T0 + 20)], T0 + 30);
    expect(first.actions).toHaveLength(1);
    expect(again.actions).toEqual([]);
    expect(again.record.promos[0]?.code).toBe((first.actions[0] as { code: string }).code);
  });

  it("is a pure function: the same input gives the same output, ids and codes included", () => {
    const input = { record: null, request: request([page("/pricing", T0), ev("cart_add", T0 + 1), ev("cart_add", T0 + 2)]), config: stored(), known: new Map(), now: T0 + 5 };
    expect(decide({ ...input, random: seeded(7) })).toEqual(decide({ ...input, random: seeded(7) }));
  });

  it("marks a lead created by an unverified identify unverified until a verified one confirms it", () => {
    const lead = new MemoryLead();
    const claimed = lead.run({ request: request([ev("identify", T0)], { userId: "ada@example.com", verified: false }), now: T0 });
    expect(claimed.record.identity.verified).toBe(false);
    const again = lead.run({ request: request([ev("page_view", T0 + 1)], { userId: "ada@example.com", verified: false }), now: T0 + 1 });
    expect(again.record.identity.verified).toBe(false);
    const confirmed = lead.run({ request: request([ev("identify", T0 + 2)], { userId: "ada@example.com" }), now: T0 + 2 });
    expect(confirmed.record.identity.verified).toBe(true);
    expect(new MemoryLead().send([page("/", T0)], T0).record.identity.verified).toBeUndefined();
  });
});

describe("decide: storage", () => {
  it("keeps events in the record until FLUSH_EVENTS gather, then writes them as one batch row", () => {
    const lead = new MemoryLead();
    const rows = Array.from({ length: FLUSH_EVENTS }, (_, i) => lead.send([ev("chat_open", T0 + i)], T0 + i).batch);
    expect(rows.slice(0, -1).every((b) => b === null)).toBe(true);
    expect(rows.at(-1)!.events).toHaveLength(FLUSH_EVENTS);
    expect(lead.record!.pending).toEqual([]);
  });

  it("writes nothing for a batch of duplicates", () => {
    const lead = new MemoryLead();
    const events = [page("/", T0), ev("chat_open", T0 + 1)];
    lead.send(events, T0 + 2);
    const resent = lead.send(events, T0 + 3);
    expect(resent).toMatchObject({ accepted: 0, duplicates: 2, recordChanged: false, batch: null, added: [] });
  });

  it("reports a new config's effect by itself (cause config) before the batch", () => {
    const lead = new MemoryLead();
    lead.send([page("/pricing", T0)], T0); // 31: warm
    const strict = stored({ models: [{ ...stored().config.models[0], labels: [{ name: "cold" }, { name: "warm", min: 50 }, { name: "hot", min: 80 }] }] }, 2);
    const d = lead.run({ request: request([page("/", T0 + 1)], { configVersion: 2 }), config: strict, now: T0 + 1 });
    expect(d.changes.map((c) => [c.type, c.from, c.to, c.cause.kind])).toEqual([["lead.label_changed", "warm", "cold", "config"]]);
  });
});

describe("decide: what the record carries over", () => {
  it("keeps the outcome watch, so an ordinary event never replays the lead's history", () => {
    const lead = new MemoryLead();
    lead.send([page("/", T0)], T0);
    const watch = { horizonEnd: T0 + 30 * 86_400_000 };
    lead.record = { ...lead.record!, outcome: watch };
    const d = lead.send([page("/about", T0 + MIN)], T0 + MIN);
    expect(d.record.outcome).toEqual(watch);
    const settled = { horizonEnd: watch.horizonEnd, settled: { kind: "converted" as const, at: T0 + MIN } };
    lead.record = { ...d.record, outcome: settled };
    expect(lead.tick(T0 + 2 * MIN).record.outcome).toEqual(settled);
  });
});

describe("decide: deduplication window", () => {
  const batch = () => [page("/", T0), ev("chat_open", T0 + 1), ev("cart_add", T0 + 2)];

  for (const shape of ["the same batch", "a different batch shape"] as const) {
    it(`scores nothing for ids resent just inside the window, as ${shape}`, () => {
      const lead = new MemoryLead();
      const events = batch();
      // Enough later traffic that the first batch is flushed to a row (its ids leave the record).
      lead.send(events, T0);
      for (let i = 0; i < FLUSH_EVENTS; i++) lead.send([ev("page_view", T0 + 10 + i, { path: "/x" })], T0 + 10 + i);
      expect(lead.record!.pending.some((p) => events.some((e) => e.id === p.event.id))).toBe(false);
      const score = lead.decisions.at(-1)!.summary.score;
      const fresh = ev("page_view", T0 + 100, { path: "/y" });
      const resend = shape === "the same batch" ? events : [events[2]!, fresh, events[0]!];
      // The batch row's window counts from its flush.
      const flushedAt = lead.decisions.find((d) => d.batch)!.batch!.receivedAt;
      const d = lead.send(resend, flushedAt + DEDUP_WINDOW_MS - 1);
      expect(d.duplicates).toBe(shape === "the same batch" ? 3 : 2);
      expect(d.accepted).toBe(shape === "the same batch" ? 0 : 1);
      expect(d.record.state.models.shop!.rules.cart?.n).toBe(1);
      expect(d.record.state.models.shop!.rules.chat?.n).toBe(1);
      if (shape === "the same batch") expect(d.summary.score).toBeLessThanOrEqual(score);
    });
  }

  it("remembers ids riding in the record exactly, however long they wait there", () => {
    const lead = new MemoryLead();
    const events = batch();
    lead.send(events, T0);
    expect(lead.send(events, T0 + 10 * DEDUP_WINDOW_MS).accepted).toBe(0);
  });

  it("treats an id received before the window as new", () => {
    const d = decide({ record: null, request: request([page("/", T0)]), config: stored(), known: new Map([["old", T0 - DEDUP_WINDOW_MS]]), now: T0, random: seeded() });
    expect(d.accepted).toBe(1);
  });
});

describe("decide: merge", () => {
  it("re-scores the union of both histories: caps span it", () => {
    const known = new MemoryLead();
    known.run({ request: request([ev("cart_add", T0), ev("cart_add", T0 + 1)], { userId: "ada@example.com", leadId: "u_1" }), now: T0 + 1 });
    const absorbed = { events: [ev("cart_add", T0 - 5), page("/pricing", T0 - 4)], anonymousIds: ["visitor-0001"], mergedInto: null, leadId: LEAD };
    const d = known.run({ request: request([], { userId: "ada@example.com", leadId: "u_1" }), absorbed, now: T0 + 2 });
    // cart is capped at two across the union; pricing and its page view count once.
    expect(d.summary.score).toBeCloseTo(2 * 25 + 30 + 1, 0);
    expect(d.merged).toBe(true);
    expect(d.batch!.events.map((e) => e.id).sort()).toEqual([...absorbed.events, ...known.decisions[0]!.record.pending.map((p) => p.event)].map((e) => e.id).sort());
    expect(d.changes.map((c) => c.cause.kind)).toEqual(["merge"]);
    expect(d.record.identity.mergedLeadIds).toEqual([LEAD]);
  });
});

describe("decide: properties", () => {
  const NAMES = ["page_view", "cart_add", "chat_open", "identify"] as const;
  const eventArb = fc.record({ name: fc.constantFrom(...NAMES), offset: fc.integer({ min: 0, max: 6 * 60 * MIN }), pricing: fc.boolean() });
  const eventsArb = fc.uniqueArray(eventArb, { minLength: 1, maxLength: 30, selector: (e) => `${e.name}${e.offset}` }).map((list) =>
    list
      .sort((a, b) => a.offset - b.offset)
      .map((e, i) => ({ id: `p${String(i).padStart(3, "0")}`, name: e.name, ts: T0 + e.offset, ...(e.name === "page_view" ? { path: e.pricing ? "/pricing" : "/" } : {}) }) as ScoringEvent),
  );

  it("gives the same final state and answer whatever the batching", () => {
    fc.assert(
      fc.property(eventsArb, fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 30 }), (events, sizes) => {
        const end = T0 + 7 * 60 * MIN;
        const whole = new MemoryLead();
        whole.send(events, events.at(-1)!.ts);
        whole.tick(end);
        const split = new MemoryLead();
        let i = 0;
        for (let k = 0; i < events.length; k++) {
          const size = sizes[k % sizes.length]!;
          const part = events.slice(i, i + size);
          i += size;
          split.send(part, part.at(-1)!.ts);
        }
        split.tick(end);
        expect(split.record!.state).toEqual(whole.record!.state);
        expect(split.decisions.at(-1)!.summary).toEqual(whole.decisions.at(-1)!.summary);
      }),
      { numRuns: 60 },
    );
  });

  it("scores nothing for a resent id, however the resend is batched", () => {
    fc.assert(
      fc.property(eventsArb, fc.integer({ min: 0, max: DEDUP_WINDOW_MS - 1 }), fc.integer({ min: 0, max: 1000 }), (events, later, seed) => {
        const lead = new MemoryLead();
        const sent = events.at(-1)!.ts;
        lead.send(events, sent);
        const before = lead.record!;
        const resend = fc.sample(fc.shuffledSubarray(events, { minLength: 1 }), { seed, numRuns: 1 })[0]!;
        const d = lead.send(resend, sent + later);
        expect(d.accepted).toBe(0);
        expect(d.added).toEqual([]);
        expect(d.record.state).toEqual(before.state);
      }),
      { numRuns: 60 },
    );
  });
});
