import { z } from "zod";
import { siteIdSchema } from "../site/config";

/**
 * Truncates rather than rejects: one long URL or textarea must not cost the visitor's whole batch
 * (an identify included), and the 64 KB body limit already bounds the total.
 */
const clipped = (max: number) => z.string().transform((s) => (s.length > max ? s.slice(0, max) : s));

/** Props and traits are flat: nested objects are where payload abuse hides and no rule needs them. */
export const flatValueSchema = z.union([clipped(1000), z.number(), z.boolean(), z.null()]);
export const flatRecordSchema = z
  .record(z.string().min(1).max(64), flatValueSchema)
  .refine((r) => Object.keys(r).length <= 50, "At most 50 keys");

/** The snippet's event, short keys (see docs/WIRE.md). */
export const wireEventSchema = z.object({
  i: z.string().regex(/^[\w-]{1,64}$/, "An event id of 1-64 letters, digits, '-' or '_'"),
  k: z.enum(["p", "t", "i"]),
  n: z.string().min(1).max(64),
  t: z.number().int().min(0).max(8.64e15),
  l: clipped(2048).optional(),
  r: clipped(2048).optional(),
  p: flatRecordSchema.optional(),
  tr: flatRecordSchema.optional(),
  /**
   * identify's options, as the page passed them: `signature` is the identity token the site's back
   * end made for the user id (worker/identity/token.ts). Anything else in them is dropped, and options
   * that are not an object leave the identify unverified rather than losing the visitor's batch.
   */
  o: z.object({ signature: z.string().max(256).optional().catch(undefined) }).optional().catch(undefined),
});

/** A batch of one visitor's events, as the snippet posts it to `/e`. */
export const collectBatchSchema = z.object({
  s: siteIdSchema,
  a: z.string().regex(/^[\w-]{8,64}$/, "An anonymous id of 8-64 letters, digits, '-' or '_'"),
  u: z.string().trim().min(1).max(256).optional(),
  e: z.array(wireEventSchema).min(1).max(50),
});

export type CollectBatch = z.infer<typeof collectBatchSchema>;
export type WireEvent = z.infer<typeof wireEventSchema>;

/** The collect answer the snippet reads. */
export const collectResponseSchema = z.object({
  /** `grade` only when the lead's model has grades (always with `combine: "separate"`). */
  lead: z.object({ id: z.string(), score: z.number(), label: z.string(), stage: z.string(), grade: z.string().optional() }),
  actions: z.array(z.object({ type: z.literal("promo"), code: z.string() })),
  accepted: z.number(),
  duplicates: z.number(),
  /** Events dropped because only the site's servers may send them (the config's `serverOnlyEvents`). */
  ignored: z.number(),
});
