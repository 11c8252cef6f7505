/**
 * The webhook body: `{ type, timestamp, data }` (CONTRACT.md §3). One schema serves the sender, which
 * validates what it is about to sign, and receivers or the inspector, which parse what arrived.
 */
import { z } from "zod";

export { newMessageId, MESSAGE_ID_PATTERN, MESSAGE_ID_PREFIX } from "./message-id";

/** Every type an endpoint can subscribe to. Adding one is additive; renaming one breaks receivers. */
export const WEBHOOK_TYPES = ["lead.label_changed", "lead.stage_changed", "lead.grade_changed", "lead.disqualified", "lead.promo_issued"] as const;
export type WebhookType = (typeof WEBHOOK_TYPES)[number];

export const webhookLeadSchema = z.object({
  id: z.string().min(1),
  /** Set once the lead identified itself (usually an e-mail address). */
  userId: z.string().min(1).optional(),
  /** False while the lead rests on an unverified identify only; absent on anonymous leads. */
  verified: z.boolean().optional(),
  /** Every browser/device id merged into this lead. */
  anonymousIds: z.array(z.string().min(1)),
  score: z.number().finite(),
  label: z.string().min(1),
  stage: z.string().min(1),
  /** The fit grade, when the lead's model has grades (`combine: "separate"` reports fit only here). */
  grade: z.string().min(1).optional(),
  /** The model that scores the lead (its audience matched); names the vocabulary of label, stage and grade. */
  model: z.string().min(1).optional(),
  traits: z.record(z.string(), z.unknown()),
});

export const webhookCauseSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("event"), event: z.object({ id: z.string().min(1), name: z.string().min(1) }) }),
  /** The score decayed across a band boundary with no event: the Durable Object alarm fired. */
  z.object({ kind: z.literal("decay") }),
  /** An absence rule ("no activity for 30 days") fired at its instant, with no event. */
  z.object({ kind: z.literal("absence"), rule: z.string().min(1).optional() }),
  /** Time alone turned a relative trait condition (`within`, `olderThan`) true or false. */
  z.object({ kind: z.literal("time") }),
  /** An operator acted on the lead: adjusted its points or lifted its disqualification, with a reason. */
  z.object({ kind: z.literal("operator"), action: z.enum(["adjust", "requalify"]).optional(), reason: z.string().optional() }),
  /** Two leads were merged (identify/alias) and the merged score changed the value. */
  z.object({ kind: z.literal("merge") }),
  /** The site's scoring config changed and re-scoring the lead changed the value. */
  z.object({ kind: z.literal("config") }),
]);

export const webhookContributionSchema = z.object({ rule: z.string().min(1), points: z.number().finite() });

export const webhookDataSchema = z.object({
  site: z.string().min(1),
  lead: webhookLeadSchema,
  /**
   * The value before and after, for the field the type names: the label for `lead.label_changed`, the
   * stage for `lead.stage_changed`, the grade for `lead.grade_changed`, the label for `lead.disqualified` (before, and after disqualifying),
   * and for `lead.promo_issued` null before and the code after. Null means "none yet".
   */
  previous: z.string().nullable(),
  current: z.string().nullable(),
  /** Up or down the model's bands, stages or grades; always present on `lead.label_changed` and `lead.grade_changed`. */
  direction: z.enum(["up", "down"]).optional(),
  cause: webhookCauseSchema,
  /** The rules that contributed most to the score, largest first. */
  topContributions: z.array(webhookContributionSchema),
  promo: z.object({ code: z.string().min(1) }).optional(),
});

export const webhookPayloadSchema = z
  .object({
    type: z.enum(WEBHOOK_TYPES),
    /** When the change happened (ISO 8601, UTC), not when this attempt was sent. */
    timestamp: z.iso.datetime(),
    data: webhookDataSchema,
  })
  .superRefine((payload, ctx) => {
    // Per-type requirements kept as data-level checks so every type shares one `data` shape.
    if ((payload.type === "lead.label_changed" || payload.type === "lead.grade_changed") && payload.data.direction === undefined) {
      ctx.addIssue({ code: "custom", path: ["data", "direction"], message: `${payload.type} says up or down` });
    }
    if (payload.type === "lead.promo_issued" && payload.data.promo === undefined) {
      ctx.addIssue({ code: "custom", path: ["data", "promo"], message: "lead.promo_issued carries the promo code" });
    }
  });

export type WebhookCause = z.infer<typeof webhookCauseSchema>;
export type WebhookLead = z.infer<typeof webhookLeadSchema>;
export type WebhookData = z.infer<typeof webhookDataSchema>;
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;

export interface BuildWebhookBodyInput {
  type: WebhookType;
  /** When the change happened, in milliseconds. */
  at: number;
  data: WebhookData;
}

/**
 * Validates and serializes one webhook body. The returned text is what gets signed and sent, unchanged,
 * on every attempt. Throws on invalid data: the engine produced it, so that is a bug.
 *
 * @example
 * buildWebhookBody({
 *   type: "lead.label_changed",
 *   at: Date.UTC(2025, 0, 1),
 *   data: { site: "demo", lead, previous: "warm", current: "hot", direction: "up",
 *           cause: { kind: "event", event: { id: "evt_1", name: "cart_add" } }, topContributions: [] },
 * }) // '{"type":"lead.label_changed","timestamp":"2025-01-01T00:00:00.000Z","data":{…}}'
 */
export function buildWebhookBody({ type, at, data }: BuildWebhookBodyInput): string {
  const payload = webhookPayloadSchema.parse({ type, timestamp: new Date(at).toISOString(), data });
  return JSON.stringify(payload);
}

/**
 * Parses a received body; for receivers, the inspector and tests.
 *
 * @example
 * const parsed = parseWebhookBody(await request.text());
 * if (parsed.success) console.log(parsed.data.type);
 */
export function parseWebhookBody(text: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return webhookPayloadSchema.safeParse(undefined);
  }
  return webhookPayloadSchema.safeParse(json);
}
