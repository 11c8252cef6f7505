import type { Env } from "../env";
import { retryScale } from "./delivery";
import { sendIndexUpdate } from "./index-batcher";
import type { LeadRecord } from "./types";

/** A failed index send is tried again this much later (times the retry scale). */
const INDEX_RETRY_MS = 30_000;

/**
 * Sends a Lead object's owed index entry (`LeadRecord.indexOwed`) outside the webhook outbox: right
 * after the commit that decided it, one send at a time, and forgotten in memory once the site stored
 * it (the record's next write persists that). Only a failed send asks for an alarm, to try again.
 *
 * @example const sender = new IndexSender(env, { get: () => record, forget: (r) => (record = r), retryAt: planAlarm })
 */
export class IndexSender {
  #sending = false;
  /** When a failed send is tried again (null: nothing failed). */
  retryAt: number | null = null;

  constructor(
    private readonly env: Env,
    private readonly lead: { get(): LeadRecord | null; forget(record: LeadRecord): void; retryAt(at: number): void },
  ) {}

  async send(): Promise<void> {
    const record = this.lead.get();
    const owed = record?.indexOwed;
    if (!record || !owed || this.#sending) return;
    this.#sending = true;
    const stored = await sendIndexUpdate(this.env, record.identity.site, `${owed.leadId}/${owed.updatedAt}`, owed).finally(() => (this.#sending = false));
    this.retryAt = stored ? null : Date.now() + INDEX_RETRY_MS * retryScale(this.env);
    if (!stored) return this.lead.retryAt(this.retryAt!);
    const now = this.lead.get();
    if (now?.indexOwed === owed) {
      const { indexOwed: _stored, ...rest } = now;
      this.lead.forget(rest);
    } else if (now?.indexOwed) {
      // A newer entry decided while this one was on its way goes now.
      void this.send();
    }
  }
}
