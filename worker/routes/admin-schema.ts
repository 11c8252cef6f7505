import { z } from "zod";
import { flatRecordSchema } from "./collect-schema";

/** Far-future and ancient timestamps are mistakes (or tricks), not events. */
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
export const MIN_TIMESTAMP = Date.UTC(2000, 0, 1);

/** An instant as ISO 8601 or ms since epoch. */
export const instantSchema = z.union([z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)), z.number().int()]).pipe(z.number().int().min(MIN_TIMESTAMP).max(8.64e15));

/** An event given to the operator API (simulate), in readable form. */
export const apiEventSchema = z.object({
  id: z.string().min(1).max(128).optional(),
  name: z.string().min(1).max(64),
  timestamp: instantSchema,
  url: z.string().max(2048).optional(),
  path: z.string().max(2048).optional(),
  referrer: z.string().max(2048).optional(),
  props: flatRecordSchema.optional(),
  traits: flatRecordSchema.optional(),
});

export const simulateRequestSchema = z.object({
  events: z.array(apiEventSchema).min(1).max(1000),
  /** Score against this config instead of the one in force (it is validated, never saved). */
  config: z.unknown().optional(),
  /** Follow decay until this instant, reporting each crossing (default: the last event). */
  until: instantSchema.optional(),
});

export const leadListQuerySchema = z.object({
  label: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const messageIdsSchema = z.array(z.string().min(1).max(64)).min(1).max(1000);

/**
 * What to redeliver: `{ "all": true }` or `{ "messageIds": [...] }`, nothing implied. A body that is
 * missing, mistyped or unreadable is a 400, never "everything".
 */
export const redeliverRequestSchema = z.union([
  z.object({ all: z.literal(true) }).strict(),
  z.object({ messageIds: messageIdsSchema }).strict(),
]);

/** Re-enabling an endpoint; `redeliverMissed` also redelivers the dead letters made while it was disabled. */
export const enableEndpointRequestSchema = z.object({ redeliverMissed: z.boolean().default(false) }).strict();

/** A dead letter as the operator API shows it: the message's payload parsed. */
export const deadLetterSchema = z.object({
  messageId: z.string(),
  endpointId: z.string(),
  leadId: z.string(),
  type: z.string(),
  attempts: z.number(),
  lastError: z.string(),
  failedAt: z.number(),
  payload: z.unknown(),
});

export const enableEndpointResponseSchema = z.object({
  endpoint: z.string(),
  enabled: z.literal(true),
  /** When it had been disabled (ms since epoch), and why; null if it was not disabled. */
  disabledAt: z.number().nullable(),
  reason: z.string().nullable(),
  /** Dead letters of this endpoint made since it was disabled: what it missed. */
  missed: z.array(deadLetterSchema),
  /** How many of them were put back for delivery (with `redeliverMissed`). */
  redelivering: z.number(),
});

export const endpointParamSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "An endpoint id");

export const siteParamSchema = z.object({ site: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "A site id") });
