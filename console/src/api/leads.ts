/** Leads through the operator API: the index list, one lead, its history, export and erasure. */
// Type-only imports: the API answers these shapes; nothing of the worker ends up in the bundle.
import type { Explanation, ScoringEvent } from "../../../worker/scoring/types";
import type { LeadDelivery } from "../../../worker/lead/sent-log";
import type { ListedLead } from "../../../worker/site/lead-index";
import type { LeadHistory } from "../chart/history-series";
import { ApiError, api, request, sitePath } from "./http";

/** A row of `GET …/leads`: its score is the score now, decay included, and the list is ordered by it. */
export type LeadRow = ListedLead;

/** One page of `GET …/leads`: `next` asks for the following one; `at` is the instant the listing scores at. */
export interface LeadPage {
  leads: LeadRow[];
  next: string | null;
  at: number;
}

/** What a listing asks for; `cursor` is the `next` of the page before. */
export interface LeadQuery {
  label?: string;
  stage?: string;
  model?: string;
  /** A prefix of the e-mail (user id) or lead id, or an exact anonymous id. */
  q?: string;
  limit: number;
  cursor?: string;
}

/** An event as the lead page lists it (the API answers the engine's own event records). */
export type LeadEvent = ScoringEvent;

/** `GET …/leads/{lead}`: the lead now, decay applied. */
export interface LeadDetail {
  id: string;
  userId: string | null;
  /** False while the lead rests on a browser's unverified identify; absent on anonymous leads. */
  verified?: boolean;
  score: number;
  label: string;
  stage: string;
  anonymousIds: string[];
  site: string;
  model: string;
  grade?: string;
  disqualified: boolean;
  traits: Record<string, unknown>;
  explanation: Explanation;
  promo: string | null;
  /** Every code the person was shown (merged leads' included); `promo` is the first. */
  promos: Array<{ code: string; issuedAt: number }>;
  recentEvents: LeadEvent[];
}

/**
 * A page of the site's leads, highest score now first, filtered and searched as asked.
 *
 * @example const { leads, next } = await listLeads("demo", { label: "hot", limit: 25 })
 */
export async function listLeads(site: string, query: LeadQuery): Promise<LeadPage> {
  const params = new URLSearchParams({ limit: String(query.limit) });
  for (const key of ["label", "stage", "model", "q", "cursor"] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  return api<LeadPage>(sitePath(site, `/leads?${params}`));
}

/** One lead by lead id, e-mail or anonymous id; null when there is no such lead. */
export async function getLead(site: string, ref: string): Promise<LeadDetail | null> {
  try {
    return await api<LeadDetail>(sitePath(site, `/leads/${encodeURIComponent(ref)}`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** The lead exactly as the API answers it, with its score history, as text, for the export download. */
export async function exportLead(site: string, ref: string): Promise<string> {
  const path = sitePath(site, `/leads/${encodeURIComponent(ref)}`);
  const [body, history] = (await Promise.all([(await request(path)).json(), (await request(`${path}/history`)).json()])) as [Record<string, unknown>, unknown];
  return `${JSON.stringify({ ...body, history }, null, 2)}\n`;
}

/** Erases everything kept about the person, merged ids included; answers the lead ids erased. */
export async function eraseLead(site: string, ref: string): Promise<string[]> {
  return (await api<{ erased: string[] }>(sitePath(site, `/leads/${encodeURIComponent(ref)}`), { method: "DELETE" })).erased;
}

export type { LeadDelivery };

/**
 * The webhooks sent about a lead (delivered or dead-lettered, the last 50) and those still pending, newest first.
 *
 * @example const deliveries = await getDeliveries("demo", "ld_3f2a…") // [{ type: "lead.label_changed", state: "delivered", … }]
 */
export async function getDeliveries(site: string, leadId: string): Promise<LeadDelivery[]> {
  return (await api<{ deliveries: LeadDelivery[] }>(sitePath(site, `/leads/${encodeURIComponent(leadId)}/deliveries`))).deliveries;
}

/**
 * The lead's score history (sampled by the worker between its recorded points), or null when the
 * lead is gone (404): the chart then says so rather than drawing anything made up.
 */
export async function getHistory(site: string, leadId: string): Promise<LeadHistory | null> {
  try {
    return await api<LeadHistory>(sitePath(site, `/leads/${encodeURIComponent(leadId)}/history`));
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
