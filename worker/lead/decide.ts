/**
 * Every decision the Lead object makes, as one pure function: which events are new, the new scoring
 * state, the webhooks and the index update it owes, a promo code, a merge's union rescoring and a new
 * config's replay of the lead's events (./replay.ts), what to store and when the alarm should next
 * fire. No Cloudflare import, no I/O, no clock, and randomness only through `random`: the object
 * loads, calls this, writes the result in one transaction.
 */
import { advance, applyEvents, diffViews, newLeadState, readLead, view, type Change, type LeadReading, type ScoringConfig, type ScoringEvent } from "../scoring";
import type { LeadIndexEntry, StoredConfig } from "../site/SiteObject";
import { drifted, indexCurveOf } from "../site/index-curve";
import { freshEvents, type KnownIds } from "./dedup";
import { FLUSH_HISTORY, historyRecorder, type HistoryEntry } from "./history";
import { deliveriesFor, messageFromChange, operatorCauses, promoMessage, type MessageContext, type OutgoingMessage } from "./messages";
import { withDeliveries } from "./outbox";
import { issuePromo, mergePromos, promoTrigger, type PromoRecord, type RandomBytes } from "./promo";
import { replayLead } from "./replay";
import { DELIVERY_GRACE_MS } from "./schedule";
import { NO_STAGE, type AbsorbResult, type BatchRow, type Delivery, type IngestRequest, type LeadAction, type LeadIdentity, type LeadRecord, type LeadSummary, type PendingEvent, type RescoreOutcome } from "./types";

/** Events that ride in the record before they are flushed as one batch row: most requests write one row. */
export const FLUSH_EVENTS = 20;
/** The key of a batch row that holds only history (a quiet lead's crossings): it sorts after every event id's row of that instant. */
const HISTORY_ONLY_ID = "~history";
/** Top contributions a webhook carries. */
const TOP_CONTRIBUTIONS = 5;

export interface DecideInput {
  /** The stored record; null for a lead never seen. */
  record: LeadRecord | null;
  /** The batch to score; null when only time passed (the alarm) or the config changed. */
  request: IngestRequest | null;
  /** An anonymous lead's history being merged into this one. */
  absorbed?: AbsorbResult | null;
  /**
   * This lead's stored events (batch rows, not those riding in the record), in the order stored: needed
   * only when `needsStoredEvents` says so (a merge, a config version change: both replay them).
   */
  history?: ScoringEvent[];
  config: StoredConfig;
  /** Ids stored in batch rows, with their instant of receipt (see ./dedup.ts). */
  known: KnownIds;
  now: number;
  random: RandomBytes;
  /** Set when a saved config re-scores the lead (see ../site/rescore.ts): `notify` false records the changes without webhooks. */
  rescore?: { notify: boolean };
}

export interface Decision {
  record: LeadRecord;
  /** False when nothing is worth writing (a batch of duplicates, an alarm that found nothing). */
  recordChanged: boolean;
  /** Events to store as one batch row, or null. */
  batch: BatchRow | null;
  actions: LeadAction[];
  accepted: number;
  duplicates: number;
  summary: LeadSummary;
  /** Changes this decision reported (for tests and the simulate endpoint). */
  changes: Change[];
  /** The next decay crossing under the config in force. */
  crossingAt: number | null;
  /** Deliveries this decision added to the outbox: the object attempts them right after committing. */
  added: Delivery[];
  /** The index entry this decision owes the site (also in `record.indexOwed` until it is stored), or null. */
  index: LeadIndexEntry | null;
  /** True once a merged anonymous lead's history is in `batch`: the object may release it. */
  merged: boolean;
  /** Set when the request was a claim this lead refuses (see `claimRefused`): nothing changed, nothing is told. */
  claimRejected?: boolean;
}

