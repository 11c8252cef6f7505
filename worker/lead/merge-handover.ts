/**
 * The merge hand-over between two Lead objects: a known person arriving with an anonymous id not yet
 * theirs asks that visitor's object for its history (`absorbInto`), scores the union, and only once
 * that is committed tells it to forget its copy (`releaseInto`). A crash in between repeats the
 * hand-over rather than losing it. The Lead object keeps the storage; these say what moves.
 */
import type { Env } from "../env";
import { leadIdForAnonymous, leadStub } from "./ids";
import type { LeadReads } from "./lead-queries";
import type { AbsorbResult, IngestRequest, LeadRecord } from "./types";

/**
 * What an anonymous lead already merged into another lead answers a second taker: nothing to take.
 *
 * @example mergedElsewhere("u_other", "a_1") // { events: [], anonymousIds: [], mergedInto: "u_other", leadId: "a_1" }
 */
export function mergedElsewhere(mergedInto: string, leadId: string | null): AbsorbResult {
  return { events: [], anonymousIds: [], mergedInto, leadId };
}

/**
 * Everything an anonymous lead hands to the known lead that absorbs it: events, ids, codes, last
 * view, score history and what retention folded. Pending webhooks stay behind and are still
 * delivered: they describe what already happened.
 *
 * @example handover(leadReads(store, record, target)).events.length // 12
 */
export function handover(lead: LeadReads): AbsorbResult {
  const record = lead.record;
  const folded = record?.folded;
  return { events: lead.events(), anonymousIds: record?.identity.anonymousIds ?? [], mergedInto: null, leadId: record?.identity.leadId ?? null, promos: record?.promos ?? [], lastView: record?.lastView ?? null, history: lead.history(), ...(folded ? { folded } : {}) };
}

/**
 * An anonymous lead's record once the known lead holds its history: the identity stays, so pending
 * webhooks can still be delivered; the score, codes and history are the known lead's now.
 *
 * @example releasedRecord(record).pending // []
 */
export function releasedRecord(record: LeadRecord): LeadRecord {
  const { history: _history, folded: _folded, ...kept } = record;
  return { ...kept, pending: [], promos: [], eventNames: [] };
}

/**
 * Takes over the anonymous visitor's history for a known person arriving with an anonymous id not
 * yet theirs (one extra object request, once per browser); null when there is nothing to take.
 *
 * @example const absorbed = await absorbAnonymous(env, record, request) // { events, anonymousIds: ["anon_1"], leadId: "a_…" }
 */
export async function absorbAnonymous(env: Env, record: LeadRecord | null, request: IngestRequest): Promise<AbsorbResult | null> {
  const anonymousId = request.anonymousId;
  if (!request.userId || !anonymousId || record?.identity.anonymousIds.includes(anonymousId)) return null;
  const anonLeadId = await leadIdForAnonymous(request.site, anonymousId);
  const result = (await leadStub(env, request.site, anonLeadId).absorbInto(request.leadId)) as AbsorbResult;
  // Already someone else's (a shared computer, say): keep that history where it is.
  if (result.mergedInto && result.mergedInto !== request.leadId) return mergedElsewhere(result.mergedInto, anonLeadId);
  return { ...result, anonymousIds: [...new Set([anonymousId, ...result.anonymousIds])], leadId: anonLeadId };
}
