import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
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
  type LeadState,
  type ScoringEvent,
} from "../scoring";
import type { StoredConfig } from "../site/SiteObject";
import { endpointsFor, messageFromChange, promoMessage, roundScore, type MessageContext, type OutgoingMessage } from "./messages";
import { leadIdForAnonymous, leadStub } from "./ids";
import { WindowLimiter } from "../http/rate-limit";
import { drainOutbox } from "./outbox";
import { issuePromo, type PromoRecord } from "./promo";
import { LEAD_SCHEMA, META, MetaTable } from "./storage";
import { INDEX_OUTBOX, type AbsorbResult, type IngestRequest, type IngestResult, type LeadAction, type LeadDescription, type LeadIdentity, type LeadSummary } from "./types";

/** Recent events an operator sees with a lead. */
const RECENT_EVENTS = 50;

/**
 * One object per lead. A thin shell around the scoring engine: it owns storage and timing, not
 * scoring. Each ingest writes the new events, the new state and any outbox rows in one synchronous
 * transaction, so the output gate holds the answer until all of it is durable, and a crash can
 * never keep the score but lose the webhook. Deliveries happen in the alarm, which also fires at
 * the exact instant decay takes the lead below a line.
 */
export class LeadObject extends DurableObject<Env> {
  #sql: SqlStorage;
  #meta: MetaTable;
  #identity: LeadIdentity | null = null;
  #state: LeadState = newLeadState();
  #config: StoredConfig | null = null;
  /** Set once this anonymous lead was merged into a known one: everything goes there from then on. */
  #mergedInto: string | null = null;
  /** In memory on purpose: a limit, not a quota; an evicted object forgives. */
  #limiter = new WindowLimiter(60_000, 1);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#meta = new MetaTable(this.#sql);
    // Synchronous SQL in the constructor runs before any request is delivered to this object.
    this.#sql.exec(LEAD_SCHEMA);
    this.#identity = this.#meta.get<LeadIdentity>(META.identity);
    this.#state = this.#meta.get<LeadState>(META.state) ?? newLeadState();
    this.#config = this.#meta.get<StoredConfig>(META.config);
    this.#mergedInto = this.#meta.get<string>(META.mergedInto);
  }

  /** Scores a batch of one visitor's events; the single Durable Object request of a collect call. */
  async ingest(request: IngestRequest): Promise<IngestResult> {
    if (this.#mergedInto) return { ...this.#emptyResult(request), mergedInto: this.#mergedInto };
    const retryAfter = this.#limiter.take("lead", request.events.length, request.config.config.limits.leadEventsPerMinute, Date.now());
    if (retryAfter > 0) return { ...this.#emptyResult(request), retryAfter };

    // A known person arriving with an anonymous id not yet theirs: take over that visitor's history
    // first (one extra object request, once per browser), then score this batch on top of it.
    const absorbed = await this.#absorbAnonymous(request);
    const now = Date.now();
    let rowsWritten = 0;
    let rowsRead = 0;
    let accepted = 0;
    let merged = false;
    const actions: LeadAction[] = [];

    this.ctx.storage.transactionSync(() => {
      rowsWritten += this.#adoptConfig(request.config, now);
      const identified = this.#adoptIdentity(request, absorbed);
      rowsWritten += identified;
      let changes: Change[] = [];
      if (absorbed && absorbed.events.length + absorbed.anonymousIds.length > 0) {
        // A code earned while anonymous is the person's code: never issue a second one after sign-up.
        if (absorbed.promo && !this.#meta.get<PromoRecord>(META.promo)) rowsWritten += this.#meta.set(META.promo, absorbed.promo);
        const result = this.#mergeHistory(absorbed.events, now);
        changes = result.changes;
        rowsWritten += result.rows;
        merged = true;
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
        const applied = applyEvents(this.#state, fresh, this.#config!.config, now);
        this.#state = applied.state;
        changes = [...changes, ...applied.changes];
      }
      if (fresh.length > 0 || merged) rowsWritten += this.#meta.set(META.state, this.#state);
      // The site's lead index hears of label, stage and identity changes only, never of every event.
      rowsWritten += this.#emit(changes, now, identified > 0 || merged);
      const promo = fresh.length > 0 ? this.#maybeIssuePromo(fresh, now) : null;
      if (promo) {
        actions.push({ type: "promo", code: promo.code });
        rowsWritten += promo.rowsWritten;
      }
    });
    // The alarm write joins the same output gate: the answer waits until it is durable too.
    if (accepted > 0 || merged) this.#schedule(now);
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
    const leadId = this.#identity?.leadId ?? null;
    if (this.#mergedInto && this.#mergedInto !== target) return { events: [], anonymousIds: [], mergedInto: this.#mergedInto, leadId };
    if (!this.#mergedInto) {
      this.#meta.set(META.mergedInto, target);
      this.#mergedInto = target;
    }
    return {
      events: this.#sql.exec<{ json: string }>("SELECT json FROM events ORDER BY ts, id").toArray().map((r) => JSON.parse(r.json) as ScoringEvent),
      anonymousIds: this.#identity?.anonymousIds ?? [],
      mergedInto: null,
      leadId,
      promo: this.#meta.get<PromoRecord>(META.promo),
    };
  }

  /** Forgets the history `target` now holds, keeping only the pointer (and undelivered webhooks). */
  async releaseInto(target: string): Promise<void> {
    if (this.#mergedInto !== target) return;
    this.ctx.storage.transactionSync(() => {
      this.#sql.exec("DELETE FROM events");
      this.#meta.delete(META.state);
      this.#meta.delete(META.promo);
    });
    this.#state = newLeadState();
  }

  /** The operator's view: score, label, stage, traits, explanation and recent events. */
  async describe(): Promise<LeadDescription | null> {
    if (this.#mergedInto) return { mergedInto: this.#mergedInto };
    if (!this.#identity || !this.#config) return null;
    const now = Date.now();
    const config = this.#config.config;
    const events = this.#sql
      .exec<{ json: string }>("SELECT json FROM events ORDER BY ts DESC, id DESC LIMIT ?", RECENT_EVENTS)
      .toArray()
      .map((r) => JSON.parse(r.json) as ScoringEvent);
    const v = view(this.#state, config, now);
    return {
      ...this.#summary(now),
      anonymousIds: this.#identity.anonymousIds,
      site: this.#identity.site,
      model: v.model,
      grade: v.grade,
      disqualified: v.disqualified,
      traits: v.traits,
      explanation: explain(this.#state, config, now),
      promo: this.#meta.get<PromoRecord>(META.promo)?.code ?? null,
      recentEvents: events,
    };
  }

  /** Erases everything this object keeps about the person, and its pending alarm. */
  async erase(): Promise<void> {
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
    this.#sql.exec(LEAD_SCHEMA);
    this.#identity = null;
    this.#state = newLeadState();
    this.#config = null;
    this.#mergedInto = null;
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
   * The single alarm: decay crossings and due deliveries. Alarms can fire twice, so both halves
   * are idempotent: `advance` to the same instant yields no new change, and delivered rows are gone.
   */
  override async alarm(): Promise<void> {
    const now = Date.now();
    if (this.#identity && this.#config) {
      this.ctx.storage.transactionSync(() => {
        const { state, changes } = advance(this.#state, this.#config!.config, now);
        if (changes.length > 0) {
          this.#state = state;
          this.#meta.set(META.state, state);
          this.#emit(changes, now);
        }
      });
      await drainOutbox(this.#sql, this.env, this.#identity, this.#config, now);
    }
    this.#schedule(Date.now());
  }

  #emptyResult(request: IngestRequest): IngestResult {
    return { lead: { id: request.leadId, userId: request.userId, score: 0, label: "", stage: "" }, actions: [], accepted: 0, duplicates: 0, rowsWritten: 0, rowsRead: 0 };
  }

  async #absorbAnonymous(request: IngestRequest): Promise<AbsorbResult | null> {
    const anonymousId = request.anonymousId;
    if (!request.userId || !anonymousId || this.#identity?.anonymousIds.includes(anonymousId)) return null;
    const anonLeadId = await leadIdForAnonymous(request.site, anonymousId);
    const result = (await leadStub(this.env, request.site, anonLeadId).absorbInto(request.leadId)) as AbsorbResult;
    // Already someone else's (a shared computer, say): keep that history where it is.
    if (result.mergedInto && result.mergedInto !== request.leadId) return { events: [], anonymousIds: [], mergedInto: result.mergedInto, leadId: anonLeadId };
    return { ...result, anonymousIds: [...new Set([anonymousId, ...result.anonymousIds])], leadId: anonLeadId };
  }

  /** Re-scores the union of this lead's and the absorbed events from scratch: caps span the union. */
  #mergeHistory(events: ScoringEvent[], now: number): { changes: Change[]; rows: number } {
    let rows = 0;
    for (const event of events) {
      rows += this.#sql.exec("INSERT OR IGNORE INTO events (id, ts, name, json) VALUES (?, ?, ?, ?)", event.id, event.ts, event.name, JSON.stringify(event)).rowsWritten;
    }
    const config = this.#config!.config;
    const all = this.#sql.exec<{ json: string }>("SELECT json FROM events ORDER BY ts, id").toArray().map((r) => JSON.parse(r.json) as ScoringEvent);
    const before = view(this.#state, config, now);
    this.#state = replay(all, config, now);
    return { changes: diffViews(before, view(this.#state, config, now), now, { kind: "merge" }), rows };
  }

  #adoptIdentity(request: IngestRequest, absorbed: AbsorbResult | null): number {
    const current = this.#identity;
    const anonymousIds = current?.anonymousIds ?? [];
    const joining = absorbed && !absorbed.mergedInto ? absorbed.anonymousIds : request.anonymousId && !request.userId ? [request.anonymousId] : [];
    const next: LeadIdentity = {
      site: request.site,
      leadId: request.leadId,
      userId: request.userId ?? current?.userId ?? null,
      anonymousIds: [...new Set([...anonymousIds, ...joining])],
      mergedLeadIds: [...new Set([...(current?.mergedLeadIds ?? []), ...(absorbed && !absorbed.mergedInto && absorbed.leadId ? [absorbed.leadId] : [])])],
    };
    if (current && current.userId === next.userId && current.anonymousIds.length === next.anonymousIds.length) return 0;
    this.#identity = next;
    return this.#meta.set(META.identity, next);
  }

  /**
   * Keeps the config this lead was last scored with, for alarms; rewritten only when its version
   * changes. A new config can move the lead across a line by itself: that sends its webhook (cause
   * "config") before the batch's own events are scored.
   */
  #adoptConfig(config: StoredConfig, now: number): number {
    const current = this.#config;
    // Keep the object already held while the version is the same: RPC hands over a fresh copy on
    // every request, and the engine caches its compiled rules per config object.
    if (current && current.version === config.version && current.disabledEndpoints.length === config.disabledEndpoints.length) return 0;
    this.#config = config;
    let rows = this.#meta.set(META.config, config);
    if (current && this.#identity && current.version !== config.version) {
      const changes = diffViews(view(this.#state, current.config, now), view(this.#state, config.config, now), now, { kind: "config" });
      rows += this.#emit(changes, now);
    }
    return rows;
  }

  #context(now: number): MessageContext {
    const config = this.#config!.config;
    return { identity: this.#identity!, view: view(this.#state, config, now), topContributions: topContributions(this.#state, config, now, 5) };
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

  /** The site's lead index learns of label, stage and identity changes only, never of every event. */
  #enqueueIndexUpdate(now: number): number {
    const summary = this.#summary(now);
    const entry = { leadId: summary.id, userId: summary.userId, score: summary.score, label: summary.label, stage: summary.stage, updatedAt: now, replaces: this.#identity?.mergedLeadIds ?? [] };
    // One pending index row per lead: a newer update replaces an older one not yet sent.
    return this.#sql.exec("INSERT OR REPLACE INTO outbox (message_id, endpoint_id, type, body, attempts, next_at) VALUES ('index', ?, 'index', ?, 0, ?)", INDEX_OUTBOX, JSON.stringify(entry), now).rowsWritten;
  }

  #maybeIssuePromo(fresh: ScoringEvent[], now: number): { code: string; rowsWritten: number } | null {
    const promo = this.#config!.config.promo;
    if (!promo || this.#meta.get<PromoRecord>(META.promo)) return null;
    const v = view(this.#state, this.#config!.config, now);
    if (v.disqualified || v.label !== promo.label) return null;
    if (promo.requireEvent && !this.#sql.exec("SELECT 1 FROM events WHERE name = ? LIMIT 1", promo.requireEvent).toArray().length) return null;
    const trigger = fresh.at(-1)!;
    const record = issuePromo(promo.prefix, now, trigger.id);
    let rowsWritten = this.#meta.set(META.promo, record);
    rowsWritten += this.#enqueue(promoMessage(record.code, now, { id: trigger.id, name: trigger.name }, this.#context(now)), now);
    return { code: record.code, rowsWritten };
  }

  #summary(now: number): LeadSummary {
    const identity = this.#identity!;
    const v = this.#config ? view(this.#state, this.#config.config, now) : null;
    return { id: identity.leadId, userId: identity.userId, score: roundScore(v?.score ?? 0), label: v?.label ?? "", stage: v?.stage ?? "" };
  }

  /** Points the one alarm at the earliest due work: an outbox row, or the next decay crossing. */
  #schedule(now: number): void {
    const due = this.#sql.exec<{ t: number | null }>("SELECT min(next_at) AS t FROM outbox").one().t;
    const crossing = this.#config ? nextCrossing(this.#state, this.#config.config, now) : null;
    const candidates = [due, crossing].filter((t): t is number => typeof t === "number");
    if (candidates.length === 0) {
      void this.ctx.storage.deleteAlarm();
      return;
    }
    void this.ctx.storage.setAlarm(Math.max(Math.min(...candidates), now));
  }
}
