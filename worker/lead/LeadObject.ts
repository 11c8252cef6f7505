import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import { WindowLimiter } from "../http/rate-limit";
import {
  advance,
  applyEvents,
  diffViews,
  explain,
  newLeadState,
  nextCrossing,
  replay,
  topContributions,
  view,
  type Change,
  type LeadView,
  type ScoringEvent,
} from "../scoring";
import { loadSiteConfig, loadSiteConfigVersion } from "../site/config-cache";
import type { StoredConfig } from "../site/SiteObject";
import { leadIdForAnonymous, leadStub } from "./ids";
import { endpointsFor, messageFromChange, promoMessage, roundScore, type MessageContext, type OutgoingMessage } from "./messages";
import { drainOutbox } from "./outbox";
import { issuePromo, type PromoRecord } from "./promo";
import { LEAD_SCHEMA, META, MetaTable } from "./storage";
import {
  INDEX_OUTBOX,
  type AbsorbResult,
  type IngestRequest,
  type IngestResult,
  type LeadAction,
  type LeadDescription,
  type LeadIdentity,
  type LeadRecord,
  type LeadSummary,
} from "./types";

/** Recent events an operator sees with a lead. */
const RECENT_EVENTS = 50;

/**
 * One object per lead. A thin shell around the scoring engine: it owns storage and timing, not
 * scoring. Each ingest writes the new events, the lead's one record and any outbox rows in one
 * synchronous transaction, so the output gate holds the answer until all of it is durable, and a
 * crash can never keep the score but lose the webhook. Deliveries happen in the alarm, which also
 * fires at the exact instant decay takes the lead below a line.
 */
