import type { Env } from "../env";
import { loadSiteConfig } from "../site/config-cache";
import { deliverOnce, retryScale } from "./delivery";
import { sameAttempt, settleOutbox } from "./outbox";
import { withSent } from "./sent-log";
import type { Delivery, LeadRecord } from "./types";

function key(d: Delivery): string {
  return `${d.messageId}\u0000${d.endpointId}`;
}

/**
 * Attempts a Lead object's outbox deliveries and settles each outcome in the outbox (one record write
 * for all of them). Dead letters reach the site object before they leave the outbox (./delivery.ts).
 * An alarm and a request never send the same delivery at once: one asked for while an earlier attempt
 * of it is in flight is attempted once that settles, not at the safety alarm.
 *
 * @example const sender = new OutboxSender(env, { get: () => record, save: (r) => (record = r), settled: () => planAlarm() })
 */
export class OutboxSender {
  /** Deliveries being attempted. */
  #inFlight = new Set<string>();
  /** Deliveries asked for while an earlier attempt of them was in flight. */
  #waiting = new Map<string, Delivery>();

  constructor(
    private readonly env: Env,
    private readonly lead: { get(): LeadRecord | null; save(record: LeadRecord): void; settled(): void },
  ) {}

  async send(deliveries: Delivery[]): Promise<void> {
    const identity = this.lead.get()?.identity;
    if (!identity) return;
    const todo: Delivery[] = [];
    for (const d of deliveries) {
      if (this.#inFlight.has(key(d))) this.#waiting.set(key(d), d);
      else todo.push(d);
    }
    if (todo.length === 0) return;
    for (const d of todo) this.#inFlight.add(key(d));
    try {
      // Endpoint state (disabled endpoints) comes with the isolate's cached config: no request per drain.
      const stored = await loadSiteConfig(this.env, identity.site, Date.now());
      const settled = await Promise.all(todo.map(async (d) => ({ attempted: d, ...(await deliverOnce(this.env, identity, stored, d, { scale: retryScale(this.env), random: Math.random })) })));
      const record = this.lead.get();
      if (!record) return;
      const now = Date.now();
      const sent = settled.reduce((log, s) => (s.state === "retry" ? log : withSent(log, s.attempted, s.state, now)), record.sent ?? []);
      this.lead.save({ ...record, outbox: settleOutbox(record.outbox, settled), ...(sent.length > 0 ? { sent } : {}) });
    } finally {
      for (const d of todo) this.#inFlight.delete(key(d));
    }
    const again = todo.flatMap((d) => {
      const waiting = this.#waiting.get(key(d));
      this.#waiting.delete(key(d));
      return waiting && this.lead.get()?.outbox.some((o) => sameAttempt(o, waiting)) ? [waiting] : [];
    });
    if (again.length > 0) void this.send(again);
    this.lead.settled();
  }
}
