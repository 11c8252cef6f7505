/**
 * The scoring configuration language: one zod schema that validates what an operator PUTs and yields
 * the JSON Schema editors use (`z.toJSONSchema(scoringSchema)`). Documented item by item in docs/CONFIG.md.
 *
 * The schema has no transforms and no defaults, so a parsed config is exactly the JSON the operator
 * wrote (what GET answers is what PUT received); defaults are applied when the config is compiled.
 * Checks zod cannot express (duplicate ids, band order, regex and glob syntax...) live in issues.ts.
 */
import { z } from "zod";
import { absenceRuleSchema, combinedRuleSchema } from "./schema-time-rules";
import { visitCountSchema, visitSettingsSchema, visitWhenSchema } from "./schema-visits";
import { outcomesSchema } from "./schema-outcomes";

/** "90m", "36h", "7d", "2w", "30s", "500ms", or a number of hours. */
export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/;

export const durationSchema = z
  .union([
    z.number().positive("a number of hours above 0 (for no decay, write false or omit decay)"),
    z.string().regex(DURATION_PATTERN, 'a duration such as "90m", "36h", "7d" or a number of hours'),
  ], { error: (iss) => `expected a duration such as "90m", "36h", "7d" or a positive number of hours, got ${JSON.stringify(iss.input) ?? "nothing"}` })
  .meta({ description: 'A duration: "90m", "36h", "7d", "2w", or a number of hours.' });

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const oneOrMoreStrings = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** The object form of a condition: every test given must hold. */
export interface ConditionObject {
  equals?: string | number | boolean | null;
  in?: Array<string | number | boolean>;
  pattern?: string;
  flags?: string;
  gte?: number;
  lte?: number;
  gt?: number;
  lt?: number;
  exists?: boolean;
  endsWith?: string | string[];
  startsWith?: string | string[];
  contains?: string | string[];
  within?: Duration;
  olderThan?: Duration;
  not?: Condition;
}
/** A test on one value: a scalar (equals), an array (in), or an object of tests. */
export type Condition = string | number | boolean | null | Array<string | number | boolean> | ConditionObject;

export const conditionObjectSchema: z.ZodType<ConditionObject> = z
  .strictObject({
    equals: scalarSchema.optional(),
    in: z.array(z.union([z.string(), z.number(), z.boolean()])).optional(),
    pattern: z.string().min(1).max(500).optional(),
    flags: z.string().regex(/^[dgimsuvy]*$/, "regex flags: any of d g i m s u v y").optional(),
    gte: z.number().optional(),
    lte: z.number().optional(),
    gt: z.number().optional(),
    lt: z.number().optional(),
    exists: z.boolean().optional(),
    endsWith: oneOrMoreStrings.optional(),
    startsWith: oneOrMoreStrings.optional(),
    contains: oneOrMoreStrings.optional(),
    within: durationSchema.optional().meta({ description: 'A date within this long of now, before or after: "90d".' }),
    olderThan: durationSchema.optional().meta({ description: 'A date more than this long ago: "30d".' }),
    get not(): z.ZodOptional<z.ZodType<Condition>> {
      return conditionSchema.optional();
    },
  })
  .meta({ id: "ConditionObject", description: "Every test given must hold. Strings compare case-insensitively." });

export const conditionSchema: z.ZodType<Condition> = z
  .union([scalarSchema, z.array(z.union([z.string(), z.number(), z.boolean()])), conditionObjectSchema])
  .meta({ id: "Condition", description: "A scalar (equals), an array (in), or an object of tests." });

export const CHANNELS = ["paid", "organic", "social", "email", "referral", "direct"] as const;
export const CONTENT_STAGES = ["TOFU", "MOFU", "BOFU"] as const;

const channelSchema = z.enum(CHANNELS);
const contentStageSchema = z.enum(CONTENT_STAGES);

export const whenSchema = z
  .strictObject({
    path: oneOrMoreStrings.optional().meta({ description: 'URL path glob(s), e.g. "/pricing*", "/docs/**".' }),
    props: z.record(z.string(), conditionSchema).optional(),
    channel: z.union([channelSchema, z.array(channelSchema).min(1)]).optional(),
    utmSource: oneOrMoreStrings.optional(),
    utmMedium: oneOrMoreStrings.optional(),
    utmCampaign: oneOrMoreStrings.optional(),
    stage: z.union([contentStageSchema, z.array(contentStageSchema).min(1)]).optional(),
    visit: visitWhenSchema.optional(),
    visits: visitCountSchema.optional(),
  })
  .meta({ description: "Conditions on the event; all given must hold." });

