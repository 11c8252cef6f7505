/**
 * The model report and backtest at the boundary: their query and body schemas (which validate
 * requests and describe them in the OpenAPI document) and their answers' shapes.
 */
import { z } from "zod";

const DAY_MS = 86_400_000;
/** The longest period one report covers: two years of weeks. */
export const MAX_REPORT_DAYS = 731;

/** An instant as a date ("2026-11-02") or an ISO 8601 date-time with offset. */
const instant = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], { error: 'expected a date ("2026-11-02") or an ISO 8601 date-time' })
  .transform((s) => Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));

const periodShape = {
  from: instant.optional().meta({ description: "Start of the period (leads first seen from then on); default: 90 days before `to`" }),
  to: instant.optional().meta({ description: "End of the period (exclusive); default: now" }),
  model: z.string().min(1).max(60).optional().meta({ description: "The model to report on; default: the first model with outcomes" }),
};

/** Both ends of a period given, in order, and no longer than MAX_REPORT_DAYS. */
function periodIssues(p: { from?: number; to?: number }, ctx: z.RefinementCtx): void {
  if (p.from !== undefined && p.to !== undefined && p.from >= p.to) ctx.addIssue({ code: "custom", path: ["to"], message: "`to` must be after `from`" });
  else if (p.from !== undefined && p.to !== undefined && p.to - p.from > MAX_REPORT_DAYS * DAY_MS) {
    ctx.addIssue({ code: "custom", path: ["from"], message: `a report covers at most ${MAX_REPORT_DAYS} days` });
  }
}

/** `GET /v1/sites/{site}/report?from=&to=&model=`. */
export const reportQuerySchema = z.object(periodShape).superRefine(periodIssues);

/** `POST /v1/sites/{site}/backtest`: a candidate config, the period, and which leads to replay. */
export const backtestRequestSchema = z
  .object({
    config: z.unknown().meta({ description: "A whole SiteConfig, validated as a PUT would be and never saved" }),
    ...periodShape,
    sample: z.int().min(1).max(100_000).optional().meta({ description: "Replay this many leads drawn at random (seeded) instead of all" }),
    seed: z.int().min(0).max(2 ** 31 - 1).default(1).meta({ description: "The seed of the sample: the same seed draws the same leads" }),
    limit: z.int().min(1).max(500).default(100).meta({ description: "Changed leads listed per page" }),
    cursor: z.string().min(1).max(64).optional().meta({ description: "The `next` of the page before" }),
  })
  .superRefine(periodIssues);

const rate = z.number().nullable();
const bandSchema = z.object({ name: z.string(), leads: z.int(), conversions: z.int(), rate, lift: rate.meta({ description: "rate / base rate" }) });

/** A model report's figures: the same shape live and in each side of a backtest. */
export const reportSchema = z
  .object({
    model: z.string().nullable(),
    status: z.enum(["ok", "no_outcomes_configured", "no_outcomes_yet"]),
    message: z.string().meta({ description: "What the figures rest on, or why there are none" }),
    horizon: z.string().nullable(),
    scoreBucket: z.number().meta({ description: "Width (points) of the score histogram the AUC is read from" }),
    leads: z.int().meta({ description: "Leads first seen in the period whose horizon has closed (converted, lost or negative)" }),
    conversions: z.int(),
    baseRate: rate,
    auc: rate.meta({ description: "AUC of the peak score for converting within the horizon" }),
    labels: z.array(
      bandSchema.extend({
        precision: rate.meta({ description: "Of leads that reached this label or higher, the share that converted" }),
        recall: rate.meta({ description: "Of converting leads, the share that reached this label or higher first" }),
        medianTimeToConversionMs: z.number().nullable(),
      }),
    ),
    stages: z.array(bandSchema),
    weeks: z.array(z.object({ week: z.iso.date(), leads: z.int(), conversions: z.int(), rate, auc: rate, complete: z.boolean() })),
  })
  .meta({ id: "ModelReportFigures" });

export const reportResponseSchema = reportSchema.extend({
  site: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
});

const labelMove = z.object({ leadId: z.string(), from: z.string(), to: z.string(), score: z.object({ current: z.number(), candidate: z.number() }) });

export const backtestResponseSchema = z.object({
  site: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  leads: z.object({
    total: z.int().meta({ description: "Leads in the site's index" }),
    replayed: z.int().meta({ description: "Leads replayed: all, or the sample" }),
    failed: z.int().meta({ description: "Leads whose object did not answer" }),
  }),
  current: reportSchema,
  candidate: reportSchema,
  changed: z.object({
    count: z.int().meta({ description: "Replayed leads whose label now would differ under the candidate" }),
    leads: z.array(labelMove).meta({ description: "A page of them, in lead id order, after `cursor`" }),
    next: z.string().nullable(),
  }),
});

/** `GET /v1/sites/{site}/label-changes?days=`: label changes per UTC day, for the console's overview. */
export const labelChangesQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(400).default(30),
});

export const labelChangesResponseSchema = z.object({
  site: z.string(),
  days: z.array(z.object({ date: z.iso.date(), changes: z.record(z.string(), z.int()).meta({ description: "Leads that moved into each label that day" }) })),
});