/** A refused claim's decision: the record as it was, and an answer that tells nothing of it. */
function refusedClaim(record: LeadRecord, request: IngestRequest): Decision {
  const summary: LeadSummary = { id: request.leadId, userId: null, score: 0, label: NO_STAGE, stage: NO_STAGE };
  return { record, recordChanged: false, batch: null, actions: [], accepted: 0, duplicates: 0, summary, changes: [], crossingAt: null, added: [], index: null, merged: false, claimRejected: true };
}

/**
 * Decides what one request (or one alarm) does to a lead.
 *
 * @example
 * const d = decide({ record, request, config, known, now: Date.now(), random: cryptoBytes });
 * // d.record, d.batch and d.record.outbox go to storage in one transaction; d.crossingAt to the alarm
 */
export function decide(input: DecideInput): Decision {
  const { config, now, request } = input;
  if (claimRefused(input.record, request)) return refusedClaim(input.record!, request!);
  const scoring = config.config;
  const before = input.record;
  const identity = adoptIdentity(before?.identity ?? null, request, input.absorbed ?? null);
  let state = before?.state ?? newLeadState();
  let pending = before?.pending ?? [];
  let changed = !before || identity.changed;
  const changes: Change[] = [];
  // The score history is recorded as it happens, under the config in force (see ./history.ts).
  const recorder = historyRecorder(scoring, config.version, operatorCauses(request?.events ?? []));

  // A new config can move the lead across a line by itself: compare what webhooks last reported
  // with the lead re-scored under the new config, and report that (cause "config") before anything else.
  const configChanged = before !== null && before.configVersion !== config.version;
  if (configChanged) {
    changed = true;
    // The config took effect when it was saved (not when this lead next woke up): the lead moves
    // there, and settles under it, so what the new config does by then is reported once, as "config".
    const at = Math.min(now, Math.max(state.clock, config.updatedAt));
    // Every event the lead keeps counts as if the new config had been in force all along: a rule it
    // adds, a changed `when`, cap or points. Only the history recorded so far stays as it was.
    state = replayLead(keptEvents(input, pending), scoring, at, before.folded);
    const moved = before.lastView ? diffViews(before.lastView, view(state, scoring, at), at, { kind: "config" }) : [];
    changes.push(...moved);
    recorder.mark(state, at, { kind: "config" }, moved);
  }
  const rescored = configChanged ? rescoreOutcome(config.version, changes) : before?.rescored;

  let batch: BatchRow | null = null;
  let imported: HistoryEntry[] = [];
  const absorbed = merging(input.absorbed);
  if (absorbed) {
    // Re-score the union from scratch: caps span both histories.
    const mine = keptEvents(input, pending);
    const ids = new Set(mine.map((e) => e.id));
    const joining = absorbed.events.filter((e) => !ids.has(e.id));
    // One person, one report per real change: a known lead with no events of its own compares with
    // what the anonymous visitor was last reported as, not with its own empty view.
    const previous = (mine.length === 0 && joining.length > 0 ? absorbed.lastView : null) ?? view(state, scoring, now);
    // Events retention folded away are in no list: the replay starts from their folded state.
    state = replayLead([...mine, ...joining], scoring, now, before?.folded ?? absorbed.folded);
    const merged = diffViews(previous, view(state, scoring, now), now, { kind: "merge" });
    changes.push(...merged);
    // A known lead with no history of its own takes the visitor's: it is the same person's, before the sign-up.
    if (!before?.history?.length && mine.length === 0) imported = absorbed.history ?? [];
    recorder.mark(state, now, { kind: "merge" }, merged);
    if (joining.length > 0) batch = { receivedAt: now, firstId: joining[0]!.id, events: joining };
    changed = true;
  }

  const { fresh, duplicates } = freshEvents(request?.events ?? [], input.known, now, new Set(pending.map((p) => p.event.id)));
  if (fresh.length > 0) {
    const applied = applyEvents(state, fresh, scoring, now, { deduplicated: true, onStep: recorder.onStep });
    state = applied.state;
    changes.push(...applied.changes);
    pending = [...pending, ...fresh.map((event): PendingEvent => ({ event, receivedAt: now }))];
    changed = true;
  } else if (!request) {
    const advanced = advance(state, scoring, now, recorder.onStep);
    if (advanced.changes.length > 0) {
      state = advanced.state;
      changes.push(...advanced.changes);
      changed = true;
    }
  }
  let history = [...(before?.history ?? []), ...imported, ...recorder.entries];
  if (pending.length >= FLUSH_EVENTS || (batch && pending.length > 0) || history.length >= FLUSH_HISTORY) {
    const events = [...(batch?.events ?? []), ...pending.map((p) => p.event)];
    // Keyed by the flush instant, the newest receipt: the dedup window then runs at least that long for each id.
    batch = { receivedAt: now, firstId: events[0]?.id ?? HISTORY_ONLY_ID, events };
    pending = [];
  }
  // History rides with the events: flushed in the same batch row, or kept in the record until then.
  if (batch && history.length > 0) {
    batch.history = history;
    history = [];
  }

  // One reading of the lead for everything below: messages, the promo, the answer, the alarm.
  const reading = readLead(state, scoring, now);
  const eventNames = mergeNames(before?.eventNames ?? [], [...fresh, ...(absorbed?.events ?? [])]);
  const ctx: MessageContext = { identity: identity.value, view: reading.view, topContributions: changes.length > 0 ? reading.top(TOP_CONTRIBUTIONS) : [], random: input.random, operator: operatorCauses(fresh) };
  // A re-score published with ?notify=false records what changed and tells no endpoint.
  const messages: OutgoingMessage[] = input.rescore?.notify === false ? [] : changes.map((c) => messageFromChange(c, ctx));

  const actions: LeadAction[] = [];
  let promos = mergePromos(before?.promos ?? [], absorbed?.promos ?? []);
  if (promos.length !== (before?.promos.length ?? 0)) changed = true;
  // Under requireVerified only a confirmed person earns a code: anonymous and claimed leads never do.
  const allowed = request?.promoAllowed !== false && (!scoring.promo?.requireVerified || identity.value.verified === true);
  const trigger = promoTrigger(scoring.promo, reading.view, fresh, eventNames, promos[0] ?? null, allowed);
  if (trigger && scoring.promo) {
    const promo = issuePromo(scoring.promo.prefix, now, trigger.id, input.random);
    promos = [...promos, promo];
    actions.push({ type: "promo", code: promo.code });
    const top = ctx.topContributions.length > 0 ? ctx.topContributions : reading.top(TOP_CONTRIBUTIONS);
    messages.push(promoMessage(promo.code, now, { id: trigger.id, name: trigger.name }, { ...ctx, topContributions: top }));
  }

  // The site's lead index hears of label, stage, model and identity changes, of a re-score, and of a
  // score that moved past INDEX_TOLERANCE from what the index computes for it now (../site/index-curve.ts):
  // a lead's first scored batch, an event worth a few points. Decay never moves it: the index holds
  // the curve. A new code and a confirmed identity go there too: the site's promo lookup answers from it.
  const confirmed = before !== null && before.identity.verified !== identity.value.verified;
  const moved = before?.index?.model !== reading.view.model || drifted(before?.index, reading.view.score, now);
  const reindex = changes.length > 0 || identity.userIdChanged || confirmed || absorbed || trigger || moved || (input.rescore && configChanged);
  const index = reindex ? indexEntry(identity.value, reading, promos, now) : null;
  const added = deliveriesFor(messages, scoring.webhooks, now + DELIVERY_GRACE_MS);
  const indexOwed = index ?? before?.indexOwed;
  const record: LeadRecord = {
    identity: identity.value,
    state,
    lastView: reading.view,
    configVersion: config.version,
    pending,
    eventNames,
    promos,
    outbox: added.length > 0 ? withDeliveries(before?.outbox ?? [], added) : (before?.outbox ?? []),
    ...(index ? { index: { curve: index.curve!, at: now, model: reading.view.model } } : before?.index ? { index: before.index } : {}),
    ...(indexOwed ? { indexOwed } : {}),
    ...(rescored ? { rescored } : {}),
    ...(history.length > 0 ? { history } : {}),
    ...(before?.folded ? { folded: before.folded } : absorbed?.folded ? { folded: absorbed.folded } : {}),
    ...(before?.sent ? { sent: before.sent } : {}),
    // The outcome watch outlives the decision: without it every event would replay the lead's history.
    ...(before?.outcome ? { outcome: before.outcome } : {}),
  };
  return {
    record,
    recordChanged: changed || added.length > 0,
    batch,
    actions,
    accepted: fresh.length,
    duplicates,
    summary: summaryOf(identity.value, reading),
    changes,
    crossingAt: reading.nextCrossing,
    added,
    index,
    merged: absorbed !== null,
  };
}

