import type { LeadState, LeadView, ScoringEvent } from "../scoring";

/** Who a lead object belongs to. Written once, and again only when identity changes. */
export interface LeadIdentity {
  site: string;
  leadId: string;
  userId: string | null;
  anonymousIds: string[];
  /** Lead ids of anonymous leads merged into this one (erasure and the index follow them). */
  mergedLeadIds?: string[];
}

/**
 * Everything an ingest changes, in one row: an event batch costs its event rows plus this one.
 * `lastView` is what webhooks last reported, so a new config's effect can be told even after the
 * object was evicted and the old config is gone from memory.
 */
export interface LeadRecord {
  identity: LeadIdentity;
  state: LeadState;
  lastView: LeadView | null;
  configVersion: number;
}

/** What an anonymous lead hands over when it is merged into a known one. */
export interface AbsorbResult {
  events: ScoringEvent[];
  anonymousIds: string[];
  /** Set when the anonymous lead had already been merged (into this or another lead). */
  mergedInto: string | null;
  leadId: string | null;
  /** A promo code the anonymous visitor already earned: it stays the person's only code. */
  promo?: { code: string; issuedAt: number; eventId: string | null } | null;
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
  /** True when `userId` was signed by the site (or came from its back end); false for a browser's word. */
  verified?: boolean;
  /** False when this client was already shown its daily share of promo codes: issue none now. */
  promoAllowed?: boolean;
}

/** What the snippet and the operator see of a lead in an answer. */
export interface LeadSummary {
  id: string;
  userId: string | null;
  score: number;
  label: string;
  stage: string;
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
}

/** An outbox row: one webhook message for one endpoint, or an index update for the site object. */
export interface OutboxRow {
  message_id: string;
  endpoint_id: string;
  type: string;
  body: string;
  attempts: number;
  next_at: number;
  last_error: string | null;
}

/** Endpoint id reserved for rows that update the site's lead index rather than call a webhook. */
export const INDEX_OUTBOX = "#index";

/** What `describe` answers: the lead, or where a merged anonymous lead went. */
export interface LeadDescription {
  mergedInto?: string;
  anonymousIds?: string[];
  [key: string]: unknown;
}
