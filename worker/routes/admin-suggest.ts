/**
 * Suggested weights from the operator API: every lead of the site replays its own events under the
 * config in force and answers its row (hits before its outcome, converted or not); ../model/suggest.ts
 * fits and judges. The live config is never changed: the answer carries a candidate to backtest.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import { leadStub } from "../lead/ids";
import { suggestWeights, type LeadRow } from "../model/suggest";
import { siteStub } from "../site/config-cache";
import { mapBounded } from "../site/map-bounded";
import { configOrFail, siteOf } from "./admin-config";
import { suggestRequestSchema } from "./suggest-schema";

export const adminSuggest = new Hono<{ Bindings: Env }>();

/** Lead ids read from the index per page of the fan-out, and Lead objects asked at once. */
const SUGGEST_PAGE = 200;
const SUGGEST_CONCURRENCY = 16;
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

  const sites = siteStub(c.env, site);
  const rows: LeadRow[] = [];
  let total = 0;
  let failed = 0;
  for (let after = ""; ; ) {
    const ids = (await sites.leadIdsAfter(after, SUGGEST_PAGE)) as string[];
    if (ids.length === 0) break;
    // Wrapped, so a lead that threw (null) is told from one with no decided outcome ({ row: null }).
    const answers = await mapBounded(ids, SUGGEST_CONCURRENCY, async (id) => ({ row: (await leadStub(c.env, site, id).suggestionRow(config, model)) as LeadRow | null }));
    total += ids.length;
    failed += answers.filter((a) => a === null).length;
    rows.push(...answers.flatMap((a) => (a?.row ? [a.row] : [])));
    after = ids[ids.length - 1]!;
  }
  const suggestion = suggestWeights(config, model, rows, { trainFraction: body.trainFraction, seed: body.seed, l2: body.l2 });
  return c.json({ ...suggestion, leads: { total, decided: rows.length, failed } });
});
