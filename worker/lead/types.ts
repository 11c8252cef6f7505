import type { Change, LeadState, LeadView, ScoringEvent } from "../scoring";
import type { HistoryEntry } from "./history";
import type { OutcomeWatch } from "../outcomes/watch";
import type { IndexCurve } from "../site/index-curve";
import type { LeadIndexEntry } from "../site/SiteObject";
import type { PromoRecord } from "./promo";
import type { FoldedHistory } from "./retention";
import type { SentDelivery } from "./sent-log";

/** Who a lead object belongs to. */
export interface LeadIdentity {
  site: string;
  leadId: string;
  userId: string | null;
  anonymousIds: string[];
  /** Lead ids of anonymous leads merged into this one (erasure and the index follow them). */
  mergedLeadIds?: string[];
  /**
   * False while the lead exists only on an unverified identify (a browser claiming a user id); true
   * once a verified one or a server-side identify confirmed it. Absent on anonymous leads.
   */
  verified?: boolean;
}

/**
 * The lead's one hot row: everything an ingest changes. The newest events ride in it (`pending`) until
 * enough gather to fill one batch row, so most requests write this row and nothing else.
 * `lastView` is what webhooks last reported, so a new config's effect can be told even after the
 * object was evicted and the old config is gone from memory.
 */
export interface LeadRecord {
  identity: LeadIdentity;
  state: LeadState;
  lastView: LeadView | null;
  configVersion: number;
  /** Events not yet flushed to a batch row, with the instant each was received (oldest first). */
  pending: PendingEvent[];
  /** Event names the lead ever sent (a promo's `requireEvent` is checked against them). */
  eventNames: string[];
  /** Every code the person was shown, on this lead or a merged one, oldest owner first; at most one issued here. */
  promos: PromoRecord[];
  /** Webhook deliveries not yet settled (see ./outbox.ts). */
  outbox: Delivery[];
  /**
   * What the site's lead index holds for this lead (or was last sent): the curve it lists the score
   * by, and the open horizon's end its sweep settles by (absent in records from before it was sent: null).
   */
  index?: { curve: IndexCurve; at: number; model: string; horizonEnd?: number | null };
  /**
   * An index entry not known to be stored. It is sent right after the commit that wrote it and
   * cleared in memory once stored; the record forgets it on its next write. A record loaded with one
   * (the isolate died in between) sends it again with the lead's next request or alarm: the site
   * keeps the newest entry per lead, so a repeat changes nothing.
   */
  indexOwed?: LeadIndexEntry;
  /** What the newest config change did to the lead, so a re-score repeated after a crash counts it once. */
  rescored?: RescoreOutcome;
  /** Score history entries not yet flushed to a batch row (see ./history.ts); absent when none. */
  history?: HistoryEntry[];
  /** What retention folded away: the state of the deleted batch rows' events (see ./retention.ts). */
  folded?: FoldedHistory;
  /** Webhooks this lead's outbox settled, newest last (see ./sent-log.ts). */
  sent?: SentDelivery[];
  /** Whether the lead's outcome is settled, and when its horizon ends (see ../outcomes/watch.ts). */
  outcome?: OutcomeWatch;
}

/** What a candidate config would do to one lead's label and stage (null: unchanged). */
export interface RescorePreview {
  leadId: string;
  label: { from: string; to: string } | null;
  stage: { from: string; to: string } | null;
}

/** Whether the config change to `version` moved the lead's label or stage. */
export interface RescoreOutcome {
  version: number;
  label: boolean;
  stage: boolean;
}

/** An event with the worker's instant of receipt: deduplication counts its window from there. */
export interface PendingEvent {
  event: ScoringEvent;
  receivedAt: number;
}

/** A stored batch of events: one row, keyed by the instant of receipt and its first event id. */
export interface BatchRow {
  receivedAt: number;
  firstId: string;
  events: ScoringEvent[];
  /** The score history entries flushed with these events. */
  history?: HistoryEntry[];
}

/** What an anonymous lead hands over when it is merged into a known one. */
export interface AbsorbResult {
  events: ScoringEvent[];
  anonymousIds: string[];
  /** Set when the anonymous lead had already been merged (into this or another lead). */
  mergedInto: string | null;
  leadId: string | null;
  /** Codes the anonymous visitor was shown: the person keeps them all (and earns no further one). */
  promos?: PromoRecord[];
  /** What the anonymous visitor's webhooks last reported: a merge reports only what changed since. */
  lastView?: LeadView | null;
  /** The anonymous visitor's score history, oldest first. */
  history?: HistoryEntry[];
  /** What retention folded of the anonymous visitor's events. */
  folded?: FoldedHistory;
}

export interface IngestRequest {
  site: string;
  leadId: string;
  userId: string | null;
  anonymousId: string | null;
  events: ScoringEvent[];
  /** The version of the site config the request was checked against; the object loads it by version. */
  configVersion: number;
  /** Events a lead may send a minute (from that config; checked before anything is loaded). */
  leadEventsPerMinute: number;
  /** True when `userId` was signed by the site; false for a browser's word. Absent (server-side sources) counts as verified. */
  verified?: boolean;
  /** False when this client was already shown its daily share of promo codes: issue none now. */
  promoAllowed?: boolean;
  /**
   * An unverified browser claiming this (known) lead: accepted only for a new lead, or one an earlier
   * claim from this same anonymous id created and nobody confirmed yet (see `claimRefused`).
   */
  claim?: boolean;
}

/** A stage or label a lead has no value for (no config yet, say): one spelling in the API and webhooks. */
export const NO_STAGE = "none";

/** What the snippet and the operator see of a lead in an answer. */
export interface LeadSummary {
  id: string;
  userId: string | null;
  score: number;
  label: string;
  stage: string;
  /** The fit grade, when the lead's model has grades. */
  grade?: string;
}

export type LeadAction = { type: "promo"; code: string };

export interface IngestResult {
  lead: LeadSummary;
  actions: LeadAction[];
  accepted: number;
  duplicates: number;
  /** SQLite rows this request wrote, from the storage API's own counters (cost accounting). */
  rowsWritten: number;
  rowsRead: number;
  /** Set when this anonymous lead was merged: the caller re-sends to that lead instead. */
  mergedInto?: string;
  /** Set when the lead sent more than its limit: seconds until it may send again. Nothing was stored. */
  retryAfter?: number;
  /** Set when a claim (`IngestRequest.claim`) was refused: nothing was stored or read out. */
  claimRejected?: boolean;
}

/** What an operator's action did: the lead after it and the changes it reported, or where a merged anonymous lead went. */
export type OperateResult = { lead: LeadSummary; changes: Change[] } | { mergedInto: string };

/** One message for one endpoint (or an index update for the site object), with its retry state. */
export interface Delivery {
  messageId: string;
  endpointId: string;
  type: string;
  body: string;
  attempts: number;
  /** When the next attempt is due. */
  nextAt: number;
  lastError?: string;
}

/**
 * Endpoint id of index updates in outboxes written before index entries left the outbox
 * (`LeadRecord.indexOwed`): they still drain, to the site object.
 */
export const INDEX_OUTBOX = "#index";

/** What `describe` answers: the lead, or where a merged anonymous lead went. */
export interface LeadDescription {
  mergedInto?: string;
  anonymousIds?: string[];
  [key: string]: unknown;
}
