/**
 * The outcome part of the config language: what counts as a conversion (or a loss) for a model, and
 * the horizon a prediction is judged over. Documented in docs/CONFIG.md, "Outcomes"; read by
 * worker/outcomes/outcome.ts.
 *
 * schema.ts imports this file and this file reads schema.ts's building blocks, so those are reached
 * through getters (zod reads a shape's getters lazily): either file may be loaded first.
 */
import { z } from "zod";
import { conditionSchema, durationSchema } from "./schema";

/** One way a lead converts (or is lost): an event by name, reaching a stage, or a trait matching. */
export const outcomeTriggerSchema = z
  .union(
    [
      z.strictObject({ event: z.string().min(1).meta({ description: 'An event name, e.g. "purchase" or "Order Completed".' }) }),
      z.strictObject({ stage: z.string().min(1).meta({ description: "A stage of this model: the instant the lead's stage becomes it." }) }),
      z.strictObject({
        trait: z.string().min(1).meta({ description: 'A trait name (dots reach into objects), e.g. "crm_status".' }),
        get match() {
          return conditionSchema;
        },
      }),
    ],
    {
      error: (iss) =>
        `expected { "event": NAME }, { "stage": NAME } or { "trait": NAME, "match": CONDITION }, got ${JSON.stringify(iss.input) ?? "nothing"}`,
    },
  )
  .meta({ id: "OutcomeTrigger", description: "An event, a stage reached, or a trait (set through identify) matching a condition." });

/** A model's outcomes: what counts as converting, what as lost, and the horizon. */
export const outcomesSchema = z
  .strictObject({
    get horizon() {
      return durationSchema.meta({ description: 'How long after its first event a lead has to convert, e.g. "30d".' });
    },
    conversion: z.array(outcomeTriggerSchema).min(1).meta({ description: "Any of these converts the lead." }),
    loss: z.array(outcomeTriggerSchema).min(1).optional().meta({ description: "Any of these ends the lead's horizon as a negative." }),
  })
  .meta({ id: "Outcomes", description: "What a conversion is for this model, and how long a lead has to convert." });

export type OutcomeTrigger = z.infer<typeof outcomeTriggerSchema>;
export type Outcomes = z.infer<typeof outcomesSchema>;
