import { ENDPOINT, SITE } from "./config";
import { randomId } from "./id";
import { answer } from "./listeners";
import { granted, ids, persist } from "./store";

export type Props = Record<string, string | number | boolean>;

/** One event on the wire (docs/WIRE.md): short keys because every byte ships to every visitor. */
export interface WireEvent {
  i?: string;
  k: "p" | "t" | "i";
  n: string;
  t?: number;
  l?: string;
  r?: string;
  p?: Props;
  tr?: Props;
  /** identify's options: { signature } */
  o?: { signature?: string };
}

const queue: WireEvent[] = [];

/**
 * Stamps an event and queues it. Events wait a second so that bursts share one request (one Durable
 * Object call on the worker); `now` (first page view, identify) flushes on the next task instead, which
 * still lets calls made in the same task join the batch; `now` 2 (a link click) sends at once. Each event arms its own timer rather than
 * sharing one: a timer that fires after its event left finds the queue empty, or sends newer events
 * a little early, both harmless.
 */
export const enqueue = (e: WireEvent, now?: unknown) => {
  // After consent(false) nothing is kept, not even in memory.
  if (granted == 0) return;
  e.i = randomId();
  e.t = Date.now();
  e.l = location.href;
  queue.push(e);
  // 2: a link click that leaves the page sends before the click returns; a next-task timer may come
  // after the browser has already committed the navigation, and pagehide's flush is not always sent.
  (now as number) > 1 ? flush() : setTimeout(flush, now ? 0 : 1e3);
};

/** Stores the ids and sends everything queued, in batches of at most 50, unless consent is pending. */
export const flush = () => {
  persist();
  // At most 50 events a batch (the worker's limit), which keeps ordinary batches far below 64 KiB.
  while (granted && queue.length) send(JSON.stringify({ s: SITE, a: ids.a, u: ids.u, e: queue.splice(0, 50) }), 0);
};

/** Drops what was waiting for consent. */
export const drop = () => (queue.length = 0);

/**
 * Posts one batch; retried three times (after 1, 2 and 4 s) on a network error, 429 or 5xx.
 * text/plain (fetch's default for a string body) keeps this a CORS-simple request: no preflight.
 * keepalive lets a batch flushed on pagehide outlive the page, but browsers reject a keepalive request
 * once all of a page's in-flight keepalive bodies would pass 64 KiB, so retries, sent while the page
 * lives, go without it. Retries resend the same body, event ids included; the worker deduplicates.
 */
const send = (body: string, n: number): void => {
  const retry = () => {
    if (n < 3) setTimeout(send, 1e3 << n, body, n + 1);
  };
  // Statuses from 429 up are retried: 429 itself, 5xx, and the rare 431 and 451 share the path.
  fetch(ENDPOINT + "/e", { method: "POST", body, keepalive: !n }).then(
    (r) => (r.status < 429 ? r.json().then(answer as (res: unknown) => void) : retry()),
    retry,
  );
};
