/** Request and answer shapes of a lead's score history and its deliveries (the operator API). */
import { z } from "zod";
import { webhookCauseSchema } from "../webhooks/payload";

/** An instant in ms since the epoch, as a query parameter. */
const instantParam = z
  .string()
  .regex(/^\d{1,15}$/, "an instant in ms since the epoch, e.g. 1767225600000")
  .transform(Number);

export const historyQuerySchema = z
  .object({
    /** Start of the timeline (ms since the epoch); default: the lead's first point. */
    from: instantParam.optional(),
    /** End of the timeline (ms since the epoch); default: now. */
    to: instantParam.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: "`from` must not be after `to`", path: ["to"] });

const historyPointSchema = z.object({
  t: z.number(),
  score: z.number(),
  label: z.string(),
  stage: z.string(),
  model: z.string(),
  configVersion: z.number(),
  cause: webhookCauseSchema.optional().meta({ description: "On recorded points (an event, a crossing, a config change, a merge); absent on samples of the curve between them." }),
});

export const historyResponseSchema = z
  .object({
    leadId: z.string(),
    from: z.number(),
    to: z.number(),
    configVersion: z.number().meta({ description: "The config version in force now; each point names the one in force then." }),
    points: z.array(historyPointSchema),
    transitions: z.array(z.object({ t: z.number(), kind: z.enum(["label", "stage"]), from: z.string(), to: z.string(), cause: webhookCauseSchema })),
  })
  .meta({ description: "The lead's score over time: exact at every event and crossing, the decay curve sampled between, each label and stage transition with its cause." });

export const leadDeliveriesResponseSchema = z
  .object({
    deliveries: z.array(
      z.object({
        messageId: z.string(),
        endpointId: z.string(),
        type: z.string(),
        at: z.number().meta({ description: "The message's own instant (its timestamp), ms." }),
        state: z.enum(["pending", "retrying", "delivered", "dead"]),
        attempts: z.number(),
        settledAt: z.number().optional(),
        nextAt: z.number().optional(),
        lastError: z.string().optional(),
        previous: z.string().nullable().optional(),
        current: z.string().nullable().optional(),
      }),
    ),
  })
  .meta({ description: "Webhooks about the lead, newest first: the last 50 settled (delivered or dead-lettered) and those still in its outbox." });
