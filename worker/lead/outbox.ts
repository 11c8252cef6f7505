import type { Env } from "../env";
import { readSecret } from "../env";
import { siteStub } from "../site/config-cache";
import type { StoredConfig } from "../site/SiteObject";
import { deliverWebhook } from "../webhooks/deliver";
import { nextAttemptDelay } from "../webhooks/retry-schedule";
import { checkWebhookUrl } from "../webhooks/url-policy";
import { INDEX_OUTBOX, type LeadIdentity, type OutboxRow } from "./types";

/** Deliveries one alarm attempts at most; the rest wait for the next alarm, set for "now". */
const MAX_PER_ALARM = 25;

export function allowedWebhookHosts(env: Env): string[] {
  return (env.WEBHOOK_ALLOW_HOSTS ?? "").split(",").map((h) => h.trim()).filter(Boolean);
}

/**
 * Sends what is due in the outbox: webhook messages to their endpoints and index updates to the
 * site object. Runs from the alarm, never from a request, so outbound I/O does not hold a visitor's
 * answer. Every row is settled in storage before the next alarm, so a crash repeats at most the
 * deliveries in flight (at least once, the same webhook-id each time).
 */
export async function drainOutbox(sql: SqlStorage, env: Env, identity: LeadIdentity, stored: StoredConfig | null, now: number): Promise<void> {
  const due = sql.exec<OutboxRow & Record<string, SqlStorageValue>>("SELECT * FROM outbox WHERE next_at <= ? ORDER BY next_at LIMIT ?", now, MAX_PER_ALARM).toArray();
  if (due.length === 0) return;
  // An endpoint another lead found gone (410) must not be called again by this one: ask the site
  // object, once per drain, rather than trusting the config copy this lead was last scored with.
  let current = stored;
  if (stored && due.some((row) => row.endpoint_id !== INDEX_OUTBOX)) {
    const disabledEndpoints = (await siteStub(env, identity.site).disabledEndpoints()) as string[];
    current = { ...stored, disabledEndpoints };
  }
  await Promise.all(due.map((row) => settle(sql, env, identity, current, row, now)));
}

async function settle(sql: SqlStorage, env: Env, identity: LeadIdentity, stored: StoredConfig | null, row: OutboxRow, now: number): Promise<void> {
  if (row.endpoint_id === INDEX_OUTBOX) {
    try {
      await siteStub(env, identity.site).upsertLead(JSON.parse(row.body));
      remove(sql, row);
    } catch (err) {
      retryLater(sql, env, row, now, String(err));
    }
    return;
  }
  const endpoint = stored?.config.webhooks.find((e) => e.id === row.endpoint_id);
  if (!endpoint) return deadLetter(sql, env, identity, row, now, "The endpoint is no longer in the site's config");
  if (stored?.disabledEndpoints.includes(endpoint.id)) return deadLetter(sql, env, identity, row, now, "The endpoint is disabled (it answered 410 Gone)");
  const policy = checkWebhookUrl(endpoint.url, allowedWebhookHosts(env));
  if (!policy.ok) return deadLetter(sql, env, identity, row, now, `Refused URL: ${policy.reason}`);
  const secrets = [endpoint.secret, endpoint.previousSecret].flatMap((ref) => (ref ? [readSecret(env, ref.env)] : [])).filter((s): s is string => !!s);
  if (secrets.length === 0) return deadLetter(sql, env, identity, row, now, `The secret ${endpoint.secret.env} is not set`);

  const result = await deliverWebhook({
    url: endpoint.url,
    secrets,
    message: { id: row.message_id, body: row.body, type: row.type },
    now,
    fetch: (input, init) => fetch(input, init),
    allowHosts: allowedWebhookHosts(env),
  });
  if (result.outcome === "delivered") return remove(sql, row);
  // Nothing was sent (bad secret, refused URL): retrying the same config cannot succeed.
  if (result.outcome === "rejected") return deadLetter(sql, env, identity, { ...row, attempts: row.attempts + 1 }, now, result.error ?? "rejected");
  if (result.outcome === "gone") {
    await siteStub(env, identity.site).disableEndpoint(endpoint.id, "410 Gone", now);
    return deadLetter(sql, env, identity, row, now, "The endpoint answered 410 Gone and was disabled");
  }
  const error = result.error ?? `HTTP ${result.status}`;
  if (nextAttemptDelay(row.attempts + 1) === null) return deadLetter(sql, env, identity, { ...row, attempts: row.attempts + 1 }, now, error);
  retryLater(sql, env, row, now, error);
}

function remove(sql: SqlStorage, row: OutboxRow): void {
  sql.exec("DELETE FROM outbox WHERE message_id = ? AND endpoint_id = ?", row.message_id, row.endpoint_id);
}

/**
 * WEBHOOK_RETRY_SCALE compresses the day-long retry schedule (0.0001 turns 10 h into 3.6 s) so tests
 * and local experiments can watch a message exhaust its retries. Production leaves it unset (1).
 */
function retryScale(env: Env): number {
  const scale = Number(env.WEBHOOK_RETRY_SCALE ?? "1");
  return Number.isFinite(scale) && scale > 0 && scale <= 1 ? scale : 1;
}

function retryLater(sql: SqlStorage, env: Env, row: OutboxRow, now: number, error: string): void {
  const attempts = row.attempts + 1;
  // Index updates are internal: they retry on the same schedule but never become dead letters.
  const delay = (nextAttemptDelay(attempts, { random: Math.random }) ?? 10 * 60 * 60 * 1000) * retryScale(env);
  sql.exec("UPDATE outbox SET attempts = ?, next_at = ?, last_error = ? WHERE message_id = ? AND endpoint_id = ?", attempts, now + delay, error.slice(0, 500), row.message_id, row.endpoint_id);
}

/** Keeps what finally failed where an operator can list and redeliver it (the site object). */
async function deadLetter(sql: SqlStorage, env: Env, identity: LeadIdentity, row: OutboxRow, now: number, error: string): Promise<void> {
  await siteStub(env, identity.site).addDeadLetter({
    messageId: row.message_id,
    endpointId: row.endpoint_id,
    leadId: identity.leadId,
    type: row.type,
    body: row.body,
    attempts: row.attempts,
    lastError: error.slice(0, 500),
    failedAt: now,
  });
  remove(sql, row);
}
