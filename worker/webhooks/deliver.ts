/**
 * One delivery attempt of one message to one endpoint. The caller (a queue consumer or an outbox
 * alarm) owns retries: it reads the outcome, and asks `nextAttemptDelay` when to try again.
 */
import { z } from "zod";
import { signWebhook } from "./sign";
import { checkWebhookUrl } from "./url-policy";

export const USER_AGENT = "Leadscore-Webhooks/1";
/**
 * How long one attempt waits for an answer unless the endpoint sets `timeoutSeconds`. A receiver
 * slower than this counts as failed and is called again later, with the same webhook-id: receivers
 * should answer 2xx at once and do their work after.
 */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** A receiver may ask for a pause, not for the message to be parked forever: longer asks are cut to a day. */
export const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;
/** "Too many requests" and "unavailable": the receiver is overloaded, so the next attempt waits longer. */
const SLOW_DOWN_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * - delivered: a 2xx; done.
 * - retry: anything else the endpoint might recover from (non-2xx, 3xx, network error, timeout).
 *   Standard Webhooks retries every non-2xx, 4xx included: a 401 or 404 is often a deploy in progress.
 * - gone: 410; the endpoint asked to be removed, so the caller disables it and stops retrying.
 * - rejected: nothing was sent, because the URL fails the URL policy or a secret is malformed.
 *   Retrying the same config cannot succeed: dead-letter the message and surface the error.
 */
export type DeliveryOutcome = "delivered" | "retry" | "gone" | "rejected";

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  status?: number;
  error?: string;
  /**
   * The least the caller should wait before the next attempt, when the receiver said so: its
   * Retry-After (seconds or an HTTP date, at most a day), and on 429 / 503 at least twice the
   * caller's own next delay (`nextDelayMs`). Absent: follow the retry schedule.
   */
  retryAfterMs?: number;
  durationMs: number;
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface DeliverWebhookInput {
  url: string;
  /** `whsec_…` secrets; two during a rotation. */
  secrets: readonly string[];
  /** `body` is the exact JSON text from `buildWebhookBody`; `id` is the same on every attempt. */
  message: { id: string; body: string; type: string };
  /** This attempt's time in ms: it becomes the signed `webhook-timestamp`. */
  now: number;
  /** Injected so the same code runs on workerd's fetch and, in tests, Node's against a local server. */
  fetch: FetchLike;
  /** How long this attempt waits for an answer (the endpoint's `timeoutSeconds`, default 10 s). */
  timeoutMs?: number;
  /** The delay the caller's retry schedule gives before the next attempt; 429 / 503 double it. */
  nextDelayMs?: number;
  /** Hosts exempt from the public-https rule (see checkWebhookUrl), e.g. ["localhost:8787"] in dev. */
  allowHosts?: readonly string[];
  /** Measures durationMs; defaults to Date.now (in workerd it advances across I/O, which is what we time). */
  clock?: () => number;
}

/**
 * Sends one signed attempt and classifies the answer. Never throws.
 *
 * @example
 * const result = await deliverWebhook({
 *   url: "https://hooks.example.com/leadscore",
 *   secrets: [env.WEBHOOK_SECRET],
 *   message: { id: "msg_01JGFJJZ00…", body, type: "lead.label_changed" },
 *   now: Date.now(),
 *   fetch,
 * });
 * // { outcome: "retry", status: 503, error: "HTTP 503", durationMs: 84 }
 */
export async function deliverWebhook(input: DeliverWebhookInput): Promise<DeliveryResult> {
  const { url, secrets, message, now, fetch, timeoutMs = DEFAULT_TIMEOUT_MS, nextDelayMs = 0, allowHosts = [], clock = Date.now } = input;
  const started = clock();
  const finish = (result: Omit<DeliveryResult, "durationMs">): DeliveryResult => ({
    ...result,
    durationMs: Math.max(0, clock() - started),
  });

  // Checked on every attempt, not only when the endpoint is saved: a config written under an older
  // policy must not keep reaching a host the current policy forbids. This is the one check per
  // attempt; callers do not check again.
  const policy = checkWebhookUrl(url, allowHosts);
  if (!policy.ok) return finish({ outcome: "rejected", error: `URL not allowed: ${policy.reason}` });

  let signature: Awaited<ReturnType<typeof signWebhook>>;
  try {
    // A fresh timestamp each attempt: receivers reject timestamps older than ~5 minutes, and a retry
    // may come hours later. The id stays the message's, so receivers can deduplicate.
    signature = await signWebhook({ id: message.id, timestamp: Math.floor(now / 1000), body: message.body, secrets: [...secrets] });
  } catch (error) {
    return finish({ outcome: "rejected", error: `cannot sign: ${describeError(error)}` });
  }

  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { ...signature, "content-type": "application/json", "user-agent": USER_AGENT },
      body: message.body,
      // A redirect could point anywhere, including hosts the URL policy forbids; the receiver must
      // register its final URL instead.
      redirect: "manual",
      signal: controller.signal,
    });
    // The body is never needed; cancelling it frees the connection now rather than at garbage collection.
    await response.body?.cancel().catch(() => undefined);
    return finish(classify(response, now, nextDelayMs));
  } catch (error) {
    const reason = controller.signal.aborted ? `timed out after ${timeoutMs} ms` : describeError(error);
    return finish({ outcome: "retry", error: reason });
  } finally {
    clearTimeout(timer);
  }
}

function classify(response: Response, now: number, nextDelayMs: number): Omit<DeliveryResult, "durationMs"> {
  const { status } = response;
  if (status >= 200 && status < 300) return { outcome: "delivered", status };
  // Standard Webhooks: 410 Gone means "stop sending", not "try later".
  if (status === 410) return { outcome: "gone", status, error: "HTTP 410 Gone" };
  const asked = parseRetryAfter(response.headers.get("retry-after"), now);
  const slowDown = SLOW_DOWN_STATUSES.has(status) ? 2 * nextDelayMs : 0;
  const retryAfterMs = Math.min(Math.max(asked ?? 0, slowDown), MAX_RETRY_AFTER_MS);
  const location = response.headers.get("location");
  const error = status >= 300 && status < 400 ? `HTTP ${status} redirect${location ? ` to ${location}` : ""} not followed` : `HTTP ${status}`;
  return asked === undefined && slowDown === 0 ? { outcome: "retry", status, error } : { outcome: "retry", status, error, retryAfterMs };
}

/**
 * RFC 9110 §10.2.3: either delay-seconds or an HTTP date; anything else is ignored.
 *
 * @example parseRetryAfter("120", now) // 120_000
 * @example parseRetryAfter("Wed, 21 Oct 2026 07:28:00 GMT", now) // ms until then, 0 if past
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d{1,10}$/.test(text)) return Number(text) * 1000;
  // Date.parse takes almost anything ("1", "soon 2026"); every HTTP date form starts with a weekday.
  if (!/^[A-Za-z]{3,9},? /.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Node's fetch says only "fetch failed" and keeps the useful part (ECONNREFUSED…) in `cause`. */
function describeError(error: unknown): string {
  if (error instanceof z.ZodError) return z.prettifyError(error).replace(/\s*\n\s*/g, " ");
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.message === "string" ? cause.message : "";
  return detail ? `${error.message} (${detail})` : error.message;
}
