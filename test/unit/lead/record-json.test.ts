import { describe, expect, it } from "vitest";
import { FLUSH_EVENTS } from "../../../worker/lead/decide";
import { settleOutbox } from "../../../worker/lead/outbox";
import { recordJson } from "../../../worker/lead/record-json";
import { withSent } from "../../../worker/lead/sent-log";
import type { LeadRecord } from "../../../worker/lead/types";
import { ev, MemoryLead, page, T0 } from "./fixtures";

const MIN = 60_000;

describe("recordJson: the record as stored", () => {
  it("is JSON.stringify(record) after every decision of a lead's life: events, webhooks, a code, flushes, an alarm", () => {
    const lead = new MemoryLead();
    const printed: string[] = [];
    const check = () => {
      const record = lead.record!;
      printed.push(recordJson(record));
      expect(printed.at(-1)).toBe(JSON.stringify(record));
    };
    // More than one flush's worth of single events, so pending and history fill, flush and refill;
    // pricing and carts take the lead to hot (webhooks in the outbox) and earn it a code.
    for (let i = 0; i < FLUSH_EVENTS + 5; i++) {
      lead.send([i % 3 === 0 ? ev("cart_add", T0 + i * MIN) : page(i % 2 ? "/pricing" : "/", T0 + i * MIN)], T0 + i * MIN);
      check();
      // The outbox settles as the object's sender does: the first delivery leaves it for the sent log.
      const record = lead.record!;
      const first = record.outbox[0];
      if (first) {
        lead.record = { ...record, outbox: settleOutbox(record.outbox, [{ attempted: first, next: null }]), sent: withSent(record.sent ?? [], first, "delivered", T0 + i * MIN) };
        check();
      }
    }
    // A day later decay takes the lead down a line: the alarm's decision changes state and history only.
    lead.tick(T0 + 24 * 60 * MIN);
    check();
    const all = printed.join("\n");
    for (const field of ['"pending":[{', '"history":[{', '"outbox":[{', '"sent":[{', '"promos":[{', '"indexOwed":{', '"index":{']) expect(all).toContain(field);
    // The same record printed again reuses every entry's text and prints the same bytes.
    expect(recordJson(lead.record!)).toBe(printed.at(-1));
  });

  it("leaves out undefined fields as JSON.stringify does, and keeps the field order", () => {
    const record = { identity: { site: "shop", leadId: "a_1", userId: null, anonymousIds: ["v-1"] }, pending: [], history: undefined, configVersion: 3, index: null } as unknown as LeadRecord;
    expect(recordJson(record)).toBe('{"identity":{"site":"shop","leadId":"a_1","userId":null,"anonymousIds":["v-1"]},"pending":[],"configVersion":3,"index":null}');
  });
});
