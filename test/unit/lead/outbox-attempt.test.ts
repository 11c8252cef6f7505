import { describe, expect, it } from "vitest";
import { sameAttempt, sameDelivery, settleOutbox, withRequeued } from "../../../worker/lead/outbox";
import { DELIVERY_GRACE_MS } from "../../../worker/lead/schedule";
import type { Delivery } from "../../../worker/lead/types";

const NOW = 1_000_000;
const attempted: Delivery = { messageId: "msg_1", endpointId: "main", type: "lead.label_changed", body: "{}", attempts: 3, nextAt: NOW };

describe("settling an attempt", () => {
  it("settles only the attempt that was made: a dead letter requeued while it ran is a new attempt", () => {
    // What LeadObject.requeue puts back: the same message, attempts reset, due after the grace period.
    const requeued: Delivery = { ...attempted, attempts: 0, nextAt: NOW + 5 + DELIVERY_GRACE_MS };
    expect(sameDelivery(attempted, requeued)).toBe(true);
    expect(sameAttempt(attempted, requeued)).toBe(false);
  });

  it.each<[string, Partial<Delivery>, boolean]>([
    ["the very attempt", {}, true],
    ["a later attempt of the message", { attempts: 3 + 1, nextAt: NOW + 30 }, false],
    ["another endpoint", { endpointId: "backup" }, false],
    ["another message", { messageId: "msg_2" }, false],
  ])("%s", (_name, change, same) => {
    expect(sameAttempt(attempted, { ...attempted, ...change })).toBe(same);
  });
});

describe("the outbox after attempts and requeues", () => {
  const letter = { messageId: attempted.messageId, endpointId: attempted.endpointId, type: attempted.type, body: attempted.body };

  it("settles the attempt made and keeps a requeued copy of it, which LeadObject then attempts", () => {
    const { outbox, added } = withRequeued([attempted], [letter], NOW + DELIVERY_GRACE_MS);
    // The requeued copy replaced the attempted one: one delivery, attempts counted afresh.
    expect(outbox).toEqual([{ ...attempted, attempts: 0, nextAt: NOW + DELIVERY_GRACE_MS }]);
    expect(added).toEqual(outbox);
    // The earlier attempt dead-letters (next: null): the requeued copy stays.
    expect(settleOutbox(outbox, [{ attempted, next: null }])).toEqual(outbox);
  });

  it("replaces an attempt by its retry and drops one that is done, leaving others alone", () => {
    const other: Delivery = { ...attempted, messageId: "msg_2" };
    const retry: Delivery = { ...attempted, attempts: 3 + 1, nextAt: NOW + 30 };
    expect(settleOutbox([attempted, other], [{ attempted, next: retry }])).toEqual([retry, other]);
    expect(settleOutbox([attempted, other], [{ attempted: other, next: null }])).toEqual([attempted]);
  });
});
