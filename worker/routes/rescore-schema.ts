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
