import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { WindowLimiter } from "../http/rate-limit";
import type { ScoringEvent } from "../scoring";
import { loadSiteConfig, loadSiteConfigVersion } from "../site/config-cache";
import type { SiteConfig } from "../site/config";
import type { StoredConfig } from "../site/SiteObject";
import { decideWatched, nextWake, type WatchOptions } from "../outcomes/lead-outcome";
import { AlarmPlanner } from "./alarm-planner";
import { claimRefused, decide, needsStoredEvents, type DecideInput, type Decision } from "./decide";
import { rememberBatch } from "./dedup";
import type { EventCursor } from "./export-page";
import type { HistoryAnswer } from "./history-read";
import { IndexSender } from "./index-sender";
import { leadStub } from "./ids";
import { backtestQuery, deliveriesQuery, describeQuery, exportQuery, historyQuery, leadReads, statsQuery, suggestionRowQuery, type LeadReads } from "./lead-queries";
import { LeadStore } from "./lead-store";
import { absorbAnonymous, handover, mergedElsewhere, releasedRecord } from "./merge-handover";
import { withRequeued } from "./outbox";
import { OutboxSender } from "./outbox-sender";
import { cryptoBytes } from "./promo";
import { applyRetention } from "./retention";
import { DELIVERY_GRACE_MS } from "./schedule";
import { NO_STAGE, type AbsorbResult, type IngestRequest, type IngestResult, type LeadRecord, type OperateResult, type RescoreOutcome, type RescorePreview } from "./types";

