/**
 * `GET /v1/sites/{site}/leads`: the query, its cursor and the answer. The cursor names the instant
 * the listing scores at and the last row of the page before, and the filters it was made for: a
 * cursor passed with other filters is refused rather than silently paging another listing.
 */
import { z } from "zod";
import { decodeJsonCursor, encodeJsonCursor } from "../http/cursor";

/** Where the previous page of a listing ended. */
export interface LeadListCursor {
  at: number;
  score: number;
  leadId: string;
  /** The filters the listing was made with (see `filtersOf`). */
  filters: string;
}

const cursorTupleSchema = z.tuple([z.number().int().nonnegative(), z.number().finite(), z.string().min(1).max(200), z.string().max(400)]);

/**
 * The cursor as an opaque string, and back.
 *
 * @example encodeLeadCursor({ at: 1767225600000, score: 42, leadId: "a_…", filters: "||||" })
 */
export function encodeLeadCursor(cursor: LeadListCursor): string {
  return encodeJsonCursor([cursor.at, cursor.score, cursor.leadId, cursor.filters]);
}

const cursorSchema = z
  .string()
  .min(1)
  .max(1200)
  .transform((text, ctx): LeadListCursor => {
    const parsed = cursorTupleSchema.safeParse(decodeJsonCursor(text));
    if (!parsed.success) {
      ctx.addIssue({ code: "custom", message: "Not a cursor this API answered: pass `next` from the previous page" });
      return z.NEVER;
    }
    const [at, score, leadId, filters] = parsed.data;
    return { at, score, leadId, filters };
  });

const nameSchema = z.string().min(1).max(64);

/** The filters of a query as one string, so a cursor can tell it was made for them. */
export function filtersOf(query: { label?: string | undefined; stage?: string | undefined; model?: string | undefined; q?: string | undefined }): string {
  return JSON.stringify([query.label ?? null, query.stage ?? null, query.model ?? null, query.q ?? null]);
}

export const leadListQuerySchema = z
  .object({
    label: nameSchema.optional(),
    stage: nameSchema.optional(),
    model: nameSchema.optional(),
    /** A prefix of the e-mail (user id) or lead id, or an exact anonymous id. */
    q: z.string().trim().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** `next` from the previous page (opaque); absent for the first page. */
    cursor: cursorSchema.optional(),
  })
  .superRefine((query, ctx) => {
    if (query.cursor && query.cursor.filters !== filtersOf(query)) {
      ctx.addIssue({ code: "custom", path: ["cursor"], message: "This cursor belongs to a listing with other filters: pass the same label, stage, model and q" });
    }
  });

/** One lead of a listing: its score now (decay included), as the index computes it. */
export const listedLeadSchema = z.object({
  leadId: z.string(),
  userId: z.string().nullable(),
  score: z.number(),
  label: z.string(),
  stage: z.string(),
  model: z.string(),
  updatedAt: z.number(),
});

export const leadListResponseSchema = z.object({
  leads: z.array(listedLeadSchema),
  /** The following page's cursor, or null on the last page. */
  next: z.string().nullable(),
  /** The instant (ms since epoch) every score of this listing is computed at: the same for all its pages. */
  at: z.number(),
});
