/** Webhook endpoints through the operator API: state, dead letters, redelivery, test messages, re-enabling. */
import { api, sitePath } from "./http";

export interface EndpointState {
  id: string;
  url: string;
  types: string[];
  state: "active" | "disabled";
  deadLetters: { count: number; atLeast: boolean };
  lastFailure: { at: string; error: string; type: string; messageId: string } | null;
}

export interface DeadLetter {
  messageId: string;
  endpointId: string;
  leadId: string;
  type: string;
  attempts: number;
  lastError: string;
  failedAt: number;
  payload: { type: string; timestamp: string; data?: { lead?: { id: string; userId?: string; anonymousIds?: string[] } } };
}

export interface TestResult {
  messageId: string;
  outcome: "delivered" | "retry" | "gone" | "rejected";
  delivered: boolean;
  status?: number;
  error?: string;
  durationMs: number;
}

const endpointPath = (site: string, endpoint: string, rest = "") => sitePath(site, `/webhooks/${encodeURIComponent(endpoint)}${rest}`);

export async function listEndpoints(site: string): Promise<EndpointState[]> {
  return (await api<{ endpoints: EndpointState[] }>(sitePath(site, "/webhooks"))).endpoints;
}

export async function listDeadLetters(site: string, endpoint: string): Promise<DeadLetter[]> {
  return (await api<{ deadLetters: DeadLetter[] }>(endpointPath(site, endpoint, "/dead-letters"))).deadLetters;
}

/**
 * Puts dead letters back in their leads' outboxes (all of the endpoint's, or the given ones).
 *
 * @example await redeliver("demo", "inspector", ["msg_01J…"]) // 1
 */
export async function redeliver(site: string, endpoint: string, messageIds?: string[]): Promise<number> {
  const body = messageIds ? { messageIds } : { all: true };
  return (await api<{ redelivering: number }>(endpointPath(site, endpoint, "/dead-letters/redeliver"), { method: "POST", body })).redelivering;
}

/** Sends a signed `lead.test` message to the endpoint now and answers how it went. */
export function sendTest(site: string, endpoint: string): Promise<TestResult> {
  return api<TestResult>(endpointPath(site, endpoint, "/test"), { method: "POST" });
}

/** What re-enabling answers: since when the endpoint was disabled, and the dead letters made meanwhile. */
export interface EnableResult {
  endpoint: string;
  enabled: true;
  disabledAt: number | null;
  reason: string | null;
  /** Dead letters of this endpoint made while it was disabled: what it missed. */
  missed: DeadLetter[];
  redelivering: number;
}

/**
 * Re-enables an endpoint that answered 410 Gone; what it missed stays in its dead letters until
 * redelivered (`redeliver(site, endpoint, missed.map((l) => l.messageId))`).
 *
 * @example const { missed } = await enableEndpoint("demo", "inspector")
 */
export function enableEndpoint(site: string, endpoint: string): Promise<EnableResult> {
  return api<EnableResult>(endpointPath(site, endpoint, "/enable"), { method: "POST", body: { redeliverMissed: false } });
}
