import { z } from "zod";

/** `?notify=false` on a config write applies the config silently: changes recorded, no webhooks. */
export const configWriteQuerySchema = z.object({
  notify: z.enum(["true", "false"]).default("true").meta({ description: "false: re-score every lead without sending the webhooks the change causes" }),
});

/** `GET /v1/sites/{site}/rescore`: the newest re-score's progress. */
export const rescoreProgressSchema = z.object({
  version: z.int().meta({ description: "The config version the leads are re-scored under" }),
  notify: z.boolean(),
  total: z.int().meta({ description: "Leads in the index when the re-score started" }),
  done: z.int(),
  changed: z.object({ label: z.int(), stage: z.int() }).meta({ description: "Leads whose label (stage) the new config changed, so far" }),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
});

/** `POST /v1/sites/{site}/rescore/preview`: a candidate config, and which page of the changed leads to list. */
export const rescorePreviewRequestSchema = z.object({
  config: z.unknown().meta({ description: "A whole SiteConfig, validated as a PUT would be and never saved" }),
  limit: z.int().min(1).max(500).default(100),
  cursor: z.string().min(1).max(64).optional().meta({ description: "The `next` of the page before" }),
});

const movedSchema = z.object({ from: z.string(), to: z.string() }).nullable();

export const rescorePreviewSchema = z.object({
  total: z.int().meta({ description: "Leads evaluated: every lead in the index" }),
  failed: z.int().meta({ description: "Leads that could not be evaluated (their object did not answer)" }),
  changed: z.object({ label: z.int(), stage: z.int() }),
  leads: z.array(z.object({ leadId: z.string(), label: movedSchema, stage: movedSchema })).meta({ description: "Leads that would change, in lead id order, after `cursor`" }),
  next: z.string().nullable().meta({ description: "Pass as `cursor` for the next page of changed leads; null on the last" }),
});
