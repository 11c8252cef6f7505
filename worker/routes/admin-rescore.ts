/**
 * Re-score on publish, seen from the operator API: how far the re-score of the newest saved config
 * has got (see ../site/rescore.ts for the walk itself), and a dry run of a candidate config.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import type { RescorePreview } from "../lead/types";
import { siteStub } from "../site/config-cache";
import type { RescoreProgress } from "../site/rescore";
import { walkSiteLeads } from "../site/walk-leads";
import { siteOf, validateConfig } from "./admin-config";
import { rescorePreviewRequestSchema } from "./rescore-schema";

export const adminRescore = new Hono<{ Bindings: Env }>();

const iso = (ms: number) => new Date(ms).toISOString();

adminRescore.get("/v1/sites/:site/rescore", async (c) => {
  const site = siteOf(c);
  const progress = (await siteStub(c.env, site).rescoreProgress()) as RescoreProgress | null;
  if (!progress) throw new ApiError(404, "no_rescore", `No config of site "${site}" was saved since re-scoring began: save one to re-score its leads`);
  return c.json({ ...progress, startedAt: iso(progress.startedAt), finishedAt: progress.finishedAt === null ? null : iso(progress.finishedAt) });
});

const MAX_PREVIEW_BYTES = 256 * 1024 + 1024;

adminRescore.post("/v1/sites/:site/rescore/preview", async (c) => {
  const site = siteOf(c);
  const body = parseOr(rescorePreviewRequestSchema, await readJson(c.req.raw, { maxBytes: MAX_PREVIEW_BYTES, types: ["application/json"] }));
  const config = validateConfig(c.env, body.config);
  // Every lead is evaluated for the counts; only the page after `cursor` is listed.
  const walk = await walkSiteLeads(c.env, site, async (lead) => (await lead.previewRescore(config)) as RescorePreview | null);
  const total = walk.answers.length;
  const failed = walk.failed;
  const moved = walk.answers.filter((p) => p.label !== null || p.stage !== null);
  const listed = moved.filter((p) => body.cursor === undefined || p.leadId > body.cursor);
  const page = listed.slice(0, body.limit);
  return c.json({
    total,
    failed,
    changed: { label: moved.filter((p) => p.label).length, stage: moved.filter((p) => p.stage).length },
    leads: page,
    next: listed.length > page.length ? page[page.length - 1]!.leadId : null,
  });
});
