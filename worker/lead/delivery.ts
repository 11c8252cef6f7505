import type { Env } from "../env";
import { readSecret } from "../env";
import { rememberDisabledEndpoint, siteStub } from "../site/config-cache";
import type { StoredConfig } from "../site/SiteObject";
import { deliverWebhook } from "../webhooks/deliver";
import { nextAttemptDelay } from "../webhooks/retry-schedule";
import { sendIndexUpdate } from "./index-batcher";
import { allowedWebhookHosts, settleAttempt, type AttemptResult, type SettleOptions } from "./outbox";
import { INDEX_OUTBOX, type Delivery, type LeadIdentity } from "./types";
import type { LeadOutcome } from "../outcomes/outcome";
import { OUTCOME_OUTBOX } from "../outcomes/watch";

/**
 * WEBHOOK_RETRY_SCALE compresses the day-long retry schedule (0.0001 turns 10 h into 3.6 s) so tests
 * and local experiments can watch a message exhaust its retries. Production leaves it unset (1).
 */
export function retryScale(env: Env): number {
  const scale = Number(env.WEBHOOK_RETRY_SCALE ?? "1");
  return Number.isFinite(scale) && scale > 0 && scale <= 1 ? scale : 1;
}

/**
 * One attempt of one delivery: a signed webhook to its endpoint, or an index update to the site
 * object. Never throws: every failure is an outcome the outbox settles (./outbox.ts).
 *
 * @example const result = await attemptDelivery(env, identity, stored, delivery, Date.now())
 */
export async function attemptDelivery(env: Env, identity: LeadIdentity, stored: StoredConfig | null, delivery: Delivery, now: number): Promise<AttemptResult> {
  if (delivery.endpointId === INDEX_OUTBOX) {
    const stored = await sendIndexUpdate(env, identity.site, `${identity.leadId}/${delivery.messageId}`, JSON.parse(delivery.body));
    return stored ? { outcome: "delivered" } : { outcome: "retry", error: "The site object did not store the index update" };
  }
  if (delivery.endpointId === OUTCOME_OUTBOX) return sendOutcome(env, identity.site, delivery.body);
  const endpoint = stored?.config.webhooks.find((e) => e.id === delivery.endpointId);
  if (!endpoint) return { outcome: "dead", error: "The endpoint is no longer in the site's config" };
  if (stored?.disabledEndpoints.includes(endpoint.id)) return { outcome: "dead", error: "The endpoint is disabled (it answered 410 Gone)" };
  const secrets = [endpoint.secret, endpoint.previousSecret].flatMap((ref) => (ref ? [readSecret(env, ref.env)] : [])).filter((s): s is string => !!s);
  if (secrets.length === 0) return { outcome: "dead", error: `The secret ${endpoint.secret.env} is not set` };

  const result: { outcome: AttemptResult["outcome"]; status?: number; error?: string; retryAfterMs?: number } = await deliverWebhook({
    url: endpoint.url,
    secrets,
    message: { id: delivery.messageId, body: delivery.body, type: delivery.type },
    now,
    fetch: (input, init) => fetch(input, init),
    // deliverWebhook checks the URL policy (once per attempt) and refuses before sending.
    allowHosts: allowedWebhookHosts(env),
    timeoutMs: (endpoint.timeoutSeconds ?? 10) * 1000,
    // What the schedule would wait next: a 429 or 503 asks for at least twice that (a slow-down).
    nextDelayMs: (nextAttemptDelay(delivery.attempts + 1) ?? 0) * retryScale(env),
  });
  if (result.outcome === "gone") {
    await siteStub(env, identity.site).disableEndpoint(endpoint.id, "410 Gone", now);
    rememberDisabledEndpoint(identity.site, endpoint.id);
    return { outcome: "gone", error: "The endpoint answered 410 Gone and was disabled" };
  }
  const error = result.error ?? (result.status ? `HTTP ${result.status}` : undefined);
  // Read through an optional field: a receiver's Retry-After, where deliverWebhook reports one.
  return { outcome: result.outcome, ...(error ? { error } : {}), ...(result.retryAfterMs !== undefined ? { retryAfterMs: result.retryAfterMs } : {}) };
}

/** A lead's settled outcome to the site's report counters; the site keeps it by lead id, so a repeat counts once. */
async function sendOutcome(env: Env, site: string, body: string): Promise<AttemptResult> {
  try {
    const { leadId, outcome } = JSON.parse(body) as { leadId: string; outcome: LeadOutcome };
    await siteStub(env, site).recordOutcome(leadId, outcome);
    return { outcome: "delivered" };
  } catch (err) {
    return { outcome: "retry", error: `The site object did not store the outcome: ${(err as Error).message}` };
  }
}

/** Keeps what finally failed where an operator can list and redeliver it (the site object). */
export async function deadLetter(env: Env, identity: LeadIdentity, delivery: Delivery, error: string, now: number): Promise<void> {
  await siteStub(env, identity.site).addDeadLetter({
    messageId: delivery.messageId,
    endpointId: delivery.endpointId,
    leadId: identity.leadId,
    type: delivery.type,
    body: delivery.body,
    attempts: delivery.attempts,
    lastError: error.slice(0, 500),
    failedAt: now,
  });
}

/** A dead letter the site object could not take is tried again this much later (times the retry scale). */
const DEAD_LETTER_RETRY_MS = 60_000;

/**
 * One attempt, settled: the delivery as it stays in the outbox (a retry), or null when it is done
 * (delivered, or stored as a dead letter at the site object, which happens before it leaves here).
 *
 * @example const next = await deliverOnce(env, identity, stored, delivery, { scale: 1 })
 */
export async function deliverOnce(env: Env, identity: LeadIdentity, stored: StoredConfig | null, delivery: Delivery, options: SettleOptions): Promise<Delivery | null> {
  const now = Date.now();
  const outcome = settleAttempt(delivery, await attemptDelivery(env, identity, stored, delivery, now), now, options);
  if (outcome.kind === "done") return null;
  if (outcome.kind === "retry") return outcome.delivery;
  try {
    await deadLetter(env, identity, outcome.delivery, outcome.error, now);
    return null;
  } catch {
    return { ...delivery, nextAt: now + DEAD_LETTER_RETRY_MS * options.scale };
  }
}