export class LeadObject extends DurableObject<Env> {
  #sql: SqlStorage;
  #meta: MetaTable;
  #record: LeadRecord | null;
  /** In memory only: loaded by version from the isolate's cache (see loadSiteConfigVersion). */
  #config: StoredConfig | null = null;
  /** Set once this anonymous lead was merged into a known one: everything goes there from then on. */
  #mergedInto: string | null;
  /** In memory on purpose: a limit, not a quota; an evicted object forgives. */
  #limiter = new WindowLimiter(60_000, 1);
  /** When the alarm is set for (null: none). Writing an alarm is a billed row, so it is moved only earlier. */
  #alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#meta = new MetaTable(this.#sql);
    // Synchronous SQL in the constructor runs before any request is delivered to this object.
    this.#sql.exec(LEAD_SCHEMA);
    this.#record = this.#meta.get<LeadRecord>(META.lead);
    this.#mergedInto = this.#meta.get<string>(META.mergedInto);
    void ctx.blockConcurrencyWhile(async () => {
      this.#alarmAt = await ctx.storage.getAlarm();
    });
  }

  /** Scores a batch of one visitor's events; the single Durable Object request of a collect call. */
  async ingest(request: IngestRequest): Promise<IngestResult> {
    if (this.#mergedInto) return { ...emptyResult(request), mergedInto: this.#mergedInto };
    const retryAfter = this.#limiter.take("lead", request.events.length, request.leadEventsPerMinute, Date.now());
    if (retryAfter > 0) return { ...emptyResult(request), retryAfter };
    const config = await this.#configAt(request.site, request.configVersion);
    if (!config) return emptyResult(request);

    // A known person arriving with an anonymous id not yet theirs: take over that visitor's history
    // first (one extra object request, once per browser), then score this batch on top of it.
    const absorbed = await this.#absorbAnonymous(request);
    const now = Date.now();
    let rowsWritten = 0;
    let rowsRead = 0;
    let accepted = 0;
    let dirty = false;
    let merged = false;
    const actions: LeadAction[] = [];

    this.ctx.storage.transactionSync(() => {
      const identity = this.#adoptIdentity(request, absorbed);
      const record = this.#record!;
      let changes = this.#adoptConfig(config, now);
      dirty = identity.changed || changes.length > 0 || record.configVersion !== config.version;
      record.configVersion = config.version;
      if (absorbed && absorbed.events.length + absorbed.anonymousIds.length > 0) {
        // A code earned while anonymous is the person's code: never issue a second one after sign-up.
        if (absorbed.promo && !this.#meta.get<PromoRecord>(META.promo)) rowsWritten += this.#meta.set(META.promo, absorbed.promo);
        const result = this.#mergeHistory(absorbed.events, now);
        changes = [...changes, ...result.changes];
        rowsWritten += result.rows;
        merged = dirty = true;
      }
      const fresh: ScoringEvent[] = [];
      for (const event of request.events) {
        // The primary key deduplicates retries: a resent event id writes nothing and scores nothing.
        const cursor = this.#sql.exec("INSERT OR IGNORE INTO events (id, ts, name, json) VALUES (?, ?, ?, ?)", event.id, event.ts, event.name, JSON.stringify(event));
        rowsRead += cursor.rowsRead;
        if (cursor.rowsWritten > 0) {
          rowsWritten += cursor.rowsWritten;
          fresh.push(event);
        }
      }
      accepted = fresh.length;
      if (fresh.length > 0) {
        const applied = applyEvents(record.state, fresh, config.config, now);
        record.state = applied.state;
        changes = [...changes, ...applied.changes];
        dirty = true;
      }
      // The site's lead index hears of label, stage and identity changes only, never of every event.
      rowsWritten += this.#emit(changes, now, identity.userIdChanged || merged);
      const promo = fresh.length > 0 ? this.#maybeIssuePromo(fresh, now) : null;
      if (promo) {
        actions.push({ type: "promo", code: promo.code });
        rowsWritten += promo.rowsWritten;
      }
      if (dirty) rowsWritten += this.#saveRecord(now);
    });
    // The alarm write joins the same output gate: the answer waits until it is durable too.
    if (dirty) rowsWritten += this.#schedule(now);
    // Only now that the union is ours may the anonymous object forget its copy.
    if (merged && absorbed?.leadId) await leadStub(this.env, request.site, absorbed.leadId).releaseInto(request.leadId);

    return { lead: this.#summary(now), actions, accepted, duplicates: request.events.length - accepted, rowsWritten, rowsRead };
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
      this.#meta.set(META.mergedInto, target);
      this.#mergedInto = target;
    }
    return {
      events: this.#sql.exec<{ json: string }>("SELECT json FROM events ORDER BY ts, id").toArray().map((r) => JSON.parse(r.json) as ScoringEvent),
      anonymousIds: this.#record?.identity.anonymousIds ?? [],
      mergedInto: null,
      leadId,
      promo: this.#meta.get<PromoRecord>(META.promo),
    };
  }

  /** Forgets the history `target` now holds, keeping only the pointer (and undelivered webhooks). */
  async releaseInto(target: string): Promise<void> {
    if (this.#mergedInto !== target || !this.#record) return;
    const identity = this.#record.identity;
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec("DELETE FROM events");
      this.#meta.delete(META.promo);
      // The identity stays so pending webhooks can still be delivered; the score is the known lead's now.
      this.#record = { identity, state: newLeadState(), lastView: null, configVersion: this.#record!.configVersion };
      this.#meta.set(META.lead, this.#record);
    });
  }

  /** The operator's view: score, label, stage, traits, explanation and recent events. */
  async describe(): Promise<LeadDescription | null> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    const record = this.#record;
    const stored = record ? (this.#config ?? (await loadSiteConfig(this.env, record.identity.site, Date.now()))) : null;
    if (!record || !stored) return null;
    const now = Date.now();
    const config = stored.config;
    const events = this.#sql
      .exec<{ json: string }>("SELECT json FROM events ORDER BY ts DESC, id DESC LIMIT ?", RECENT_EVENTS)
      .toArray()
      .map((r) => JSON.parse(r.json) as ScoringEvent);
    const v = view(record.state, config, now);
    return {
      id: record.identity.leadId,
      userId: record.identity.userId,
      score: roundScore(v.score),
      label: v.label,
      stage: v.stage,
      anonymousIds: record.identity.anonymousIds,
      site: record.identity.site,
      model: v.model,
      grade: v.grade,
      disqualified: v.disqualified,
      traits: v.traits,
      explanation: explain(record.state, config, now),
      promo: this.#meta.get<PromoRecord>(META.promo)?.code ?? null,
      recentEvents: events,
    };
  }

  /** Erases everything this object keeps about the person, and its pending alarm. */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#sql.exec(LEAD_SCHEMA);
    this.#record = null;
    this.#config = null;
    this.#mergedInto = null;
    this.#alarmAt = null;
  }

  /** Puts dead letters back in the outbox for redelivery, keeping their message ids. */
  async requeue(letters: Array<{ messageId: string; endpointId: string; type: string; body: string }>): Promise<number> {
    const now = Date.now();
    for (const l of letters) {
      this.#sql.exec("INSERT OR REPLACE INTO outbox (message_id, endpoint_id, type, body, attempts, next_at) VALUES (?, ?, ?, ?, 0, ?)", l.messageId, l.endpointId, l.type, l.body, now);
    }
    this.#schedule(now);
    return letters.length;
  }

  /** Counts for tests and the cost benchmark: what this object keeps. */
  async stats(): Promise<{ events: number; outbox: number; alarm: number | null; databaseSize: number }> {
    const count = (table: string) => this.#sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n;
    return { events: count("events"), outbox: count("outbox"), alarm: await this.ctx.storage.getAlarm(), databaseSize: this.#sql.databaseSize };
  }

  /**
   * The single alarm: decay crossings and due deliveries. Alarms can fire twice, or early (an alarm
   * is only ever moved earlier, see #schedule), so both halves are idempotent: `advance` to an
   * instant yields no change it already made, and delivered rows are gone.
   */
  override async alarm(): Promise<void> {
    this.#alarmAt = null;
    const record = this.#record;
    const stored = record ? (this.#config ?? (await loadSiteConfig(this.env, record.identity.site, Date.now()))) : null;
    if (record && stored) {
      this.#config = stored;
      const now = Date.now();
      this.ctx.storage.transactionSync(() => {
        const { state, changes } = advance(record.state, stored.config, now);
        if (changes.length > 0) {
          record.state = state;
          this.#emit(changes, now);
          this.#saveRecord(now);
        }
      });
      await drainOutbox(this.#sql, this.env, record.identity, stored, now);
    }
    this.#schedule(Date.now());
  }

  /** The config at `version` or newer: the object's own copy, else the isolate's (see loadSiteConfigVersion). */
  async #configAt(site: string, version: number): Promise<StoredConfig | null> {
    if (this.#config && this.#config.version >= version) return this.#config;
    const stored = await loadSiteConfigVersion(this.env, site, version, Date.now());
    if (stored) this.#config = stored;
    return this.#config;
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

  /** Re-scores the union of this lead's and the absorbed events from scratch: caps span the union. */
  #mergeHistory(events: ScoringEvent[], now: number): { changes: Change[]; rows: number } {
    const record = this.#record!;
    let rows = 0;
    for (const event of events) {
      rows += this.#sql.exec("INSERT OR IGNORE INTO events (id, ts, name, json) VALUES (?, ?, ?, ?)", event.id, event.ts, event.name, JSON.stringify(event)).rowsWritten;
    }
    const config = this.#config!.config;
    const all = this.#sql.exec<{ json: string }>("SELECT json FROM events ORDER BY ts, id").toArray().map((r) => JSON.parse(r.json) as ScoringEvent);
    const before = view(record.state, config, now);
    record.state = replay(all, config, now);
    return { changes: diffViews(before, view(record.state, config, now), now, { kind: "merge" }), rows };
  }

  /** Creates the record on a lead's first request and folds in new ids; says what changed. */
  #adoptIdentity(request: IngestRequest, absorbed: AbsorbResult | null): { changed: boolean; userIdChanged: boolean } {
    const current = this.#record?.identity;
    const anonymousIds = current?.anonymousIds ?? [];
    const joining = absorbed && !absorbed.mergedInto ? absorbed.anonymousIds : request.anonymousId && !request.userId ? [request.anonymousId] : [];
    const next: LeadIdentity = {
      site: request.site,
      leadId: request.leadId,
      userId: request.userId ?? current?.userId ?? null,
      anonymousIds: [...new Set([...anonymousIds, ...joining])],
      mergedLeadIds: [...new Set([...(current?.mergedLeadIds ?? []), ...(absorbed && !absorbed.mergedInto && absorbed.leadId ? [absorbed.leadId] : [])])],
    };
    if (!this.#record) this.#record = { identity: next, state: newLeadState(), lastView: null, configVersion: request.configVersion };
    const userIdChanged = next.userId !== (current?.userId ?? null);
    const changed = !current || userIdChanged || current.anonymousIds.length !== next.anonymousIds.length || next.mergedLeadIds!.length !== (current.mergedLeadIds ?? []).length;
    this.#record.identity = next;
    return { changed, userIdChanged };
  }

  /**
   * A new config can move the lead across a line by itself: compare what webhooks last reported
   * with the view under the new config, and send that (cause "config") before the batch is scored.
   */
  #adoptConfig(stored: StoredConfig, now: number): Change[] {
    const record = this.#record!;
    if (record.configVersion === stored.version || !record.lastView) return [];
    return diffViews(record.lastView, view(record.state, stored.config, now), now, { kind: "config" });
  }

  #saveRecord(now: number): number {
    const record = this.#record!;
    record.lastView = this.#config ? view(record.state, this.#config.config, now) : null;
    return this.#meta.set(META.lead, record);
  }

  #context(now: number): MessageContext {
    const { state, identity } = this.#record!;
    const config = this.#config!.config;
    return { identity, view: view(state, config, now), topContributions: topContributions(state, config, now, 5) };
  }

  /** Writes outbox rows for engine changes: one per subscribed endpoint, plus one index update. */
  #emit(changes: Change[], now: number, indexAnyway = false): number {
    if (changes.length === 0) return indexAnyway ? this.#enqueueIndexUpdate(now) : 0;
    const ctx = this.#context(now);
    let rows = 0;
    for (const change of changes) rows += this.#enqueue(messageFromChange(change, ctx), now);
    rows += this.#enqueueIndexUpdate(now);
    return rows;
  }

  #enqueue(message: OutgoingMessage, now: number): number {
    const { config, disabledEndpoints } = this.#config!;
    let rows = 0;
    for (const endpoint of endpointsFor(message.type, config.webhooks, disabledEndpoints)) {
      rows += this.#sql.exec("INSERT INTO outbox (message_id, endpoint_id, type, body, attempts, next_at) VALUES (?, ?, ?, ?, 0, ?)", message.id, endpoint.id, message.type, message.body, now).rowsWritten;
    }
    return rows;
  }

  /** Queues an update of the site's lead index; a newer one replaces one not yet sent. */
  #enqueueIndexUpdate(now: number): number {
    const summary = this.#summary(now);
    const entry = { leadId: summary.id, userId: summary.userId, score: summary.score, label: summary.label, stage: summary.stage, updatedAt: now, replaces: this.#record!.identity.mergedLeadIds ?? [] };
    return this.#sql.exec("INSERT OR REPLACE INTO outbox (message_id, endpoint_id, type, body, attempts, next_at) VALUES ('index', ?, 'index', ?, 0, ?)", INDEX_OUTBOX, JSON.stringify(entry), now).rowsWritten;
  }

  #maybeIssuePromo(fresh: ScoringEvent[], now: number): { code: string; rowsWritten: number } | null {
    const promo = this.#config!.config.promo;
    if (!promo || this.#meta.get<PromoRecord>(META.promo)) return null;
    const v = view(this.#record!.state, this.#config!.config, now);
    if (v.disqualified || v.label !== promo.label) return null;
    if (promo.requireEvent && !this.#sql.exec("SELECT 1 FROM events WHERE name = ? LIMIT 1", promo.requireEvent).toArray().length) return null;
    const trigger = fresh.at(-1)!;
    const record = issuePromo(promo.prefix, now, trigger.id);
    let rowsWritten = this.#meta.set(META.promo, record);
    rowsWritten += this.#enqueue(promoMessage(record.code, now, { id: trigger.id, name: trigger.name }, this.#context(now)), now);
    return { code: record.code, rowsWritten };
  }

  #summary(now: number): LeadSummary {
    const { identity, state } = this.#record!;
    const v: LeadView | null = this.#config ? view(state, this.#config.config, now) : null;
    return { id: identity.leadId, userId: identity.userId, score: roundScore(v?.score ?? 0), label: v?.label ?? "", stage: v?.stage ?? "" };
  }

  /**
   * Points the one alarm at the earliest due work: an outbox row, or the next decay crossing. It is
   * only ever moved earlier: a later crossing (the lead just earned points) leaves the alarm where
   * it is, it fires, finds nothing crossed, and sets the next one. That saves a billed write on
   * nearly every event of an active lead. Answers the rows written (1 per alarm write).
   */
  #schedule(now: number): number {
    const due = this.#sql.exec<{ t: number | null }>("SELECT min(next_at) AS t FROM outbox").one().t;
    const crossing = this.#record && this.#config ? nextCrossing(this.#record.state, this.#config.config, now) : null;
    const candidates = [due, crossing].filter((t): t is number => typeof t === "number");
    if (candidates.length === 0) return 0;
    const at = Math.max(Math.min(...candidates), now);
    if (this.#alarmAt !== null && this.#alarmAt <= at) return 0;
    this.#alarmAt = at;
    void this.ctx.storage.setAlarm(at);
    return 1;
  }
}

function emptyResult(request: IngestRequest): IngestResult {
  return { lead: { id: request.leadId, userId: request.userId, score: 0, label: "", stage: "" }, actions: [], accepted: 0, duplicates: 0, rowsWritten: 0, rowsRead: 0 };
}
