/**
 * A lead's score history and the webhooks sent about it, from its Lead object. A merged anonymous
 * id answers with the lead it became, like every other lead route.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { ApiError, parseOr } from "../http/errors";
import { leadStub, resolveLeadRef } from "../lead/ids";
import { siteOf } from "./admin-config";
import { leadRefSchema } from "./admin-schema";
import { historyQuerySchema } from "./history-schema";

export const adminHistory = new Hono<{ Bindings: Env }>();

type Answer<T> = T | { mergedInto: string } | null;

/** Asks the lead's object, following a merged anonymous lead to the lead it became; 404 for none. */
async function askLead<T extends object>(env: Env, site: string, ref: string, ask: (stub: ReturnType<typeof leadStub>) => Promise<Answer<T>>): Promise<T> {
  let answer = await ask(leadStub(env, site, await resolveLeadRef(site, ref)));
  if (answer && "mergedInto" in answer) answer = await ask(leadStub(env, site, answer.mergedInto));
  if (!answer || "mergedInto" in answer) throw new ApiError(404, "unknown_lead", "No such lead on this site");
  return answer;
}

adminHistory.get("/v1/sites/:site/leads/:lead/history", async (c) => {
  const site = siteOf(c);
  const ref = parseOr(leadRefSchema, c.req.param("lead"));
  const query = parseOr(historyQuerySchema, c.req.query(), 422);
  const now = Date.now();
  const from = query.from ?? 0;
  const to = query.to ?? Math.max(now, from);
  return c.json(await askLead(c.env, site, ref, (stub) => stub.history(from, to) as Promise<Answer<object>>));
});

adminHistory.get("/v1/sites/:site/leads/:lead/deliveries", async (c) => {
  const site = siteOf(c);
  const ref = parseOr(leadRefSchema, c.req.param("lead"));
  return c.json(await askLead(c.env, site, ref, (stub) => stub.deliveries() as Promise<Answer<object>>));
});
