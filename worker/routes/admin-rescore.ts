/**
 * Re-score on publish, seen from the operator API: how far the re-score of the newest saved config
 * has got (see ../site/rescore.ts for the walk itself), and a dry run of a candidate config.
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { readJson } from "../http/body";
import { ApiError, parseOr } from "../http/errors";
import { leadStub } from "../lead/ids";
import type { RescorePreview } from "../lead/types";
import { siteStub } from "../site/config-cache";
import { mapBounded } from "../site/map-bounded";
import type { RescoreProgress } from "../site/rescore";
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

/** Lead ids read from the index per page of the preview's fan-out, and Lead objects asked at once. */
const PREVIEW_PAGE = 200;
const PREVIEW_CONCURRENCY = 16;
const MAX_PREVIEW_BYTES = 256 * 1024 + 1024;

adminRescore.post("/v1/sites/:site/rescore/preview", async (c) => {
  const site = siteOf(c);
  const body = parseOr(rescorePreviewRequestSchema, await readJson(c.req.raw, { maxBytes: MAX_PREVIEW_BYTES, types: ["application/json"] }));
  const config = validateConfig(c.env, body.config);
  const sites = siteStub(c.env, site);
  let total = 0;
  let failed = 0;
  const moved: RescorePreview[] = [];
  // Every lead is evaluated for the counts; only the page after `cursor` is listed.
  for (let after = ""; ; ) {
    const ids = (await sites.leadIdsAfter(after, PREVIEW_PAGE)) as string[];
    if (ids.length === 0) break;
    // Wrapped, so a lead that threw (null) is told from one with nothing to score ({ preview: null }).
    const answers = await mapBounded(ids, PREVIEW_CONCURRENCY, async (id) => ({ preview: (await leadStub(c.env, site, id).previewRescore(config)) as RescorePreview | null }));
    failed += answers.filter((a) => a === null).length;
    const previews = answers.flatMap((a) => (a?.preview ? [a.preview] : []));
    total += previews.length;
    moved.push(...previews.filter((p) => p.label !== null || p.stage !== null));
    after = ids[ids.length - 1]!;
  }
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
