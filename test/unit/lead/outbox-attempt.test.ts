import { describe, expect, it } from "vitest";
import { sameAttempt, sameDelivery } from "../../../worker/lead/outbox";
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
