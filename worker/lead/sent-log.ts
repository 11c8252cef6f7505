/**
 * What a lead's outbox settled: each webhook delivered or dead-lettered, kept (a bounded list) in the
 * lead's record so an operator sees what was sent about the lead next to what is still pending. It
 * rides in the record row the settling writes anyway: no row of its own.
 */
import { INDEX_OUTBOX, type Delivery } from "./types";

/** Settled webhooks a lead keeps, newest last. */
export const SENT_KEPT = 50;

/** A delivery's state as an operator reads it. */
export type DeliveryState = "pending" | "retrying" | "delivered" | "dead";

/** One settled webhook. */
export interface SentDelivery {
  messageId: string;
  endpointId: string;
  type: string;
  /** The message's own instant (its `timestamp`). */
  at: number;
  state: "delivered" | "dead";
  attempts: number;
  settledAt: number;
  lastError?: string;
  /** The message's previous and current value ("warm" -> "hot", or the promo code). */
  previous?: string | null;
  current?: string | null;
}

/** A delivery as `GET …/leads/{lead}/deliveries` lists it. */
export interface LeadDelivery extends Omit<SentDelivery, "state" | "settledAt"> {
  state: DeliveryState;
  settledAt?: number;
  nextAt?: number;
}

function messageFacts(body: string): { at: number; previous?: string | null; current?: string | null } {
  try {
    const payload = JSON.parse(body) as { timestamp?: string; data?: { previous?: string | null; current?: string | null } };
    return { at: Date.parse(payload.timestamp ?? "") || 0, previous: payload.data?.previous ?? null, current: payload.data?.current ?? null };
  } catch {
    return { at: 0 };
  }
}

/**
 * The log with one settled attempt added (index updates are internal and not logged).
 *
 * @example withSent(record.sent ?? [], delivery, "delivered", Date.now())
 */
export function withSent(sent: readonly SentDelivery[], delivery: Delivery, state: SentDelivery["state"], now: number): SentDelivery[] {
  if (delivery.endpointId === INDEX_OUTBOX) return [...sent];
  const entry: SentDelivery = { messageId: delivery.messageId, endpointId: delivery.endpointId, type: delivery.type, ...messageFacts(delivery.body), state, attempts: delivery.attempts + (state === "delivered" ? 1 : 0), settledAt: now, ...(delivery.lastError ? { lastError: delivery.lastError } : {}) };
  const others = sent.filter((s) => !(s.messageId === entry.messageId && s.endpointId === entry.endpointId));
  return [...others, entry].slice(-SENT_KEPT);
}

/**
 * Every webhook about the lead, newest first: the settled ones and those still in its outbox.
 *
 * @example leadDeliveries(record.outbox, record.sent ?? [])[0] // { type: "lead.label_changed", state: "delivered", ... }
 */
export function leadDeliveries(outbox: readonly Delivery[], sent: readonly SentDelivery[]): LeadDelivery[] {
  const pending = outbox
    .filter((d) => d.endpointId !== INDEX_OUTBOX)
    .map((d): LeadDelivery => ({ messageId: d.messageId, endpointId: d.endpointId, type: d.type, ...messageFacts(d.body), state: d.attempts > 0 ? "retrying" : "pending", attempts: d.attempts, nextAt: d.nextAt, ...(d.lastError ? { lastError: d.lastError } : {}) }));
  const settled = sent.filter((s) => !pending.some((p) => p.messageId === s.messageId && p.endpointId === s.endpointId));
  return [...settled, ...pending].sort((a, b) => b.at - a.at);
}
