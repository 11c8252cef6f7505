/**
 * When to try a message again: the example schedule from the Standard Webhooks spec, as data.
 * Eight attempts spread over ~27.6 hours, so an endpoint that is down for a day still gets its events.
 */

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delay before attempt n (index n), measured from the previous attempt. Attempt 0 goes out at once. */
export const RETRY_SCHEDULE_MS: readonly number[] = Object.freeze([
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  10 * HOUR,
]);

export const MAX_ATTEMPTS = RETRY_SCHEDULE_MS.length;

/** From the first attempt to the last: 27 h 35 min 5 s. */
export const RETRY_WINDOW_MS = RETRY_SCHEDULE_MS.reduce((sum, delay) => sum + delay, 0);

/** ±10%: enough to spread a burst of retries after an outage so they do not arrive as one wave. */
export const RETRY_JITTER = 0.1;

export interface RetryDelayOptions {
  /** A source in [0, 1) such as Math.random; without one the delay is exact (deterministic tests). */
  random?: () => number;
}

/**
 * How long to wait before attempt number `attempt` (0-based: pass how many attempts have been made),
 * or null when the schedule is exhausted and the message belongs in the dead-letter list.
 *
 * @example
 * nextAttemptDelay(0) // 0          (first attempt: now)
 * nextAttemptDelay(1) // 5_000      (after the first failure)
 * nextAttemptDelay(8) // null       (give up: dead letter)
 * nextAttemptDelay(2, { random: Math.random }) // 270_000 … 330_000
 */
export function nextAttemptDelay(attempt: number, { random }: RetryDelayOptions = {}): number | null {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be a non-negative integer: ${attempt}`);
  const delay = RETRY_SCHEDULE_MS[attempt];
  if (delay === undefined) return null;
  if (!random) return delay;
  return Math.round(delay * (1 + RETRY_JITTER * (2 * random() - 1)));
}
