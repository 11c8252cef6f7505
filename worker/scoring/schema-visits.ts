/**
 * The visit part of the config language: when a visit starts (model `visits`), conditions on the
 * current visit (`when.visit`) and counting visits in a window (`when.visits`). Documented in
 * docs/CONFIG.md, "Visits".
 *
 * schema.ts imports this file and this file reads schema.ts's building blocks, so those are reached
 * through getters (zod reads a shape's getters lazily): either file may be loaded first.
 */
import { z } from "zod";
import { CHANNELS, conditionSchema, durationSchema } from "./schema";

const globs = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);
const channelUnion = () => z.union([z.enum(CHANNELS), z.array(z.enum(CHANNELS)).min(1)]);
let channelList: ReturnType<typeof channelUnion> | undefined;
const channels = () => (channelList ??= channelUnion());

/** How a model cuts a lead's events into visits. */
export const visitSettingsSchema = z
  .strictObject({
    get timeout() {
      return durationSchema.optional().meta({ description: 'Inactivity that ends a visit; default "30m".' });
    },
    newOnCampaign: z.boolean().optional().meta({ description: "A new campaign (source, medium, campaign or channel) starts a new visit; default true." }),
  })
  .meta({ id: "VisitSettings", description: "When a new visit starts: after `timeout` without events, or on a new campaign." });

/** Conditions on the visit an event belongs to. */
export const visitWhenSchema = z
  .strictObject({
    get number() {
      return conditionSchema.optional().meta({ description: "The visit's number: 1 for the first, { gte: 2 } for a returning visitor." });
    },
    landing: globs.optional().meta({ description: "Path glob(s) of the visit's first page." }),
    get channel() {
      return channels().optional().meta({ description: "The channel the visit came from." });
    },
  })
  .meta({ id: "VisitCondition", description: "Conditions on the current visit; all given must hold." });

/** How many visits started in a window ending at the event. */
export const visitCountSchema = z
  .strictObject({
    atLeast: z.int().min(1).optional(),
    atMost: z.int().min(0).optional(),
    get within() {
      return durationSchema;
    },
  })
  .meta({ id: "VisitCount", description: 'Visits started in the window ending at the event, e.g. { "atLeast": 3, "within": "7d" }.' });

export type VisitSettings = z.infer<typeof visitSettingsSchema>;
export type VisitWhen = z.infer<typeof visitWhenSchema>;
export type VisitCount = z.infer<typeof visitCountSchema>;
