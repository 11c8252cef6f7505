/**
 * The config language's rules beyond "an event matched": absence rules (nothing happened for a while)
 * and combined rules (several things happened within a window). Documented in docs/CONFIG.md,
 * "Absence rules" and "Combined rules". Building blocks of schema.ts are reached through getters, as
 * in schema-visits.ts.
 */
import { z } from "zod";
import { capSchema, conditionSchema, decaySchema, durationSchema, whenSchema } from "./schema";

const ruleId = z.string().min(1).max(100);
const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

const absenceObject = () =>
  z
    .strictObject({
      after: durationSchema.meta({ description: "How long without activity before the rule fires." }),
      events: names.optional().meta({ description: 'The events that count as activity; default every event ("*").' }),
      visits: conditionSchema.optional().meta({ description: "A condition on the number of visits so far, e.g. 1: came once." }),
    })
    .meta({ id: "Absence" });
// Built on first use (see the file comment), once: JSON Schema generation needs one instance per id.
let absenceSchema: ReturnType<typeof absenceObject> | undefined;

export const absenceRuleSchema = z
  .strictObject({
    id: ruleId,
    description: z.string().optional(),
    get absence() {
      return (absenceSchema ??= absenceObject());
    },
    points: z.number().finite().max(0).meta({ description: "Points when it fires: zero or negative (absence never raises a score)." }),
    get cap() {
      return capSchema.optional();
    },
  })
  .meta({ id: "AbsenceRule", description: "Fires once per quiet spell, at the exact instant the spell reaches `after`." });

export const combinedStepSchema = z
  .strictObject({
    event: names.meta({ description: 'Event name(s); "*" matches any event.' }),
    get when() {
      return whenSchema.optional();
    },
  })
  .meta({ id: "CombinedStep" });

export const combinedRuleSchema = z
  .strictObject({
    id: ruleId,
    description: z.string().optional(),
    all: z.array(combinedStepSchema).min(2).max(10).meta({ description: "Steps that must all happen within `within`." }),
    inOrder: z.boolean().optional().meta({ description: "The steps must happen in the order listed; default false (any order)." }),
    get within() {
      return durationSchema;
    },
    points: z.number().finite().optional(),
    get cap() {
      return capSchema.optional();
    },
    get decay() {
      return decaySchema.optional();
    },
    disqualify: z.boolean().optional(),
    setStage: z.string().min(1).optional(),
  })
  .meta({ id: "CombinedRule", description: "Earns when every step has happened within the window; each earning uses its steps up." });

export type AbsenceRule = z.infer<typeof absenceRuleSchema>;
export type CombinedRule = z.infer<typeof combinedRuleSchema>;
export type CombinedStep = z.infer<typeof combinedStepSchema>;