/**
 * Whether an unverified claim (`IngestRequest.claim`) must not reach this lead: it may create a new
 * lead (a sign-up on a site that cannot sign) and keep feeding the one it created, but never touch a
 * lead someone else created or a confirmed one. The object asks this before reading or limiting
 * anything, so a refused claim costs the person nothing and learns nothing.
 *
 * @example claimRefused(record, { ...request, claim: true, anonymousId: "3482-1298" }) // true unless record is null or unverified and lists "3482-1298"
 */
export function claimRefused(record: LeadRecord | null, request: IngestRequest | null): boolean {
  if (!request?.claim || !record) return false;
  const { identity } = record;
  return identity.verified !== false || !request.anonymousId || !identity.anonymousIds.includes(request.anonymousId);
}

/**
 * Whether decide() needs the lead's stored events (`DecideInput.history`): only to replay them, at a
 * merge (even one that brings no event: the union is re-scored from scratch) or when the config version
 * changed. Every other decision reads no batch row.
 *
 * @example const history = needsStoredEvents(record, config, absorbed) ? store.events() : undefined
 */
export function needsStoredEvents(record: LeadRecord | null, config: Pick<StoredConfig, "version">, absorbed?: AbsorbResult | null): boolean {
  return merging(absorbed) !== null || (record !== null && record.configVersion !== config.version);
}

