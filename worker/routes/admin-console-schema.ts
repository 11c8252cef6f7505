/** Request and response shapes of the operator routes the console added (endpoint state, test messages, overview). */
import { z } from "zod";

export const endpointParamSchema = z.object({ endpoint: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "An endpoint id") });

/** Dead letters counted per endpoint at most: past this the console says "500+". */
export const DEAD_LETTER_COUNT_CAP = 500;
/** Leads counted per label at most in the overview: past this it says "1000+" (the index is not a counter). */
export const LABEL_COUNT_CAP = 1000;

/** A type a test message carries: not a lead event, so no receiver mistakes it for one. */
export const TEST_MESSAGE_TYPE = "lead.test";

export const endpointStateSchema = z.object({
  id: z.string(),
  url: z.string(),
  types: z.array(z.string()),
  /** `disabled`: it answered 410 Gone; nothing is sent to it until it is enabled again. */
  state: z.enum(["active", "disabled"]),
  deadLetters: z.object({ count: z.number().int(), atLeast: z.boolean() }),
  /** The newest dead letter: when and why delivery finally failed. */
  lastFailure: z.object({ at: z.iso.datetime(), error: z.string(), type: z.string(), messageId: z.string() }).nullable(),
});

export const endpointListResponseSchema = z.object({ endpoints: z.array(endpointStateSchema) });

export const testMessageResponseSchema = z.object({
  messageId: z.string(),
  type: z.literal(TEST_MESSAGE_TYPE),
  outcome: z.enum(["delivered", "retry", "gone", "rejected"]),
  delivered: z.boolean(),
  status: z.number().int().optional(),
  error: z.string().optional(),
  durationMs: z.number(),
});

export const overviewResponseSchema = z.object({
  site: z.string(),
  config: z.object({ version: z.number().int(), updatedAt: z.iso.datetime().nullable(), models: z.array(z.object({ id: z.string(), labels: z.array(z.string()) })) }),
  /** Leads in the index per label, in the models' band order. */
  labels: z.array(z.object({ label: z.string(), leads: z.number().int(), atLeast: z.boolean() })),
  endpoints: z.object({ total: z.number().int(), disabled: z.number().int(), deadLetters: z.number().int(), deadLettersAtLeast: z.boolean() }),
});
