import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { WindowLimiter } from "../http/rate-limit";
import type { ScoringEvent } from "../scoring";
import { loadSiteConfig, loadSiteConfigVersion } from "../site/config-cache";
import { backtestLead, type BacktestLead } from "../outcomes/backtest-lead";
import { nextWake, withOutcome } from "../outcomes/lead-outcome";
import { claimRefused, decide, needsStoredEvents, type DecideInput, type Decision } from "./decide";
import { describeLead } from "./describe";
import { eventPage, type EventCursor, type ExportAnswer } from "./export-page";
import { forgetOutsideWindow } from "./dedup";
import { historyAnswer, type HistoryAnswer } from "./history-read";
import { foldRows, retentionCutoff } from "./retention";
import { leadDeliveries, withSent, type LeadDelivery } from "./sent-log";
import { deliverOnce, retryScale } from "./delivery";
import { IndexSender } from "./index-sender";
import { leadIdForAnonymous, leadStub } from "./ids";
import { LeadStore } from "./lead-store";
import { earliestDue, sameAttempt, settleOutbox, withRequeued } from "./outbox";
import { cryptoBytes } from "./promo";
import { DELIVERY_GRACE_MS, planAlarm } from "./schedule";
import { NO_STAGE, type AbsorbResult, type Delivery, type IngestRequest, type IngestResult, type LeadDescription, type LeadRecord, type OperateResult, type RescoreOutcome, type RescorePreview } from "./types";
import type { SiteConfig } from "../site/config";
import { outcomeRow, type OutcomeRow } from "../model/features";

/**
 * One object per lead: storage and timing around `decide()` (./decide.ts), which makes every
 * decision. Each request loads, decides, and writes the result in one synchronous transaction, so the
 * output gate holds the answer until it is durable and a crash can never keep the score but lose the
 * webhook. Deliveries start right after that commit, outside the answer; the alarm is their safety
 * net and fires at the exact instant decay takes the lead below a line.
 */
