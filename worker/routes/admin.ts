import { Hono } from "hono";
import type { Env } from "../env";
import { requireAdmin } from "../http/auth";
import { readJson } from "../http/body";
import { pathOf } from "../http/url";
import { ApiError, parseOr } from "../http/errors";
import type { LeadDescription } from "../lead/types";
import { decodeCursor, encodeCursor, type ExportAnswer } from "../lead/export-page";
import { forgetPerson, leadIdForAnonymous, leadStub, resolveLeadRef } from "../lead/ids";
import { cryptoBytes } from "../lead/promo";
import { simulateLead } from "../lead/simulate-lead";
import { simulate, type ScoringEvent } from "../scoring";
import type { DeadLetter, StoredConfig } from "../site/SiteObject";
import { rememberSiteConfig, siteStub } from "../site/config-cache";
import { adminConfig, configOrFail, siteOf, validateConfig } from "./admin-config";
import { adminHistory } from "./admin-history";
import { adminLeads } from "./admin-leads";
import { adminLeadList } from "./admin-lead-list";
import { adminRescore } from "./admin-rescore";
import { adminSuggest } from "./admin-suggest";
import { adminReport } from "./admin-report";
import { enableEndpointRequestSchema, endpointParamSchema, leadEventsQuerySchema, leadRefSchema, promoCodeSchema, redeliverRequestSchema, simulateRequestSchema } from "./admin-schema";

const MAX_SIMULATE_BYTES = 512 * 1024;
const MAX_REDELIVER_BYTES = 64 * 1024;

export const admin = new Hono<{ Bindings: Env }>();
admin.use("/v1/sites/*", requireAdmin);
admin.route("/", adminConfig);
admin.route("/", adminLeads);
admin.route("/", adminLeadList);
admin.route("/", adminRescore);
admin.route("/", adminHistory);
admin.route("/", adminSuggest);
admin.route("/", adminReport);

admin.get("/v1/sites/:site/leads/:lead", async (c) => {
  const site = siteOf(c);
  const leadId = await resolveLeadRef(site, parseOr(leadRefSchema, c.req.param("lead")));
  let found = (await leadStub(c.env, site, leadId).describe()) as LeadDescription | null;
  // An anonymous id that was merged answers with the lead it became.
  if (found?.mergedInto) found = (await leadStub(c.env, site, found.mergedInto).describe()) as LeadDescription | null;
  if (!found) throw new ApiError(404, "unknown_lead", "No such lead on this site");
  return c.json(found);
});

admin.get("/v1/sites/:site/leads/:lead/events", async (c) => {
  const site = siteOf(c);
  const leadId = await resolveLeadRef(site, parseOr(leadRefSchema, c.req.param("lead")));
  const query = parseOr(leadEventsQuerySchema, c.req.query());
  const cursor = query.cursor === undefined ? null : decodeCursor(query.cursor);
  if (query.cursor !== undefined && !cursor) throw new ApiError(400, "invalid_request", "Not a cursor this API answered: pass `next` from the previous page", [{ path: "$.cursor", message: "not a cursor" }]);
  let page = (await leadStub(c.env, site, leadId).exportEvents(cursor, query.limit)) as ExportAnswer;
  if (page && "mergedInto" in page) page = (await leadStub(c.env, site, page.mergedInto).exportEvents(cursor, query.limit)) as ExportAnswer;
  if (!page || "mergedInto" in page) throw new ApiError(404, "unknown_lead", "No such lead on this site");
  return c.json({ events: page.events, next: page.next ? encodeCursor(page.next) : null });
});

admin.delete("/v1/sites/:site/leads/:lead", async (c) => {
  const site = siteOf(c);
  const ref = parseOr(leadRefSchema, c.req.param("lead"));
  let leadId = await resolveLeadRef(site, ref);
  let found = (await leadStub(c.env, site, leadId).describe()) as LeadDescription | null;
  if (found?.mergedInto) {
    leadId = found.mergedInto;
    found = (await leadStub(c.env, site, leadId).describe()) as LeadDescription | null;
  }
  const anonymousIds = found?.anonymousIds ?? [];
  const anonymousLeadIds = await Promise.all(anonymousIds.map((a) => leadIdForAnonymous(site, a)));
  const all = [...new Set([leadId, ...anonymousLeadIds])];
  await Promise.all(all.map((id) => leadStub(c.env, site, id).erase()));
  await siteStub(c.env, site).removeLeads(all);
  // The ref as typed may be the e-mail, an anonymous id or a lead id: forgetting a key never remembered is harmless.
  forgetPerson(site, [ref, ...(typeof found?.userId === "string" ? [found.userId] : [])], [ref, ...anonymousIds]);
  return c.json({ erased: all });
});

admin.get("/v1/sites/:site/promo/:code", async (c) => {
  const site = siteOf(c);
  const code = parseOr(promoCodeSchema, c.req.param("code"));
  const owner = await siteStub(c.env, site).promoOwner(code);
  if (!owner) throw new ApiError(404, "unknown_promo", `No promo code "${code}" was issued on this site`);
  return c.json(owner);
});