/**
 * One object per lead: storage and timing around `decide()` (./decide.ts), which makes every
 * decision. Each request loads, decides, and writes the result in one synchronous transaction, so the
 * output gate holds the answer until it is durable and a crash can never keep the score but lose the
 * webhook. Deliveries start right after that commit, outside the answer; the alarm is their safety
 * net and fires at the exact instant decay takes the lead below a line. Read-only queries are pure
 * functions of what it holds (./lead-queries.ts); the merge hand-over says what moves (./merge-handover.ts).
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
  /** The one alarm and the timers it serves (./alarm-planner.ts). */
  #alarm: AlarmPlanner;
  /** The outbox's sender (./outbox-sender.ts): one attempt of a delivery at a time. */
  #outbox: OutboxSender;
  /** The owed index entry's sender (./index-sender.ts): outside the outbox, an alarm only after a failure. */
  #index: IndexSender;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    // Synchronous storage calls in the constructor run before any request is delivered to this object.
    this.#store = new LeadStore(ctx.storage);
    this.#alarm = new AlarmPlanner((at) => void this.#store.setAlarm(at), () => ({ outbox: this.#record?.outbox ?? [], indexRetryAt: this.#index.retryAt }));
    this.#record = this.#store.record();
    this.#mergedInto = this.#store.mergedInto();
    this.#index = new IndexSender(env, { get: () => this.#record, forget: (record) => (this.#record = record), retryAt: () => this.#alarm.plan(Date.now()) });
    this.#outbox = new OutboxSender(env, { get: () => this.#record, save: (record) => this.#save(record), settled: () => this.#alarm.plan(Date.now(), { mayMoveLater: true }) });
    void ctx.blockConcurrencyWhile(async () => this.#alarm.remember(await ctx.storage.getAlarm()));
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
    // Take over the visitor's anonymous history first (./merge-handover.ts), then score this batch on top of it.
    const absorbed = await absorbAnonymous(this.env, this.#record, request);
    const { value: d, rowsWritten, rowsRead } = this.#store.counted(() => this.#commit({ request, absorbed, config: cached, now: Date.now() }));
    // Only now that the union is ours may the anonymous object forget its copy.
    if (d.merged && absorbed?.leadId) await leadStub(this.env, request.site, absorbed.leadId).releaseInto(request.leadId);
    return { lead: d.summary, actions: d.actions, accepted: d.accepted, duplicates: d.duplicates, rowsWritten, rowsRead };
  }

  /**
   * Hands this anonymous lead's history to the known lead `target` and leaves a pointer behind, so
   * later events for this anonymous id reach the known lead. The history stays here until `target`
   * has committed it and calls `releaseInto`.
   */
  async absorbInto(target: string): Promise<AbsorbResult> {
    if (this.#mergedInto && this.#mergedInto !== target) return mergedElsewhere(this.#mergedInto, this.#record?.identity.leadId ?? null);
    if (!this.#mergedInto) this.#store.setMergedInto((this.#mergedInto = target));
    return handover(this.#reads());
  }

  /** Forgets the history `target` now holds, keeping only the pointer (and undelivered webhooks). */
  async releaseInto(target: string): Promise<void> {
    if (this.#mergedInto !== target || !this.#record) return;
    this.#record = releasedRecord(this.#record);
    this.#store.release(this.#record);
  }

  /** The operator's view under the config in force: score, label, stage, traits, explanation, recent events. */
  async describe() {
    const stored = await this.#config();
    return describeQuery(this.#reads(), stored, Date.now());
  }

  /**
   * An operator's action (an adjustment, a requalify) decided like any event of this lead and stored
   * with its events, so history, export and replays keep it; its webhooks name the operator as cause.
   * Null for a lead this object never saw: nothing is stored then.
   */
  async operate(event: ScoringEvent): Promise<OperateResult | null> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    const record = this.#record;
    const stored = await this.#config();
    if (!record || !stored) return null;
    const { site, leadId } = record.identity;
    // No user id and no anonymous id: the identity stays exactly as it is. No promo for an operator's act.
    const request: IngestRequest = { site, leadId, userId: null, anonymousId: null, events: [event], configVersion: stored.version, leadEventsPerMinute: Number.POSITIVE_INFINITY, promoAllowed: false };
    const d = this.#commit({ request, config: stored, now: Date.now() });
    return { lead: d.summary, changes: d.changes };
  }

  /** A page of every event this lead stores, oldest first: the export. */
  async exportEvents(cursor: EventCursor | null, limit: number) {
    return exportQuery(this.#reads(), cursor, limit);
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
    return historyQuery(this.#reads(), from, to);
  }

  /** The webhooks sent about this lead and those still pending, newest first. */
  async deliveries() {
    return deliveriesQuery(this.#reads());
  }

  /** This lead's row for a fit of suggested weights under `config`, replayed from its own events. */
  async suggestionRow(config: SiteConfig, model: string) {
    return suggestionRowQuery(this.#reads(), config, model, Date.now());
  }

  /** A backtest's replay of this lead's own events under the config in force and `candidate`; stores nothing. */
  async backtest(candidate: SiteConfig) {
    const stored = await this.#config();
    return backtestQuery(this.#reads(), stored, candidate, Date.now());
  }

  /** Erases everything this object keeps about the person, and its pending alarm. */
  async erase(): Promise<void> {
    await this.#store.eraseAll();
    this.#record = null;
    this.#mergedInto = null;
    this.#known = null;
    this.#alarm.remember(null);
  }

  /** Puts dead letters back in the outbox for redelivery, keeping their message ids. */
  async requeue(letters: Array<{ messageId: string; endpointId: string; type: string; body: string }>): Promise<number> {
    const record = this.#record;
    if (!record || letters.length === 0) return 0;
    const now = Date.now();
    const { outbox, added } = withRequeued(record.outbox, letters, now + DELIVERY_GRACE_MS);
    this.#save({ ...record, outbox });
    this.#alarm.plan(now);
    void this.#outbox.send(added);
    return letters.length;
  }

  /** Counts for tests and the cost benchmark: what this object keeps. */
  async stats() {
    return statsQuery(this.#record, this.#store.eventCount(), await this.ctx.storage.getAlarm(), this.ctx.storage.sql.databaseSize);
  }

  /**
   * The single alarm: decay crossings and due deliveries, under the config in force now (a quiet
   * lead hears of a new config here, not only on its next event). Alarms can fire twice or early, so
   * both halves are idempotent: advancing to an instant twice changes nothing, and settled
   * deliveries are gone from the outbox.
   */
  override async alarm(): Promise<void> {
    this.#alarm.begin();
    try {
      await this.#wake();
    } finally {
      this.#alarm.end(Date.now());
    }
  }

  /**
   * The Site object's horizon sweep (../site/horizon-sweep.ts) asks this of a lead its index lists
   * with a horizon that ended: the alarm's wake-up (the config in force, no request, so an ended
   * horizon settles as a negative and its delivery and index entry leave as usual), without spending
   * the alarm the lead has set. Answers the horizon the lead keeps open now, for the site to correct
   * its row (null: settled, erased, merged away, judged by no model).
   */
  async settleDue(): Promise<{ horizonEnd: number | null; at: number }> {
    if (this.#record && !this.#mergedInto) {
      this.#alarm.hold();
      try {
        // The answer tells the site the horizon: a settled one alone sends no index entry.
        await this.#wake({ horizonAnswered: true });
      } finally {
        this.#alarm.release(Date.now());
      }
    }
    const horizonEnd = this.#mergedInto ? null : (this.#record?.index?.horizonEnd ?? null);
    return { horizonEnd, at: Date.now() };
  }

  /** What a wake-up does: decide with no request, fold old rows away, and attempt what is due. */
  async #wake(watch: WatchOptions = {}): Promise<void> {
    const stored = await this.#config();
    const decided = stored ? this.#commit({ request: null, config: stored, now: Date.now() }, false, watch) : null;
    if (stored) this.#applyRetention(stored.config, Date.now());
    const now = Date.now();
    const due = (this.#record?.outbox ?? []).filter((d) => d.nextAt <= now);
    await Promise.all([this.#outbox.send([...(decided?.added ?? []), ...due]), this.#index.send()]);
  }

  /** Decides and writes one request (or alarm) in one transaction, then starts its deliveries. */
  #commit(input: Pick<DecideInput, "request" | "absorbed" | "config" | "now" | "rescore">, deliverAtOnce = true, watch: WatchOptions = {}): Decision {
    const now = input.now;
    const known = this.#knownIds(now);
    // Batch rows only (decide() adds those riding in the record), and only when decide() replays them.
    const history = needsStoredEvents(this.#record, input.config, input.absorbed) ? this.#store.events() : undefined;
    const d = decideWatched({ ...input, record: this.#record, known, history, random: cryptoBytes }, () => this.#store.events(), watch);
    this.#store.commit(d.batch, d.recordChanged ? d.record : null);
    this.#record = d.record;
    // Storage grows only when a batch row is written: that is when old ones are folded away (and
    // once per wake-up, to learn when the oldest row falls due).
    if (d.batch || this.#alarm.retentionDue === undefined) this.#applyRetention(input.config.config, now);
    this.#alarm.crossingAt = nextWake(d);
    rememberBatch(known, d.batch, now);
    // The alarm write joins the same output gate: the answer waits until it is durable too.
    this.#alarm.plan(now);
    // Outbound fetches wait behind the output gate too, so nothing is sent before the commit is durable.
    if (deliverAtOnce && d.added.length > 0) void this.#outbox.send(d.added);
    // The index entry leaves outside the outbox: no safety alarm, no record rewrite when it lands.
    if (deliverAtOnce) void this.#index.send();
    return d;
  }

  /** Folds away the batch rows past the site's retention (./retention.ts) and notes when the next falls due. */
  #applyRetention(config: SiteConfig, now: number): void {
    if (!this.#record) return;
    const kept = applyRetention(this.#store, this.#record, config, now);
    this.#record = kept.record;
    this.#alarm.retentionDue = kept.due;
  }

  #save(record: LeadRecord): void {
    this.#record = record;
    this.#store.saveRecord(record);
  }

  #knownIds(now: number): Map<string, number> {
    return (this.#known ??= this.#store.knownIds(now));
  }

  #reads(): LeadReads {
    return leadReads(this.#store, this.#record, this.#mergedInto);
  }

  /** The site's config in force, for a lead this object holds (none for one merged away). */
  async #config(): Promise<StoredConfig | null> {
    const record = this.#record;
    return record && !this.#mergedInto ? loadSiteConfig(this.env, record.identity.site, Date.now()) : null;
  }
}
