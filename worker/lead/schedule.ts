/**
 * When the Lead object's one alarm should fire, as a pure function of what is due.
 *
 * Why deliveries once stalled (WEBHOOK_RETRY_SCALE=0.0001, a receiver answering 500): the object
 * kept the alarm's time in memory and only ever moved the alarm earlier. With the compressed schedule
 * a retry is due within a millisecond or two, so at the end of an alarm the next instant was often
 * `now` or already past, and the object called setAlarm(now) from inside alarm(). workerd clears an
 * alarm set for a time at or before the present from inside the running handler when that handler
 * returns (cloudflare/workerd#6866), yet the object remembered it as set, so every later "is the
 * alarm already early enough?" check said yes and no alarm was ever set again: the message was
 * neither delivered nor dead-lettered. Now an alarm set while one runs is always at least 1 ms in the
 * future, the handler always sets the next alarm itself (the running one is spent), and the
 * remembered time is dropped at the start of every alarm.
 */

export interface AlarmPlanInput {
  /** Earliest instant any outbox delivery is due (null: the outbox is empty). */
  outboxDueAt: number | null;
  /** The next decay crossing (null: none). */
  crossingAt: number | null;
  /** The alarm as the object last set it (null: none, or spent). */
  current: number | null;
  now: number;
  /** True while alarm() runs: the running alarm is spent, and workerd drops one set for <= now. */
  inAlarm: boolean;
  /**
   * True when the current alarm may be later-moved: it was a safety net for deliveries that have
   * since settled, and would otherwise fire for nothing.
   */
  mayMoveLater?: boolean;
}

/** How far ahead of now an alarm set during alarm() must be, so workerd keeps it. */
export const MIN_ALARM_LEAD_MS = 1;

/**
 * The instant to set the alarm to, or null to leave it as it is. Outside an alarm it is only moved
 * earlier (a later crossing leaves it: it fires, finds nothing, and sets the next one), which saves
 * a billed write on nearly every event of an active lead.
 *
 * @example planAlarm({ outboxDueAt: null, crossingAt: 5_000, current: null, now: 1_000, inAlarm: false }) // 5_000
 */
export function planAlarm(input: AlarmPlanInput): number | null {
  const candidates = [input.outboxDueAt, input.crossingAt].filter((t): t is number => t !== null);
  if (candidates.length === 0) return null;
  const floor = input.inAlarm ? input.now + MIN_ALARM_LEAD_MS : input.now;
  const want = Math.max(Math.min(...candidates), floor);
  if (input.inAlarm || input.current === null) return want;
  if (input.current > want) return want;
  if (input.mayMoveLater && input.current < want) return want;
  return null;
}

/**
 * Deliveries are attempted right after the transaction that wrote them commits, without holding the
 * answer; the alarm is set this far ahead only as a safety net, for a crash before they settled.
 */
export const DELIVERY_GRACE_MS = 15_000;
