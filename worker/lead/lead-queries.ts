/**
 * The Lead object's read-only answers, pure: each takes what the object holds (`LeadReads`) and the
 * config it loaded, and answers; none writes. The object's RPC methods load and call these, so every
 * query is a plain function of stored state (and a merged anonymous lead answers where it went).
 */
import { backtestLead, type BacktestLead } from "../outcomes/backtest-lead";
import { outcomeRow, type OutcomeRow } from "../model/features";
import type { ScoringEvent } from "../scoring";
import type { SiteConfig } from "../site/config";
import type { StoredConfig } from "../site/SiteObject";
import { describeLead } from "./describe";
import { eventPage, type EventCursor, type ExportAnswer } from "./export-page";
import type { HistoryEntry } from "./history";
import { historyAnswer, type HistoryAnswer } from "./history-read";
import type { LeadStore } from "./lead-store";
import { leadDeliveries, type LeadDelivery } from "./sent-log";
import type { LeadDescription, LeadRecord } from "./types";

/** What a Lead object holds, as its queries read it: the record, the merge pointer, and its rows on demand. */
export interface LeadReads {
  record: LeadRecord | null;
  /** Set once this anonymous lead was merged into a known one. */
  mergedInto: string | null;
  /** Every event, in time order: batch rows and those riding in the record. */
  events(): ScoringEvent[];
  /** Every score history entry: batch rows' and those riding in the record, in the order they were recorded. */
  history(): HistoryEntry[];
}

/** Where a merged anonymous lead went: what its queries answer instead. */
export type Merged = { mergedInto: string };

/** Counts for tests and the cost benchmark: what one Lead object keeps. */
export interface LeadStats {
  events: number;
  /** Deliveries not yet settled, an owed index entry included. */
  outbox: number;
  alarm: number | null;
  databaseSize: number;
}

/**
 * A lead's holdings read from its store: rows are read only when a query asks for them.
 *
 * @example describeQuery(leadReads(store, record, null), stored, Date.now())
 */
export function leadReads(store: LeadStore, record: LeadRecord | null, mergedInto: string | null): LeadReads {
  return {
    record,
    mergedInto,
    events: () => [...store.events(), ...(record?.pending.map((p) => p.event) ?? [])].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    history: () => [...store.history(), ...(record?.history ?? [])],
  };
}

/**
 * The operator's view under the config in force (./describe.ts); null for a lead never seen or a site without config.
 *
 * @example describeQuery(lead, stored, Date.now())?.label // "hot"
 */
export function describeQuery(lead: LeadReads, stored: StoredConfig | null, now: number): LeadDescription | null {
  if (lead.mergedInto) return { mergedInto: lead.mergedInto };
  return lead.record && stored ? describeLead(lead.record, stored.config, lead.events(), now) : null;
}

/**
 * A page of every event the lead stores, oldest first: the export (./export-page.ts).
 *
 * @example exportQuery(lead, null, 100) // { events: [...], next: { ts, id } }
 */
export function exportQuery(lead: LeadReads, cursor: EventCursor | null, limit: number): ExportAnswer {
  if (lead.mergedInto) return { mergedInto: lead.mergedInto };
  return lead.record ? eventPage(lead.events(), cursor, limit) : null;
}

/**
 * The score timeline between `from` and `to` (./history-read.ts).
 *
 * @example historyQuery(lead, 0, Date.now()) // { leadId, points: [...], transitions: [...] }
 */
export function historyQuery(lead: LeadReads, from: number, to: number): HistoryAnswer | Merged | null {
  if (lead.mergedInto) return { mergedInto: lead.mergedInto };
  const record = lead.record;
  if (!record) return null;
  return historyAnswer(lead.history(), { leadId: record.identity.leadId, from, to, configVersion: record.configVersion, ...(record.folded ? { folded: record.folded } : {}) });
}

/**
 * The webhooks sent about the lead and those still pending, newest first (./sent-log.ts).
 *
 * @example deliveriesQuery(lead) // { deliveries: [{ type: "lead.label_changed", state: "delivered", ... }] }
 */
export function deliveriesQuery(lead: LeadReads): { deliveries: LeadDelivery[] } | Merged | null {
  if (lead.mergedInto) return { mergedInto: lead.mergedInto };
  return lead.record ? { deliveries: leadDeliveries(lead.record.outbox, lead.record.sent ?? []) } : null;
}

/**
 * The lead's row for a fit of suggested weights under `config` (../model/features.ts): numbers only,
 * no event leaves the object. Null for a lead within its horizon, judged by another model, merged, or never seen.
 *
 * @example suggestionRowQuery(lead, config, "shop", Date.now()) // { leadId: "ld_1", features: [2, 1, 0, 1], converted: true, score: 55 }
 */
export function suggestionRowQuery(lead: LeadReads, config: SiteConfig, model: string, now: number): (OutcomeRow & { leadId: string }) | null {
  if (!lead.record || lead.mergedInto) return null;
  const row = outcomeRow(lead.events(), config, model, now);
  return row && { leadId: lead.record.identity.leadId, ...row };
}

/**
 * A backtest's replay of the lead's own events under the config in force and `candidate`
 * (../outcomes/backtest-lead.ts); null for a lead merged, never seen, or without a config.
 *
 * @example backtestQuery(lead, stored, candidate, Date.now()) // { leadId, current: { label: "warm", ... }, candidate: { ... } }
 */
export function backtestQuery(lead: LeadReads, stored: StoredConfig | null, candidate: SiteConfig, now: number): BacktestLead | null {
  if (!lead.record || lead.mergedInto || !stored) return null;
  return backtestLead(lead.record.identity.leadId, lead.events(), stored.config, candidate, now, lead.record.folded);
}

/**
 * What the object keeps, counted. An index entry not yet stored counts as undelivered: "drained" means
 * nothing more leaves the object.
 *
 * @example statsQuery(record, store.eventCount(), await storage.getAlarm(), storage.sql.databaseSize) // { events: 3, outbox: 1, alarm, databaseSize }
 */
export function statsQuery(record: LeadRecord | null, storedEvents: number, alarm: number | null, databaseSize: number): LeadStats {
  return { events: storedEvents + (record?.pending.length ?? 0), outbox: (record?.outbox.length ?? 0) + (record?.indexOwed ? 1 : 0), alarm, databaseSize };
}
