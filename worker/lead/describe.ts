import { explain, readLead, type ScoringEvent } from "../scoring";
import type { SiteConfig } from "../site/config";
import type { LeadDescription, LeadRecord } from "./types";

/** Recent events an operator sees with a lead. */
export const RECENT_EVENTS = 50;

/**
 * The operator's view of a lead under the config in force: score, label, stage, traits, explanation
 * and the newest events. Pure: the object passes what it stored and the config the isolate has now.
 *
 * @example describeLead(record, stored.config, events, Date.now()).label // "hot"
 */
export function describeLead(record: LeadRecord, config: SiteConfig, events: ScoringEvent[], now: number): LeadDescription {
  const { view: v } = readLead(record.state, config, now);
  const { identity } = record;
  return {
    id: identity.leadId,
    userId: identity.userId,
    ...(identity.verified !== undefined ? { verified: identity.verified } : {}),
    score: v.score,
    label: v.label,
    stage: v.stage,
    anonymousIds: identity.anonymousIds,
    site: identity.site,
    model: v.model,
    grade: v.grade,
    disqualified: v.disqualified,
    traits: v.traits,
    explanation: explain(record.state, config, now),
    promo: record.promos[0]?.code ?? null,
    promos: record.promos.map((p) => ({ code: p.code, issuedAt: p.issuedAt })),
    recentEvents: [...events].reverse().slice(0, RECENT_EVENTS),
  };
}
