/**
 * Suggested weights from the operator API: every lead of the site replays its own events under the
 * config in force and answers its row (hits before its outcome, converted or not); ../model/suggest.ts
 * fits and judges. The live config is never changed: the answer carries a candidate to backtest.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import { suggestWeights, type LeadRow } from "../model/suggest";
import { sampleIds } from "../site/sample";
import { walkSiteLeads, type LeadStub } from "../site/walk-leads";
import { configOrFail, siteOf } from "./admin-config";
import { suggestRequestSchema } from "./suggest-schema";

export const adminSuggest = new Hono<{ Bindings: Env }>();

const MAX_SUGGEST_BYTES = 4 * 1024;

adminSuggest.post("/v1/sites/:site/suggest", async (c) => {
  const site = siteOf(c);
  // No body at all takes every default, as a bare `curl -X POST` would expect.
  const empty = c.req.raw.body === null || c.req.header("content-length") === "0";
  const body = parseOr(suggestRequestSchema, empty ? {} : await readJson(c.req.raw, { maxBytes: MAX_SUGGEST_BYTES, types: ["application/json"] }), 422);
  const { config } = await configOrFail(c.env, site);
  const model = body.model ?? config.models[0]!.id;
  const source = config.models.find((m) => m.id === model);
  if (!source) throw new ApiError(422, "unknown_model", `No model "${model}" in the site's config`, [{ path: "$.model", message: `expected one of ${config.models.map((m) => JSON.stringify(m.id)).join(", ")}` }]);
  if (!source.outcomes) throw new ApiError(422, "no_outcomes", `Model "${model}" names no outcomes: add "outcomes" to it (docs/CONFIG.md) so conversions can be told`, [{ path: "$.model", message: "this model has no outcomes" }]);

  // A sample is drawn from every id of the index, as the backtest draws it: the same seed asks the same leads.
  const { sample, seed } = body;
  const ask = async (lead: LeadStub) => (await lead.suggestionRow(config, model)) as LeadRow | null;
  const walk = await walkSiteLeads(c.env, site, ask, sample === undefined ? {} : { choose: (ids) => sampleIds(ids, sample, seed) });
  const rows = walk.answers;
  const suggestion = suggestWeights(config, model, rows, { trainFraction: body.trainFraction, seed, l2: body.l2 });
  return c.json({ ...suggestion, leads: { total: walk.total, asked: walk.asked, decided: rows.length, failed: walk.failed } });
});
