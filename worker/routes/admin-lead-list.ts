/**
 * `GET /v1/sites/{site}/leads`: every lead with history, highest score *now* first (decay included),
 * filtered by label, stage and model, searched by `q`, a page at a time. Pages of one listing score
 * at the instant its first page was taken, so paging on never shows a lead twice or skips one that
 * stayed as it was; a lead that re-indexed in between may move.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { parseOr } from "../http/errors";
import { resolveLeadRef } from "../lead/ids";
import type { LeadListPage } from "../site/lead-index";
import { siteStub } from "../site/config-cache";
import { siteOf } from "./admin-config";
import { encodeLeadCursor, filtersOf, leadListQuerySchema } from "./lead-list-schema";

export const adminLeadList = new Hono<{ Bindings: Env }>();

adminLeadList.get("/v1/sites/:site/leads", async (c) => {
  const site = siteOf(c);
  const query = parseOr(leadListQuerySchema, c.req.query(), 422);
  const at = query.cursor?.at ?? Date.now();
  // An exact anonymous id or e-mail names one lead by its hash: found even where no prefix matches.
  const exactLeadId = query.q === undefined ? undefined : await resolveLeadRef(site, query.q);
  const page = (await siteStub(c.env, site).listLeads({
    ...(query.label !== undefined ? { label: query.label } : {}),
    ...(query.stage !== undefined ? { stage: query.stage } : {}),
    ...(query.model !== undefined ? { model: query.model } : {}),
    ...(query.q !== undefined ? { q: query.q, exactLeadId } : {}),
    limit: query.limit,
    at,
    ...(query.cursor ? { after: { score: query.cursor.score, leadId: query.cursor.leadId } } : {}),
  })) as LeadListPage;
  const last = page.leads.at(-1);
  const next = page.more && last ? encodeLeadCursor({ at, score: last.score, leadId: last.leadId, filters: filtersOf(query) }) : null;
  return c.json({ leads: page.leads, next, at });
});