export class LeadObject extends DurableObject<Env> {
  #store: LeadStore;
  #record: LeadRecord | null;
  /** Set once this anonymous lead was merged into a known one: everything goes there from then on. */
  #mergedInto: string | null;
  /** Ids received within the dedup window, loaded on first use (see ./dedup.ts). */
  #known: Map<string, number> | null = null;
  /** In memory on purpose: a limit, not a quota; an evicted object forgives. */
  #limiter = new WindowLimiter(60_000, 1);
  /** The alarm as last set; dropped at the start of every alarm (see ./schedule.ts for why). */
  #alarmAt: number | null = null;
  #inAlarm = false;
  /** The next decay crossing as the last decision computed it; undefined until one ran here. */
  #crossingAt: number | null | undefined = undefined;
  /** When the oldest batch row passes the site's retention; undefined until this object looked. */
  #retentionDue: number | null | undefined = undefined;
  /** Deliveries being attempted, so an alarm and a request never send the same one at once. */
  #inFlight = new Set<string>();
  /** Deliveries asked for while an earlier attempt of them was in flight: attempted once it settles. */
  #waiting = new Map<string, Delivery>();
  /** The owed index entry's sender (./index-sender.ts): outside the outbox, an alarm only after a failure. */
  #index: IndexSender;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Synchronous SQL in the constructor runs before any request is delivered to this object.
    this.#store = new LeadStore(ctx.storage);
    this.#record = this.#store.record();
    this.#mergedInto = this.#store.mergedInto();
    this.#index = new IndexSender(env, { get: () => this.#record, forget: (record) => (this.#record = record), retryAt: () => this.#planAlarm(Date.now()) });
    void ctx.blockConcurrencyWhile(async () => {
      this.#alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** Scores a batch of one visitor's events; the single Durable Object request of a collect call. */
  async ingest(request: IngestRequest): Promise<IngestResult> {
    const empty = { lead: { id: request.leadId, userId: request.userId, score: 0, label: NO_STAGE, stage: NO_STAGE }, actions: [], accepted: 0, duplicates: 0, rowsWritten: 0, rowsRead: 0 };
    if (this.#mergedInto) return { ...empty, mergedInto: this.#mergedInto };
    // Before the limiter and any reading: a refused claim must cost the person nothing (decide() agrees).
    if (claimRefused(this.#record, request)) return { ...empty, lead: { ...empty.lead, userId: null }, claimRejected: true };
    const retryAfter = this.#limiter.take("lead", request.events.length, request.leadEventsPerMinute, Date.now());
    if (retryAfter > 0) return { ...empty, retryAfter };
    const cached = await loadSiteConfigVersion(this.env, request.site, request.configVersion, Date.now());
    if (!cached) return empty;
    // A known person arriving with an anonymous id not yet theirs: take over that visitor's history
    // first (one extra object request, once per browser), then score this batch on top of it.
    const absorbed = await this.#absorbAnonymous(request);
    const written = this.#store.rowsWritten;
    const read = this.#store.rowsRead;
    const d = this.#commit({ request, absorbed, config: cached, now: Date.now() });
    // Only now that the union is ours may the anonymous object forget its copy.
    if (d.merged && absorbed?.leadId) await leadStub(this.env, request.site, absorbed.leadId).releaseInto(request.leadId);
    return { lead: d.summary, actions: d.actions, accepted: d.accepted, duplicates: d.duplicates, rowsWritten: this.#store.rowsWritten - written, rowsRead: this.#store.rowsRead - read };
  }

  /**
   * Hands this anonymous lead's history to the known lead `target` and leaves a pointer behind, so
   * later events for this anonymous id reach the known lead. The history stays here until `target`
   * has committed it and calls `releaseInto`: a crash in between repeats the hand-over rather than
   * losing it. Pending webhooks stay and are still delivered: they describe what already happened.
   */
  async absorbInto(target: string): Promise<AbsorbResult> {
    const leadId = this.#record?.identity.leadId ?? null;
    if (this.#mergedInto && this.#mergedInto !== target) return { events: [], anonymousIds: [], mergedInto: this.#mergedInto, leadId };
    if (!this.#mergedInto) {
      this.#store.setMergedInto(target);
      this.#mergedInto = target;
    }
    const folded = this.#record?.folded;
    return { events: this.#allEvents(), anonymousIds: this.#record?.identity.anonymousIds ?? [], mergedInto: null, leadId, promos: this.#record?.promos ?? [], lastView: this.#record?.lastView ?? null, history: this.#allHistory(), ...(folded ? { folded } : {}) };
  }

  /** Forgets the history `target` now holds, keeping only the pointer (and undelivered webhooks). */
  async releaseInto(target: string): Promise<void> {
    const record = this.#record;
    if (this.#mergedInto !== target || !record) return;
    // The identity stays so pending webhooks can still be delivered; the score is the known lead's now.
    const { history: _history, folded: _folded, ...kept } = record;
    this.#record = { ...kept, pending: [], promos: [], eventNames: [] };
    this.ctx.storage.transactionSync(() => {
      this.#store.clearEvents();
      this.#store.saveRecord(this.#record!);
    });
  }

  /** The operator's view under the config in force: score, label, stage, traits, explanation, recent events. */
  async describe(): Promise<LeadDescription | null> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    const record = this.#record;
    const stored = record ? await loadSiteConfig(this.env, record.identity.site, Date.now()) : null;
    if (!record || !stored) return null;
    return describeLead(record, stored.config, this.#allEvents(), Date.now());
  }

  /**
   * An operator's action (an adjustment, a requalify) decided like any event of this lead and stored
   * with its events, so history, export and replays keep it; its webhooks name the operator as cause.
   * Null for a lead this object never saw: nothing is stored then.
   */
  async operate(event: ScoringEvent): Promise<OperateResult | null> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    const record = this.#record;
    const stored = record ? await loadSiteConfig(this.env, record.identity.site, Date.now()) : null;
    if (!record || !stored) return null;
    const { site, leadId } = record.identity;
    // No user id and no anonymous id: the identity stays exactly as it is. No promo for an operator's act.
    const request: IngestRequest = { site, leadId, userId: null, anonymousId: null, events: [event], configVersion: stored.version, leadEventsPerMinute: Number.POSITIVE_INFINITY, promoAllowed: false };
    const d = this.#commit({ request, config: stored, now: Date.now() });
    return { lead: d.summary, changes: d.changes };
  }

  /**
   * A page of every event this lead stores (batch rows and those riding in the record), oldest first:
   * the export. A merged anonymous lead answers where it went.
   */
  async exportEvents(cursor: EventCursor | null, limit: number): Promise<ExportAnswer> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    if (!this.#record) return null;
    return eventPage(this.#allEvents(), cursor, limit);
  }

  /**
   * Re-scores the lead under config `version` (or newer) now, without an event: decide() replays the
   * lead's stored events under it (batch rows read, none written) and reports the label and stage
   * changes that causes against what webhooks last told (cause "config"), as webhooks unless
   * `notify` is false. Idempotent: a lead already at that version only answers what the change did,
   * so a fan-out repeated after a crash counts and notifies each lead once.
   */
  async rescore(version: number, notify: boolean): Promise<RescoreOutcome> {
    const record = this.#record;
    if (!record || this.#mergedInto) return { version, label: false, stage: false };
    if (record.configVersion < version) {
      const stored = await loadSiteConfigVersion(this.env, record.identity.site, version, Date.now());
      if (stored && stored.version >= version) this.#commit({ request: null, config: stored, now: Date.now(), rescore: { notify } });
    }
    const done = this.#record?.rescored;
    return done && done.version >= version ? done : { version, label: false, stage: false };
  }

  /**
   * What re-scoring under `candidate` would change, decided in memory and never stored: the same
   * decide() call `rescore` makes, so a preview counts what the real re-score then does.
   */
  async previewRescore(candidate: SiteConfig): Promise<RescorePreview | null> {
    const record = this.#record;
    if (!record || this.#mergedInto) return null;
    const now = Date.now();
    const config = { config: candidate, version: record.configVersion + 1, updatedAt: now, disabledEndpoints: [] };
    const d = decide({ record, request: null, config, known: this.#knownIds(now), history: this.#store.events(), now, random: cryptoBytes, rescore: { notify: false } });
    const moved = (type: string) => {
      const c = d.changes.find((x) => x.type === type);
      return c ? { from: c.from, to: c.to } : null;
    };
    return { leadId: record.identity.leadId, label: moved("lead.label_changed"), stage: moved("lead.stage_changed") };
  }

  /**
   * The score timeline between `from` and `to` (see ./history-read.ts). A merged anonymous lead
   * answers where it went; null for a lead this object never saw.
   */
  async history(from: number, to: number): Promise<HistoryAnswer | { mergedInto: string } | null> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    const record = this.#record;
    if (!record) return null;
    return historyAnswer(this.#allHistory(), { leadId: record.identity.leadId, from, to, configVersion: record.configVersion, ...(record.folded ? { folded: record.folded } : {}) });
  }

  /** The webhooks sent about this lead and those still pending, newest first. */
  async deliveries(): Promise<{ deliveries: LeadDelivery[] } | { mergedInto: string } | null> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    const record = this.#record;
    return record ? { deliveries: leadDeliveries(record.outbox, record.sent ?? []) } : null;
  }

  /**
   * This lead's row for a fit of suggested weights under `config`: its rules' hits before its outcome
   * and whether it converted, replayed from its own events. Numbers only: no event leaves the object.
   * Null for a lead still within its horizon, judged by another model, merged, or never seen.
   */
  async suggestionRow(config: SiteConfig, model: string): Promise<(OutcomeRow & { leadId: string }) | null> {
    const record = this.#record;
    if (!record || this.#mergedInto) return null;
    const row = outcomeRow(this.#allEvents(), config, model, Date.now());
    return row && { leadId: record.identity.leadId, ...row };
  }

  /** A backtest's replay of this lead's own events under the config in force and `candidate` (../outcomes/backtest-lead.ts); stores nothing. */
  async backtest(candidate: SiteConfig): Promise<BacktestLead | null> {
    const record = this.#record;
    const stored = record && !this.#mergedInto ? await loadSiteConfig(this.env, record.identity.site, Date.now()) : null;
    if (!record || !stored) return null;
    return backtestLead(record.identity.leadId, this.#allEvents(), stored.config, candidate, Date.now());
  }

  /** Erases everything this object keeps about the person, and its pending alarm. */
  async erase(): Promise<void> {
    await this.#store.eraseAll();
    this.#record = null;
    this.#mergedInto = null;
    this.#known = null;
    this.#alarmAt = null;
  }

  /** Puts dead letters back in the outbox for redelivery, keeping their message ids. */
  async requeue(letters: Array<{ messageId: string; endpointId: string; type: string; body: string }>): Promise<number> {
    const record = this.#record;
    if (!record || letters.length === 0) return 0;
    const now = Date.now();
    const { outbox, added } = withRequeued(record.outbox, letters, now + DELIVERY_GRACE_MS);
    this.#save({ ...record, outbox });
    this.#planAlarm(now);
    void this.#deliver(added);
    return letters.length;
  }

  /** Counts for tests and the cost benchmark: what this object keeps. */
  async stats(): Promise<{ events: number; outbox: number; alarm: number | null; databaseSize: number }> {
    // An index entry not yet stored counts as undelivered: "drained" means nothing more leaves here.
    const outbox = (this.#record?.outbox.length ?? 0) + (this.#record?.indexOwed ? 1 : 0);
    return { events: this.#store.eventCount() + (this.#record?.pending.length ?? 0), outbox, alarm: await this.ctx.storage.getAlarm(), databaseSize: this.ctx.storage.sql.databaseSize };
  }

  /**
   * The single alarm: decay crossings and due deliveries, under the config in force now (a quiet
   * lead hears of a new config here, not only on its next event). Alarms can fire twice or early, so
   * both halves are idempotent: advancing to an instant twice changes nothing, and settled
   * deliveries are gone from the outbox.
   */
  override async alarm(): Promise<void> {
    this.#inAlarm = true;
    // The alarm that woke us is spent, whatever the remembered time says.
    this.#alarmAt = null;
    try {
      const record = this.#record;
      const stored = record && !this.#mergedInto ? await loadSiteConfig(this.env, record.identity.site, Date.now()) : null;
      const decided = stored ? this.#commit({ request: null, config: stored, now: Date.now() }, false) : null;
      if (stored) this.#applyRetention(stored.config, Date.now());
      const now = Date.now();
      const due = (this.#record?.outbox ?? []).filter((d) => d.nextAt <= now);
      await Promise.all([this.#deliver([...(decided?.added ?? []), ...due]), this.#index.send()]);
    } finally {
      this.#inAlarm = false;
      this.#planAlarm(Date.now(), { inAlarm: true });
    }
  }

  /** Decides and writes one request (or alarm) in one transaction, then starts its deliveries. */
  #commit(input: Pick<DecideInput, "request" | "absorbed" | "config" | "now" | "rescore">, deliverAtOnce = true): Decision {
    const now = input.now;
    const known = this.#knownIds(now);
    // Batch rows only (decide() adds those riding in the record), and only when decide() replays them.
    const history = needsStoredEvents(this.#record, input.config, input.absorbed) ? this.#store.events() : undefined;
    const decided = decide({ ...input, record: this.#record, known, history, random: cryptoBytes });
    const fresh = [...(input.request?.events ?? []), ...(input.absorbed?.events ?? [])];
    const d = withOutcome(decided, input.config.config, fresh, () => this.#store.events(), now);
    if (d.batch || d.recordChanged) {
      this.ctx.storage.transactionSync(() => {
        if (d.batch) this.#store.addBatch(d.batch);
        if (d.recordChanged) this.#store.saveRecord(d.record);
      });
    }
    this.#record = d.record;
    // Storage grows only when a batch row is written: that is when old ones are folded away (and
    // once per wake-up, to learn when the oldest row falls due).
    if (d.batch || this.#retentionDue === undefined) this.#applyRetention(input.config.config, now);
    this.#crossingAt = nextWake(d);
    for (const event of d.batch?.events ?? []) {
      known.delete(event.id);
      known.set(event.id, d.batch!.receivedAt);
    }
    forgetOutsideWindow(known, now);
    // The alarm write joins the same output gate: the answer waits until it is durable too.
    this.#planAlarm(now);
    // Outbound fetches wait behind the output gate too, so nothing is sent before the commit is durable.
    if (deliverAtOnce && d.added.length > 0) void this.#deliver(d.added);
    // The index entry leaves outside the outbox: no safety alarm, no record rewrite when it lands.
    if (deliverAtOnce) void this.#index.send();
    return d;
  }

  /**
   * Attempts deliveries and settles each outcome in the outbox (one record write for all of them),
   * then points the alarm at what is left. Dead letters reach the site object before they leave here.
   */
  async #deliver(deliveries: Delivery[]): Promise<void> {
    const identity = this.#record?.identity;
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
      const record = this.#record;
      if (!record) return;
      const now = Date.now();
      const sent = settled.reduce((log, s) => (s.state === "retry" ? log : withSent(log, s.attempted, s.state, now)), record.sent ?? []);
      this.#save({ ...record, outbox: settleOutbox(record.outbox, settled), ...(sent.length > 0 ? { sent } : {}) });
    } finally {
      for (const d of todo) this.#inFlight.delete(key(d));
    }
    // What was asked for while its earlier attempt ran goes now, not at the safety alarm.
    const again = todo.flatMap((d) => {
      const waiting = this.#waiting.get(key(d));
      this.#waiting.delete(key(d));
      return waiting && this.#record?.outbox.some((o) => sameAttempt(o, waiting)) ? [waiting] : [];
    });
    if (again.length > 0) void this.#deliver(again);
    // The safety net has done its job: move it to what is due now, later if need be.
    this.#planAlarm(Date.now(), { mayMoveLater: this.#crossingAt !== undefined });
  }

  /**
   * Folds the batch rows older than the site's retention into the record's folded state and deletes
   * them, in one transaction. The score does not change: the record's state already counts them.
   */
  #applyRetention(config: SiteConfig, now: number): void {
    const record = this.#record;
    if (!record) return;
    const cutoff = retentionCutoff(config, now);
    let oldest = this.#store.oldestBatchAt();
    if (oldest !== null && oldest < cutoff) {
      const next = { ...record, folded: foldRows(record.folded, this.#store.batchesBefore(cutoff), config, cutoff) };
      this.ctx.storage.transactionSync(() => {
        this.#store.deleteBatchesBefore(cutoff);
        this.#store.saveRecord(next);
      });
      this.#record = next;
      oldest = this.#store.oldestBatchAt();
    }
    // A quiet lead's old rows go at their time too: the alarm wakes it then.
    this.#retentionDue = oldest === null ? null : oldest + (now - cutoff);
  }

  #save(record: LeadRecord): void {
    this.#record = record;
    this.#store.saveRecord(record);
  }

  /**
   * Points the alarm at what is due. While alarm() runs only its own last step sets it (one write per
   * alarm, and the clamp of ./schedule.ts applies to it).
   */
  #planAlarm(now: number, options: { mayMoveLater?: boolean; inAlarm?: boolean } = {}): void {
    if (this.#inAlarm) return;
    const record = this.#record;
    const outboxDue = [record ? earliestDue(record.outbox) : null, this.#index.retryAt].filter((t): t is number => t !== null);
    const due = [this.#crossingAt ?? null, this.#retentionDue ?? null].filter((t): t is number => t !== null);
    const at = planAlarm({ outboxDueAt: outboxDue.length > 0 ? Math.min(...outboxDue) : null, crossingAt: due.length > 0 ? Math.min(...due) : null, current: this.#alarmAt, now, inAlarm: options.inAlarm ?? false, mayMoveLater: options.mayMoveLater ?? false });
    if (at === null) return;
    this.#alarmAt = at;
    void this.#store.setAlarm(at);
  }

  #knownIds(now: number): Map<string, number> {
    return (this.#known ??= this.#store.knownIds(now));
  }

  /** Every score history entry this lead holds: batch rows' and those riding in the record, in the order they were recorded. */
  #allHistory() {
    return [...this.#store.history(), ...(this.#record?.history ?? [])];
  }

  /** Every event this lead holds, in time order: batch rows and those riding in the record. */
  #allEvents(): ScoringEvent[] {
    const events = [...this.#store.events(), ...(this.#record?.pending.map((p) => p.event) ?? [])];
    return events.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async #absorbAnonymous(request: IngestRequest): Promise<AbsorbResult | null> {
    const anonymousId = request.anonymousId;
    if (!request.userId || !anonymousId || this.#record?.identity.anonymousIds.includes(anonymousId)) return null;
    const anonLeadId = await leadIdForAnonymous(request.site, anonymousId);
    const result = (await leadStub(this.env, request.site, anonLeadId).absorbInto(request.leadId)) as AbsorbResult;
    // Already someone else's (a shared computer, say): keep that history where it is.
    if (result.mergedInto && result.mergedInto !== request.leadId) return { events: [], anonymousIds: [], mergedInto: result.mergedInto, leadId: anonLeadId };
    return { ...result, anonymousIds: [...new Set([anonymousId, ...result.anonymousIds])], leadId: anonLeadId };
  }
}

function key(d: Delivery): string {
  return `${d.messageId}\u0000${d.endpointId}`;
}
