import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { earliestDue, settleAttempt, type AttemptResult } from "../../../worker/lead/outbox";
import { DELIVERY_GRACE_MS, planAlarm, type AlarmPlanInput } from "../../../worker/lead/schedule";
import type { Delivery } from "../../../worker/lead/types";
import { MAX_ATTEMPTS } from "../../../worker/webhooks/retry-schedule";

/**
 * A model of one Lead object's outbox on workerd: one alarm slot, an alarm set from inside alarm()
 * for a time at or before the present is dropped when the handler returns (cloudflare/workerd#6866),
 * a restart loses memory but keeps storage, and Date.now() moves only across I/O (each attempt takes
 * FETCH_MS). The object's side uses the real planAlarm and settleAttempt.
 */
type Plan = (input: AlarmPlanInput) => number | null;

const FETCH_MS = 2;

interface Step {
  kind: "ingest" | "restart" | "alarm";
  gap: number;
  crashBeforeDelivery: boolean;
}

function simulate(steps: Step[], outcomes: boolean[], scale: number, plan: Plan) {
  let now = 1_000_000;
  let alarm: number | null = null;
  // Memory, lost on restart.
  let mirror: number | null = null;
  let inAlarm = false;
  // Storage.
  let outbox: Delivery[] = [];
  const delivered = new Map<string, number>();
  const dead = new Map<string, number>();
  let next = 0;
  let attempt = 0;
  let setDuringHandler: number | null = null;

  const receiver = (): AttemptResult => (outcomes[attempt++ % outcomes.length] ? { outcome: "delivered" } : { outcome: "retry", error: "HTTP 500" });
  const arm = (mayMoveLater = false) => {
    const at = plan({ outboxDueAt: earliestDue(outbox), crossingAt: null, current: mirror, now, inAlarm, mayMoveLater });
    if (at === null) return;
    alarm = mirror = at;
    if (inAlarm) setDuringHandler = at;
  };
  const deliver = (list: Delivery[]) => {
    if (list.length > 0) now += FETCH_MS;
    for (const d of list) {
      const s = settleAttempt(d, receiver(), now - FETCH_MS, { scale });
      outbox = outbox.filter((x) => x.messageId !== d.messageId);
      if (s.kind === "done") delivered.set(d.messageId, (delivered.get(d.messageId) ?? 0) + 1);
      else if (s.kind === "dead") dead.set(d.messageId, (dead.get(d.messageId) ?? 0) + 1);
      else outbox.push(s.delivery);
    }
    arm(true);
  };
  const fireAlarm = () => {
    now = Math.max(now, alarm!);
    inAlarm = true;
    mirror = null;
    setDuringHandler = null;
    deliver(outbox.filter((d) => d.nextAt <= now));
    arm();
    inAlarm = false;
    // workerd: the spent alarm is deleted, and so is one the handler set for a time at or before now.
    alarm = setDuringHandler !== null && setDuringHandler > now ? setDuringHandler : null;
  };

  for (const step of steps) {
    now += step.gap;
    while (alarm !== null && alarm <= now) fireAlarm();
    if (step.kind === "ingest") {
      const d: Delivery = { messageId: `m${next++}`, endpointId: "crm", type: "lead.label_changed", body: "{}", attempts: 0, nextAt: now + DELIVERY_GRACE_MS };
      outbox.push(d);
      arm();
      // A crash between the commit and the delivery's outcome: storage keeps the row and the alarm.
      if (step.crashBeforeDelivery) mirror = alarm;
      else deliver([d]);
    } else if (step.kind === "restart") {
      mirror = alarm;
    } else if (alarm !== null) {
      fireAlarm();
    }
  }
  // Let the object run until nothing is scheduled (bounded: every message has at most MAX_ATTEMPTS).
  for (let i = 0; alarm !== null && i < 10_000; i++) fireAlarm();
  return { sent: next, delivered, dead, outbox };
}

/** The rule the object used before: moved only earlier, never clamped inside alarm(), memory trusted. */
const OLD_PLAN: Plan = ({ outboxDueAt, crossingAt, current, now }) => {
  const candidates = [outboxDueAt, crossingAt].filter((t): t is number => t !== null);
  if (candidates.length === 0) return null;
  const at = Math.max(Math.min(...candidates), now);
  return current !== null && current <= at ? null : at;
};

const stepArb = fc.record({
  kind: fc.constantFrom("ingest", "ingest", "restart", "alarm") as fc.Arbitrary<Step["kind"]>,
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 60_000 })),
  crashBeforeDelivery: fc.boolean(),
});
const SCALES = [1, 0.0001];

describe("webhook deliveries", () => {
  it("every message ends delivered or dead-lettered, exactly once, whatever the timing of failures, alarms and restarts", () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.constantFrom(...SCALES), (steps, outcomes, scale) => {
        const { sent, delivered, dead, outbox } = simulate(steps, outcomes, scale, planAlarm);
        expect(outbox).toEqual([]);
        for (let i = 0; i < sent; i++) {
          const id = `m${i}`;
          expect((delivered.get(id) ?? 0) + (dead.get(id) ?? 0)).toBe(1);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("with a receiver that always fails, dead-letters every message after the schedule's attempts", () => {
    for (const scale of SCALES) {
      const { sent, dead, outbox } = simulate([{ kind: "ingest", gap: 0, crashBeforeDelivery: false }, { kind: "ingest", gap: 1, crashBeforeDelivery: true }], [false], scale, planAlarm);
      expect(outbox).toEqual([]);
      expect(dead.size).toBe(sent);
    }
    expect(MAX_ATTEMPTS).toBe(8);
  });

  it("finds the stall of the rule the object used before (the model is able to see it)", () => {
    // The first attempt runs in the alarm; its 0.5 ms retry is due before the 2 ms attempt returns.
    const { outbox } = simulate([{ kind: "ingest", gap: 0, crashBeforeDelivery: true }], [false], 0.0001, OLD_PLAN);
    expect(outbox.length).toBeGreaterThan(0);
  });
});