/** The anonymous lead being merged in, or null when there is none (or it went to another lead). */
function merging(absorbed: AbsorbResult | null | undefined): AbsorbResult | null {
  return absorbed && !absorbed.mergedInto && absorbed.events.length + absorbed.anonymousIds.length > 0 ? absorbed : null;
}

/** Every event the lead keeps: its batch rows', then those riding in the record. */
function keptEvents(input: DecideInput, pending: readonly PendingEvent[]): ScoringEvent[] {
  // Without its batch rows a replay would drop their points: a caller that forgot them is a bug, not a lead to re-score.
  if (!input.history && needsStoredEvents(input.record, input.config, input.absorbed)) throw new Error("decide() needs the lead's stored events (DecideInput.history) to replay them");
  return [...(input.history ?? []), ...pending.map((p) => p.event)];
}

/** What the config change to `version` did to the lead's label and stage (a re-score's count). */
function rescoreOutcome(version: number, changes: Change[]): RescoreOutcome {
  return { version, label: changes.some((c) => c.type === "lead.label_changed"), stage: changes.some((c) => c.type === "lead.stage_changed") };
}

/** What the collect answer and the operator see of a lead. */
export function summaryOf(identity: LeadIdentity, reading: LeadReading): LeadSummary {
  const { score, label, stage, grade } = reading.view;
  return { id: identity.leadId, userId: identity.userId, score, label, stage, ...(grade !== undefined ? { grade } : {}) };
}

