/**
 * Re-score on publish, seen from the operator API: how far the re-score of the newest saved config
 * has got (see ../site/rescore.ts for the walk itself).
 */
import { Hono } from "hono";
import type { Env } from "../env";
import { ApiError } from "../http/errors";
import { siteStub } from "../site/config-cache";
import type { RescoreProgress } from "../site/rescore";
import { siteOf } from "./admin-config";

export const adminRescore = new Hono<{ Bindings: Env }>();

const iso = (ms: number) => new Date(ms).toISOString();

adminRescore.get("/v1/sites/:site/rescore", async (c) => {
  const site = siteOf(c);
  const progress = (await siteStub(c.env, site).rescoreProgress()) as RescoreProgress | null;
  if (!progress) throw new ApiError(404, "no_rescore", `No config of site "${site}" was saved since re-scoring began: save one to re-score its leads`);
  return c.json({ ...progress, startedAt: iso(progress.startedAt), finishedAt: progress.finishedAt === null ? null : iso(progress.finishedAt) });
});
