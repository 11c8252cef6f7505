/**
 * The outbox's bookkeeping, pure: which deliveries are due, and what one attempt's outcome does to a
 * delivery (done, retry at an instant, or a dead letter). The I/O lives in ./delivery.ts.
 */
import type { Env } from "../env";
import { nextAttemptDelay } from "../webhooks/retry-schedule";
import { INDEX_OUTBOX, type Delivery } from "./types";

/** Hosts exempt from the public-https rule for webhooks (WEBHOOK_ALLOW_HOSTS, local development). */
export function allowedWebhookHosts(env: Pick<Env, "WEBHOOK_ALLOW_HOSTS">): string[] {
  return (env.WEBHOOK_ALLOW_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
}

/** What one attempt did: the outcome of deliverWebhook, or a verdict reached before sending. */
export interface AttemptResult {
  outcome: "delivered" | "retry" | "gone" | "rejected" | "dead";
  error?: string;
  /** A receiver's Retry-After (or a slow-down on 429/503): the next attempt waits at least this long. */
  retryAfterMs?: number;
}

export type Settled =
  | { kind: "done" }
  | { kind: "retry"; delivery: Delivery }
  | { kind: "dead"; delivery: Delivery; error: string };

export interface SettleOptions {
  /** Multiplies the schedule's delays (WEBHOOK_RETRY_SCALE; 1 in production). */
  scale: number;
  /** In [0, 1): the schedule's jitter; absent means exact delays. */
  random?: () => number;
}

/** Index updates are internal: they retry on the last step of the schedule forever, never dead letters. */
const INDEX_RETRY_MS = 10 * 60 * 60 * 1000;

/**
 * What an attempt's result does to its delivery. A webhook that failed its last scheduled attempt, or
 * that cannot succeed (refused, gone, no endpoint), becomes a dead letter; every other failure waits
 * `max(schedule delay, retryAfterMs)`.
 *
 * @example settleAttempt(delivery, { outcome: "retry", error: "HTTP 500" }, now, { scale: 1 }) // { kind: "retry", delivery: { attempts: 1, nextAt: now + 5000, ... } }
 */
export function settleAttempt(delivery: Delivery, result: AttemptResult, now: number, options: SettleOptions): Settled {
  if (result.outcome === "delivered") return { kind: "done" };
  const attempts = delivery.attempts + (result.outcome === "dead" ? 0 : 1);
  const error = (result.error ?? result.outcome).slice(0, 500);
  // The site object's own deliveries (the index, outcomes) are retried until it takes them.
  const index = delivery.endpointId.startsWith("#");
  if (!index && result.outcome !== "retry") return { kind: "dead", delivery: { ...delivery, attempts, lastError: error }, error };
  const scheduled = nextAttemptDelay(attempts, options.random ? { random: options.random } : {});
  if (scheduled === null && !index) return { kind: "dead", delivery: { ...delivery, attempts, lastError: error }, error };
  const delay = Math.max((scheduled ?? INDEX_RETRY_MS) * options.scale, result.retryAfterMs ?? 0);
  return { kind: "retry", delivery: { ...delivery, attempts, nextAt: now + delay, lastError: error } };
}

/** The earliest instant any delivery is due, or null when the outbox is empty. */
export function earliestDue(outbox: readonly Delivery[]): number | null {
  let at: number | null = null;
  for (const d of outbox) if (at === null || d.nextAt < at) at = d.nextAt;
  return at;
}

/**
 * Adds deliveries to an outbox; a new index update replaces one not yet sent (the index wants only
 * the lead's latest state).
 *
 * @example withDeliveries(record.outbox, deliveriesFor(messages, endpoints, [], entry, now))
 */
export function withDeliveries(outbox: readonly Delivery[], added: readonly Delivery[]): Delivery[] {
  const replacesIndex = added.some((d) => d.endpointId === INDEX_OUTBOX);
  return [...outbox.filter((d) => !(replacesIndex && d.endpointId === INDEX_OUTBOX)), ...added];
}

/**
 * The outbox once attempts have settled: each attempted delivery replaced by its retry, or gone when
 * it is done. Only the attempt that was made is settled: one requeued meanwhile stays.
 *
 * @example settleOutbox(record.outbox, [{ attempted: d, next: null }]) // the outbox without d
 */
export function settleOutbox(outbox: readonly Delivery[], settled: ReadonlyArray<{ attempted: Delivery; next: Delivery | null }>): Delivery[] {
  return outbox.flatMap((d) => {
    const s = settled.find((x) => sameAttempt(x.attempted, d));
    return s ? (s.next ? [s.next] : []) : [d];
  });
}

/**
 * Dead letters put back in an outbox for redelivery, keeping their message ids, each due at `dueAt`
 * with its attempts counted afresh; a copy of the same delivery already there gives way.
 *
 * @example withRequeued(record.outbox, letters, now + DELIVERY_GRACE_MS)
 */
export function withRequeued(outbox: readonly Delivery[], letters: ReadonlyArray<Pick<Delivery, "messageId" | "endpointId" | "type" | "body">>, dueAt: number): { outbox: Delivery[]; added: Delivery[] } {
  const added: Delivery[] = letters.map((l) => ({ messageId: l.messageId, endpointId: l.endpointId, type: l.type, body: l.body, attempts: 0, nextAt: dueAt }));
  return { outbox: withDeliveries(outbox.filter((d) => !added.some((a) => sameDelivery(a, d))), added), added };
}

/**
 * The same attempt of the same delivery: what an attempt settles. A delivery put back in the outbox
 * while an attempt of it was under way (a redelivered dead letter) is a new attempt and stays.
 *
 * @example sameAttempt(attempted, { ...attempted, attempts: 0, nextAt: now + DELIVERY_GRACE_MS }) // false
 */
export function sameAttempt(a: Delivery, b: Delivery): boolean {
  return sameDelivery(a, b) && a.attempts === b.attempts && a.nextAt === b.nextAt;
}

/** The same delivery: one message for one endpoint. */
export function sameDelivery(a: Delivery, b: Delivery): boolean {
  return a.messageId === b.messageId && a.endpointId === b.endpointId;
}