export const capSchema = z
  .union(
    [
      z.literal("once"),
      z.strictObject({
        max: z.int().min(1),
        per: z.enum(["hour", "day", "week"]).optional(),
      }),
    ],
    { error: (iss) => `expected a cap: "once", { "max": N } (N times ever) or { "max": N, "per": "hour" | "day" | "week" }, got ${JSON.stringify(iss.input)}` },
  )
  .meta({ description: '"once", { max: N } ever, or { max: N, per: "hour"|"day"|"week" } in UTC buckets.' });

const DECAY_ERROR = (iss: { input?: unknown }) =>
  `expected decay: false (no decay), a half-life such as "7d", or { "halfLife": "7d" }, got ${JSON.stringify(iss.input)}`;

export const decaySchema = z
  .union([z.literal(false), durationSchema, z.strictObject({ halfLife: durationSchema })], { error: DECAY_ERROR })
  .meta({ description: 'false (no decay), a half-life ("7d"), or { halfLife: "7d" }.' });

const ruleId = z.string().min(1).max(100);

export const behaviourRuleSchema = z
  .strictObject({
    id: ruleId,
    description: z.string().optional(),
    event: oneOrMoreStrings.meta({ description: 'Event name(s); "*" matches any event.' }),
    when: whenSchema.optional(),
    points: z.number().finite().optional(),
    cap: capSchema.optional(),
    decay: decaySchema.optional(),
    disqualify: z.boolean().optional(),
    setStage: z.string().min(1).optional(),
  })
  .meta({ id: "BehaviourRule" });

export const fitRuleSchema = z
  .strictObject({
    id: ruleId,
    description: z.string().optional(),
    trait: z.string().min(1).meta({ description: 'Trait name; dots reach into objects ("address.country").' }),
    match: conditionSchema,
    points: z.number().finite().optional(),
    disqualify: z.boolean().optional(),
  })
  .meta({ id: "FitRule" });

export const ruleSchema = z.union([behaviourRuleSchema, fitRuleSchema, absenceRuleSchema, combinedRuleSchema]);

export const bandSchema = z.strictObject({
  name: z.string().min(1).max(60),
  min: z.number().finite().optional(),
});

/** Conditions on traits; an array means any of its entries. */
export const audienceSchema = z
  .union([
    z.record(z.string(), conditionSchema),
    z.array(z.record(z.string(), conditionSchema)).min(1),
  ])
  .meta({ description: "Trait conditions (all must hold); an array of them means any entry." });

export const modelSchema = z
  .strictObject({
    id: z.string().min(1).max(60),
    description: z.string().optional(),
    audience: audienceSchema.optional(),
    combine: z.enum(["sum", "separate"]).optional(),
    scale: z.strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() }).optional(),
    decay: z.union([z.literal(false), durationSchema, z.strictObject({ halfLife: durationSchema })], { error: DECAY_ERROR }).optional(),
    contentStages: z
      .strictObject({
        TOFU: oneOrMoreStrings.optional(),
        MOFU: oneOrMoreStrings.optional(),
        BOFU: oneOrMoreStrings.optional(),
      })
      .optional(),
    rules: z.array(ruleSchema),
    labels: z.array(bandSchema).min(1),
    stages: z.array(bandSchema).min(1).optional(),
    grades: z.array(bandSchema).min(1).optional(),
    hysteresis: z.number().finite().min(0).optional(),
    disqualifiedLabel: z.string().min(1).max(60).optional(),
    visits: visitSettingsSchema.optional(),
    outcomes: outcomesSchema.optional(),
  })
  .meta({ id: "Model" });

/** The scoring part of a site config, as a plain object schema so the site layer can `.extend()` it. */
export const scoringObjectSchema = z.object({
  models: z.array(modelSchema).min(1),
});

/** The schema of a scoring configuration: `{ models: Model[] }`. */
export const scoringSchema: z.ZodType<z.infer<typeof scoringObjectSchema>> = scoringObjectSchema;

export type ScoringConfig = z.infer<typeof scoringObjectSchema>;
export type Model = z.infer<typeof modelSchema>;
export type Rule = z.infer<typeof ruleSchema>;
export type BehaviourRule = z.infer<typeof behaviourRuleSchema>;
export type FitRule = z.infer<typeof fitRuleSchema>;
export type { AbsenceRule, CombinedRule, CombinedStep } from "./schema-time-rules";
export type { VisitCount, VisitSettings, VisitWhen } from "./schema-visits";
export type { OutcomeTrigger, Outcomes } from "./schema-outcomes";
export { absenceRuleSchema, combinedRuleSchema, visitCountSchema, visitSettingsSchema, visitWhenSchema };
export type Band = z.infer<typeof bandSchema>;
export type When = z.infer<typeof whenSchema>;
export type Cap = z.infer<typeof capSchema>;
export type Duration = z.infer<typeof durationSchema>;
export type Channel = (typeof CHANNELS)[number];
export type ContentStage = (typeof CONTENT_STAGES)[number];
