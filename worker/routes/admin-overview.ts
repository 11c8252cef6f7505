import { Hono } from "hono";
import type { Env } from "../env";
import { requireAdmin } from "../http/auth";
import { ApiError, parseOr } from "../http/errors";
import { DEFAULT_DISQUALIFIED_LABEL } from "../scoring/compile";
import { loadSiteConfig, siteStub } from "../site/config-cache";
import { DEAD_LETTER_COUNT_CAP, LABEL_COUNT_CAP } from "./admin-console-schema";
import { siteParamSchema } from "./admin-schema";

/** The console's first page: leads per label now and the webhooks' health, in one request. */
export const adminOverview = new Hono<{ Bindings: Env }>();
adminOverview.use("/v1/sites/:site/overview", requireAdmin);

/** Every label a lead of this config can carry, in band order, models in config order; `bands` excludes the disqualified ones. */
function labelsOf(models: Array<{ labels: Array<{ name: string }>; disqualifiedLabel?: string }>): { all: string[]; bands: Set<string> } {
  const bands = new Set(models.flatMap((m) => m.labels.map((l) => l.name)));
  return { all: [...new Set([...bands, ...models.map((m) => m.disqualifiedLabel ?? DEFAULT_DISQUALIFIED_LABEL)])], bands };
}

adminOverview.get("/v1/sites/:site/overview", async (c) => {
  const { site } = parseOr(siteParamSchema, { site: c.req.param("site") });
  const stored = await loadSiteConfig(c.env, site, Date.now());
  if (!stored) throw new ApiError(404, "unknown_site", `No site "${site}" is configured`);
  const stub = siteStub(c.env, site);
  // The index keeps rows, not counts: count up to a cap per label rather than read a large site whole.
  const { all, bands } = labelsOf(stored.config.models);
  const counts = (await stub.countLabels(all, LABEL_COUNT_CAP + 1)) as number[];
  const labels = all.map((label, i) => ({ label, leads: Math.min(counts[i]!, LABEL_COUNT_CAP), atLeast: counts[i]! > LABEL_COUNT_CAP }));
  const disabled = new Set((await stub.disabledEndpoints()) as string[]);
  const letters = await Promise.all(stored.config.webhooks.map(async (e) => ((await stub.listDeadLetters(e.id, DEAD_LETTER_COUNT_CAP)) as unknown[]).length));
  return c.json({
    site,
    config: {
      version: stored.version,
      updatedAt: stored.updatedAt ? new Date(stored.updatedAt).toISOString() : null,
      models: stored.config.models.map((m) => ({ id: m.id, labels: m.labels.map((l) => l.name) })),
    },
    // A band shows even when empty; the disqualified label only when someone carries it.
    labels: labels.filter((l) => l.leads > 0 || bands.has(l.label)),
    endpoints: {
      total: stored.config.webhooks.length,
      disabled: stored.config.webhooks.filter((e) => disabled.has(e.id)).length,
      deadLetters: letters.reduce((a, b) => a + b, 0),
      deadLettersAtLeast: letters.some((n) => n >= DEAD_LETTER_COUNT_CAP),
    },
  });
});