/**
 * The index entry a decided record makes at `now`, for a decision that owes one decide() did not
 * (the outcome watch's horizon moved: ../outcomes/lead-outcome.ts). Reads the lead once more, so only
 * that rare case pays for it.
 *
 * @example const entry = indexEntryOf(d.record, config.config, now) // { leadId, score, label, curve, horizonEnd: null, ... }
 */
export function indexEntryOf(record: LeadRecord, scoring: ScoringConfig, now: number): LeadIndexEntry {
  return indexEntry(record.identity, readLead(record.state, scoring, now), record.promos, now);
}

/** The horizon is the outcome watch's to fill in (../outcomes/lead-outcome.ts): decide() alone knows none. */
function indexEntry(identity: LeadIdentity, reading: LeadReading, promos: PromoRecord[], now: number): LeadIndexEntry {
  const { view: v } = reading;
  const entry: LeadIndexEntry = { leadId: identity.leadId, userId: identity.userId, score: v.score, label: v.label, stage: v.stage, model: v.model, curve: indexCurveOf(reading.curve), updatedAt: now, replaces: identity.mergedLeadIds ?? [], traitNames: traitNames(v.traits), horizonEnd: null };
  if (identity.verified !== undefined) entry.verified = identity.verified;
  if (promos.length > 0) entry.promos = promos.map((p) => ({ code: p.code, issuedAt: p.issuedAt }));
  return entry;
}

/**
 * The trait names a lead carries, nested objects one level deep as dotted paths ("company.employees"):
 * the site remembers them so a config's fit rule on a trait no lead ever had is warned about.
 *
 * @example traitNames({ email: "a@b.c", company: { employees: 40 } }) // ["email", "company", "company.employees"]
 */
export function traitNames(traits: Record<string, unknown>): string[] {
  return Object.entries(traits).flatMap(([key, value]) =>
    value !== null && typeof value === "object" && !Array.isArray(value) ? [key, ...Object.keys(value).map((k) => `${key}.${k}`)] : [key],
  );
}

function mergeNames(names: string[], events: ScoringEvent[]): string[] {
  const added = events.map((e) => e.name).filter((n) => !names.includes(n));
  return added.length === 0 ? names : [...new Set([...names, ...added])];
}

/**
 * Creates the identity on a lead's first request and folds in new ids. A lead created by an unverified
 * identify stays unverified until a verified one (or a server-side source) confirms it.
 */
function adoptIdentity(current: LeadIdentity | null, request: IngestRequest | null, absorbed: AbsorbResult | null): { value: LeadIdentity; changed: boolean; userIdChanged: boolean } {
  if (!request) return { value: current!, changed: false, userIdChanged: false };
  // A claim lists its browser even when that browser's history went elsewhere, so its next claim is accepted.
  const claimant = request.claim && request.anonymousId ? [request.anonymousId] : [];
  const joining = [...claimant, ...(absorbed && !absorbed.mergedInto ? absorbed.anonymousIds : request.anonymousId && !request.userId ? [request.anonymousId] : [])];
  const anonymousIds = [...new Set([...(current?.anonymousIds ?? []), ...joining])];
  const mergedLeadIds = [...new Set([...(current?.mergedLeadIds ?? []), ...(absorbed && !absorbed.mergedInto && absorbed.leadId ? [absorbed.leadId] : [])])];
  const userId = request.userId ?? current?.userId ?? null;
  const value: LeadIdentity = { site: request.site, leadId: request.leadId, userId, anonymousIds, mergedLeadIds };
  if (userId) value.verified = current?.verified === true || (request.userId !== null && request.verified !== false);
  const userIdChanged = userId !== (current?.userId ?? null);
  const changed =
    !current || userIdChanged || current.anonymousIds.length !== anonymousIds.length || (current.mergedLeadIds ?? []).length !== mergedLeadIds.length || current.verified !== value.verified;
  return { value, changed, userIdChanged };
}
