import { earliestDue } from "./outbox";
import { planAlarm } from "./schedule";
import type { Delivery } from "./types";

/** The deliveries a Lead object has waiting, as the alarm sees them. */
export interface DueDeliveries {
  outbox: readonly Delivery[];
  /** When a failed index send is tried again (./index-sender.ts). */
  indexRetryAt: number | null;
}

function earliest(instants: ReadonlyArray<number | null | undefined>): number | null {
  const set = instants.filter((t): t is number => t !== null && t !== undefined);
  return set.length > 0 ? Math.min(...set) : null;
}

/**
 * A Lead object's one alarm: what it remembers of the alarm it set and of its timers (the next decay
 * crossing, retention), and the write that points the alarm at the earliest due instant under the
 * rules of ./schedule.ts. Holds no storage: the object passes the write.
 *
 * @example const alarm = new AlarmPlanner((at) => void store.setAlarm(at), () => ({ outbox: record.outbox, indexRetryAt: null })); alarm.plan(Date.now())
 */
export class AlarmPlanner {
  /** The alarm as last set; dropped at the start of every alarm (see ./schedule.ts for why). */
  #current: number | null = null;
  /** True while alarm() runs: only its own last step sets the alarm (one write per alarm). */
  #running = false;
  /** Wake-ups that are not the alarm (the site's horizon sweep) in progress: each plans once, at its end. */
  #held = 0;
  /** The next decay crossing as the last decision computed it; undefined until one ran here. */
  crossingAt: number | null | undefined = undefined;
  /** When the oldest batch row passes the site's retention; undefined until the object looked. */
  retentionDue: number | null | undefined = undefined;

  constructor(
    private readonly setAlarm: (at: number) => void,
    /** The deliveries waiting now, read at each plan. */
    private readonly deliveries: () => DueDeliveries,
  ) {}

  /** Remembers the alarm as storage holds it (at start-up), or that none is set (after an erase). */
  remember(at: number | null): void {
    this.#current = at;
  }

  /** The alarm that woke the object is spent, whatever the remembered time says. */
  begin(): void {
    this.#running = true;
    this.#current = null;
  }

  /** The alarm's last step: it sets the next alarm itself, with the in-alarm clamp. */
  end(now: number): void {
    this.#running = false;
    this.plan(now, { inAlarm: true });
  }

  /**
   * A wake-up other than the alarm begins (the site's horizon sweep asking the lead to settle): like
   * alarm(), it plans once at its end, but the alarm set before it still stands.
   */
  hold(): void {
    this.#held += 1;
  }

  /** That wake-up's last step: deliveries it attempted have settled, so the alarm may move later too. */
  release(now: number): void {
    this.#held -= 1;
    this.plan(now, { mayMoveLater: true });
  }

  /**
   * Points the alarm at what is due. `mayMoveLater` once deliveries settled: the safety net has done
   * its job and moves to what is due now, later if need be (once a decision told the timers).
   */
  plan(now: number, options: { mayMoveLater?: boolean; inAlarm?: boolean } = {}): void {
    if (this.#running || this.#held > 0) return;
    const deliveries = this.deliveries();
    const outboxDueAt = earliest([earliestDue(deliveries.outbox), deliveries.indexRetryAt]);
    const crossingAt = earliest([this.crossingAt, this.retentionDue]);
    const mayMoveLater = (options.mayMoveLater ?? false) && this.crossingAt !== undefined;
    const at = planAlarm({ outboxDueAt, crossingAt, current: this.#current, now, inAlarm: options.inAlarm ?? false, mayMoveLater });
    if (at === null) return;
    this.#current = at;
    this.setAlarm(at);
  }
}
