import { z } from "zod";

/** Segment's limits: 32 KB an event, 500 KB a batch. */
export const MAX_SEGMENT_EVENT_BYTES = 32 * 1024;
export const MAX_SEGMENT_BATCH_BYTES = 500 * 1024;

const id = z.union([z.string().trim().min(1).max(256), z.number().int().transform(String)]);
const jsonRecord = z.record(z.string().max(256), z.unknown());

/** Fields every Segment call may carry. Unknown fields (integrations, _metadata, …) are ignored, as Segment does. */
const common = {
  messageId: z.string().min(1).max(256).optional(),
  userId: id.optional().nullable(),
  anonymousId: id.optional().nullable(),
  timestamp: z.string().max(64).optional(),
  originalTimestamp: z.string().max(64).optional(),
  sentAt: z.string().max(64).optional(),
  context: jsonRecord.optional(),
  writeKey: z.string().max(512).optional(),
};

const needsIdentity = (m: { userId?: string | null; anonymousId?: string | null }) => Boolean(m.userId || m.anonymousId);
const identityMessage = "Either userId or anonymousId is required";

export const trackSchema = z.object({ ...common, type: z.literal("track").optional(), event: z.string().trim().min(1).max(200), properties: jsonRecord.optional() }).refine(needsIdentity, identityMessage);
export const identifySchema = z.object({ ...common, type: z.literal("identify").optional(), traits: jsonRecord.optional() }).refine(needsIdentity, identityMessage);
export const pageSchema = z.object({ ...common, type: z.literal("page").optional(), name: z.string().max(200).optional(), category: z.string().max(200).optional(), properties: jsonRecord.optional() }).refine(needsIdentity, identityMessage);
export const groupSchema = z.object({ ...common, type: z.literal("group").optional(), groupId: id, traits: jsonRecord.optional() }).refine(needsIdentity, identityMessage);
export const aliasSchema = z.object({ ...common, type: z.literal("alias").optional(), previousId: id, userId: id });

export const SEGMENT_SCHEMAS = { track: trackSchema, identify: identifySchema, page: pageSchema, group: groupSchema, alias: aliasSchema } as const;
export type SegmentType = keyof typeof SEGMENT_SCHEMAS;

/** One message in `/v1/batch`; its `type` says which schema applies. */
export const batchItemSchema = z.object({ type: z.enum(["track", "identify", "page", "screen", "group", "alias"]) }).loose();
export const batchSchema = z.object({ batch: z.array(batchItemSchema).min(1).max(2500), writeKey: z.string().max(512).optional(), sentAt: z.string().max(64).optional(), context: jsonRecord.optional() });

export type SegmentMessage = {
  type: SegmentType;
  messageId?: string;
  userId?: string | null;
  anonymousId?: string | null;
  timestamp?: string;
  originalTimestamp?: string;
  sentAt?: string;
  context?: Record<string, unknown>;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  groupId?: string;
  previousId?: string;
};
