import { Hono } from "hono";
import type { Env } from "../env";
import { requireAdmin } from "../http/auth";
import { readJson } from "../http/body";
import { pathOf } from "../http/url";
import { ApiError, parseOr } from "../http/errors";
import type { LeadDescription } from "../lead/types";
import { leadIdForAnonymous, leadStub, resolveLeadRef } from "../lead/ids";
import { simulate, type ScoringEvent } from "../scoring";
import type { DeadLetter } from "../site/SiteObject";
import { loadSiteConfig, siteStub } from "../site/config-cache";
import { adminConfig, siteOf, validateConfig } from "./admin-config";
import { endpointParamSchema, leadListQuerySchema, leadRefSchema, redeliverRequestSchema, simulateRequestSchema } from "./admin-schema";

const MAX_SIMULATE_BYTES = 512 * 1024;

export const admin = new Hono<{ Bindings: Env }>();
admin.use("/v1/sites/*", requireAdmin);
admin.route("/", adminConfig);

async function configOrFail(env: Env, site: string) {
  const stored = await loadSiteConfig(env, site, Date.now());
  if (!stored) throw new ApiError(404, "unknown_site", `No site "${site}" is configured`);
  return stored;
}

admin.get("/v1/sites/:site/leads", async (c) => {
  const site = siteOf(c);
  const query = parseOr(leadListQuerySchema, c.req.query());
  const leads = await siteStub(c.env, site).listLeads(query);
  return c.json({ leads });
});

admin.get("/v1/sites/:site/leads/:lead", async (c) => {
  const site = siteOf(c);
  const leadId = await resolveLeadRef(site, parseOr(leadRefSchema, c.req.param("lead")));
  let found = (await leadStub(c.env, site, leadId).describe()) as LeadDescription | null;
  // An anonymous id that was merged answers with the lead it became.
  if (found?.mergedInto) found = (await leadStub(c.env, site, found.mergedInto).describe()) as LeadDescription | null;
  if (!found) throw new ApiError(404, "unknown_lead", "No such lead on this site");
  return c.json(found);
});

admin.delete("/v1/sites/:site/leads/:lead", async (c) => {
  const site = siteOf(c);
  let leadId = await resolveLeadRef(site, parseOr(leadRefSchema, c.req.param("lead")));
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
  return c.json({ erased: all });
});

admin.post("/v1/sites/:site/simulate", async (c) => {
  const site = siteOf(c);
  const body = parseOr(simulateRequestSchema, await readJson(c.req.raw, { maxBytes: MAX_SIMULATE_BYTES, types: ["application/json"] }));
  const config = body.config === undefined ? (await configOrFail(c.env, site)).config : validateConfig(c.env, body.config);
  const events: ScoringEvent[] = body.events.map((e, i) => ({
    id: e.id ?? `sim_${i}`,
    name: e.name,
    ts: e.timestamp,
    ...(e.url ? { url: e.url, path: e.path ?? pathOf(e.url) } : e.path ? { path: e.path } : {}),
    ...(e.referrer ? { referrer: e.referrer } : {}),
    ...(e.props ? { props: e.props } : {}),
    ...(e.traits ? { traits: e.traits } : {}),
  }));
  const result = simulate(events, config, body.until === undefined ? {} : { until: body.until });
  return c.json({ timeline: result.timeline, webhooks: result.timeline.flatMap((step) => step.changes) });
});

admin.get("/v1/sites/:site/webhooks/:endpoint/dead-letters", async (c) => {
  const site = siteOf(c);
  const endpoint = parseOr(endpointParamSchema, c.req.param("endpoint"));
  const letters = await siteStub(c.env, site).listDeadLetters(endpoint, 500);
  return c.json({ deadLetters: letters.map(({ body, ...rest }) => ({ ...rest, payload: JSON.parse(body) })) });
});

admin.post("/v1/sites/:site/webhooks/:endpoint/dead-letters/redeliver", async (c) => {
  const site = siteOf(c);
  const endpoint = parseOr(endpointParamSchema, c.req.param("endpoint"));
  const hasBody = (c.req.header("content-length") ?? "0") !== "0";
  const body = hasBody ? parseOr(redeliverRequestSchema, await readJson(c.req.raw, { maxBytes: 64 * 1024, types: ["application/json"] })) : {};
  const letters = (await siteStub(c.env, site).takeDeadLetters(endpoint, body.messageIds ?? null)) as DeadLetter[];
  const byLead = new Map<string, typeof letters>();
  for (const letter of letters) byLead.set(letter.leadId, [...(byLead.get(letter.leadId) ?? []), letter]);
  await Promise.all([...byLead].map(([leadId, ls]) => leadStub(c.env, site, leadId).requeue(ls)));
  return c.json({ redelivering: letters.length });
});