admin.post("/v1/sites/:site/simulate", async (c) => {
  const site = siteOf(c);
  const body = parseOr(simulateRequestSchema, await readJson(c.req.raw, { maxBytes: MAX_SIMULATE_BYTES, types: ["application/json"] }));
  const stored: StoredConfig = body.config === undefined ? await configOrFail(c.env, site) : { config: validateConfig(c.env, body.config), version: 0, updatedAt: Date.now(), disabledEndpoints: [] };
  const events: ScoringEvent[] = body.events.map((e, i) => ({
    id: e.id ?? `sim_${i}`,
    name: e.name,
    ts: e.timestamp,
    ...(e.url ? { url: e.url, path: e.path ?? pathOf(e.url) } : e.path ? { path: e.path } : {}),
    ...(e.referrer ? { referrer: e.referrer } : {}),
    ...(e.props ? { props: e.props } : {}),
    ...(e.traits ? { traits: e.traits } : {}),
  }));
  const until = body.until === undefined ? {} : { until: body.until };
  const result = simulate(events, stored.config, until);
  // The same decide() as the Lead object, on a fresh record of this visitor, received with its last event.
  const leadId = await leadIdForAnonymous(site, body.anonymousId);
  const request = { site, leadId, userId: null, anonymousId: body.anonymousId, events, configVersion: stored.version, leadEventsPerMinute: stored.config.limits.leadEventsPerMinute };
  const output = simulateLead({ request, config: stored, receivedAt: Math.max(...events.map((e) => e.ts)), ...until, random: cryptoBytes });
  return c.json({ timeline: result.timeline, webhooks: result.timeline.flatMap((step) => step.changes), ...output });
});

admin.get("/v1/sites/:site/webhooks/:endpoint/dead-letters", async (c) => {
  const site = siteOf(c);
  const endpoint = parseOr(endpointParamSchema, c.req.param("endpoint"));
  const letters = await siteStub(c.env, site).listDeadLetters(endpoint, 500);
  return c.json({ deadLetters: letters.map(showDeadLetter) });
});

admin.post("/v1/sites/:site/webhooks/:endpoint/dead-letters/redeliver", async (c) => {
  const site = siteOf(c);
  const endpoint = parseOr(endpointParamSchema, c.req.param("endpoint"));
  // Always read the body: a chunked request has no Content-Length, and "no body" must never mean "all".
  const body = parseOr(redeliverRequestSchema, await readJson(c.req.raw, { maxBytes: MAX_REDELIVER_BYTES, types: ["application/json"] }));
  const letters = (await siteStub(c.env, site).takeDeadLetters(endpoint, "all" in body ? null : body.messageIds)) as DeadLetter[];
  return c.json({ redelivering: await requeue(c.env, site, letters) });
});

admin.post("/v1/sites/:site/webhooks/:endpoint/enable", async (c) => {
  const site = siteOf(c);
  const endpoint = parseOr(endpointParamSchema, c.req.param("endpoint"));
  const stored = await configOrFail(c.env, site);
  if (!stored.config.webhooks.some((e) => e.id === endpoint)) throw new ApiError(404, "unknown_endpoint", `No webhook endpoint "${endpoint}" in the site's config`);
  // No body at all only enables: no body stream, or an empty one a browser's bodyless POST declares
  // with Content-Length: 0. A chunked body has no Content-Length and must parse like any other.
  const empty = c.req.raw.body === null || c.req.header("content-length") === "0";
  const body = parseOr(enableEndpointRequestSchema, empty ? {} : await readJson(c.req.raw, { maxBytes: MAX_REDELIVER_BYTES, types: ["application/json"] }));
  const sites = siteStub(c.env, site);
  const { disabledAt, reason, missed } = (await sites.enableEndpoint(endpoint)) as { disabledAt: number | null; reason: string | null; missed: DeadLetter[] };
  const now = Date.now();
  // This isolate scores with the endpoint enabled at once; other isolates within the config cache's TTL.
  rememberSiteConfig(site, { ...stored, disabledEndpoints: stored.disabledEndpoints.filter((id) => id !== endpoint) }, now);
  const taken = body.redeliverMissed && missed.length > 0 ? ((await sites.takeDeadLetters(endpoint, missed.map((l) => l.messageId))) as DeadLetter[]) : [];
  return c.json({ endpoint, enabled: true, disabledAt, reason, missed: missed.map(showDeadLetter), redelivering: await requeue(c.env, site, taken) });
});

function showDeadLetter({ body, ...rest }: DeadLetter) {
  return { ...rest, payload: JSON.parse(body) as unknown };
}

/** Puts dead letters back in their lead objects' outboxes, one call per lead. */
async function requeue(env: Env, site: string, letters: DeadLetter[]): Promise<number> {
  const byLead = new Map<string, DeadLetter[]>();
  for (const letter of letters) byLead.set(letter.leadId, [...(byLead.get(letter.leadId) ?? []), letter]);
  await Promise.all([...byLead].map(([leadId, ls]) => leadStub(env, site, leadId).requeue(ls)));
  return letters.length;
}
