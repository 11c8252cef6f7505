import { z } from "zod";
import { decaySchema } from "../scoring/schema";
import { siteConfigSchema } from "../site/config";
import { WARNING_CODES } from "../site/config-warnings";
import { MAX_EXPORT_PAGE } from "../lead/export-page";
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
  /** The visitor the events come from: the messages' lead is the one this anonymous id would have. */
  anonymousId: z.string().min(1).max(128).default("simulated-visitor"),
});

/** `GET …/leads/{lead}/events`: a page of the export, after the cursor the previous page answered. */
export const leadEventsQuerySchema = z.object({
  /** `next` from the previous page (opaque); absent for the first page. */
  cursor: z.string().min(1).max(400).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EXPORT_PAGE).default(100),
});

/** A page of a lead's events, oldest first; `next` is null on the last page. */
export const leadEventsResponseSchema = z.object({
  events: z.array(z.object({ id: z.string(), name: z.string(), ts: z.number() }).loose()),
  next: z.string().nullable(),
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

/** The media type of a JSON merge patch (RFC 7396), what `PATCH …/config` takes beside application/json. */
export const MERGE_PATCH_TYPE = "application/merge-patch+json";

/** A lead as the operator API names it: a lead id, an e-mail address or an anonymous id. */
export const leadRefSchema = z.string().min(1).max(256);

/** A promo code as a checkout reads it back: codes are upper case, so a typed lower-case one matches. */
export const promoCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9-]{1,64}$/, "A promo code of 1-64 letters, digits or '-'")
  .transform((s) => s.toUpperCase());

/** `GET …/promo/{code}`: the lead a code was issued to. */
export const promoOwnerSchema = z.object({
  code: z.string(),
  leadId: z.string(),
  userId: z.string().nullable(),
  /** Absent for an anonymous lead; false while the person rests on an unverified identify. */
  verified: z.boolean().optional(),
  issuedAt: z.number(),
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

/** A webhook endpoint id of the config. */
export const endpointParamSchema = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "An endpoint id");

export const siteParamSchema = z.object({ site: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "A site id") });

/** `{n}` of `…/config/versions/{n}`. */
export const versionParamSchema = z.object({ version: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export const versionListQuerySchema = z.object({
  /** Versions older than this one: the `next` of the previous page. */
  before: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export const rollbackRequestSchema = z.strictObject({
  /** The saved version whose document becomes the config again (saved as a new version). */
  version: z.int().min(1),
});

/** A warning about a valid config: it never blocks the save. */
export const configWarningSchema = z.object({
  path: z.string().meta({ description: 'A JSON path into the config, e.g. "$.models[0].rules[2].event".' }),
  code: z.enum(WARNING_CODES),
  message: z.string(),
});

/** What every config write (PUT, PATCH, rollback) answers; the version is also the `ETag`. */
export const configWriteResponseSchema = z.object({
  version: z.int(),
  savedAt: z.iso.datetime(),
  summary: z.string().meta({ description: "What changed against the version before." }),
  warnings: z.array(configWarningSchema),
  config: siteConfigSchema,
});

export const configVersionInfoSchema = z.object({
  version: z.int(),
  savedAt: z.iso.datetime(),
  summary: z.string(),
});

export const configVersionListSchema = z.object({
  versions: z.array(configVersionInfoSchema),
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: z.int().nullable(),
});

export const configVersionSchema = configVersionInfoSchema.extend({ config: siteConfigSchema });

const leadSummarySchema = z.object({ id: z.string(), userId: z.string().nullable(), score: z.number(), label: z.string(), stage: z.string() });

/** A lead as `GET …/leads/{lead}` describes it (further fields may follow). */
export const leadResponseSchema = leadSummarySchema
  .extend({
    anonymousIds: z.array(z.string()),
    site: z.string(),
    model: z.string(),
    disqualified: z.boolean(),
    traits: z.record(z.string(), z.unknown()),
    explanation: z.object({ score: z.number(), label: z.string(), contributions: z.array(z.object({ rule: z.string(), points: z.number() }).loose()) }).loose(),
    verified: z.boolean().optional(),
    promo: z.string().nullable(),
    /** Every code the person was shown, merged leads' included; `promo` is the first. */
    promos: z.array(z.object({ code: z.string(), issuedAt: z.number() })),
    recentEvents: z.array(z.object({ id: z.string(), name: z.string(), ts: z.number() }).loose()),
  })
  .loose();

export const eraseResponseSchema = z.object({ erased: z.array(z.string()) });

export const simulateResponseSchema = z.object({
  timeline: z.array(z.object({ score: z.number(), label: z.string(), stage: z.string() }).loose()),
  webhooks: z.array(z.object({ type: z.string() }).loose()),
  /** The webhook messages the Lead object would send: each once to every endpoint listed, with its exact body. */
  messages: z.array(z.object({ messageId: z.string(), type: z.string(), endpointIds: z.array(z.string()), payload: z.unknown() })),
  /** The updates the site's lead index would receive. */
  indexUpdates: z.array(
    z.object({ leadId: z.string(), userId: z.string().nullable(), score: z.number(), label: z.string(), stage: z.string(), updatedAt: z.number(), replaces: z.array(z.string()).optional(), traitNames: z.array(z.string()).optional() }),
  ),
});

export const deadLetterListSchema = z.object({ deadLetters: z.array(deadLetterSchema) });

export const redeliverResponseSchema = z.object({ redelivering: z.int() });

/** The largest adjustment an operator may make at once, either way: a correction, not a new scale. */
export const MAX_ADJUST_POINTS = 1000;
/** Why an operator acted on a lead: kept with the event, shown in the explanation and webhooks. */
const operatorReasonSchema = z.string().trim().min(1, "a reason, e.g. \"called us\"").max(200);

/** `POST …/leads/{lead}/adjust`: points with a reason, optionally decaying like a rule's. */
export const adjustRequestSchema = z.strictObject({
  points: z.number().finite().min(-MAX_ADJUST_POINTS).max(MAX_ADJUST_POINTS).refine((p) => p !== 0, "points other than 0"),
  reason: operatorReasonSchema,
  /** A half-life ("14d") or false; left out, the points do not decay. */
  decay: decaySchema.optional(),
});

/** `POST …/leads/{lead}/requalify`: lift the lead's disqualification, with a reason. */
export const requalifyRequestSchema = z.strictObject({ reason: operatorReasonSchema });

/** What an operator action answers: the lead after it, the stored event and the changes it reported (each one webhook). */
export const operatorActionResponseSchema = z.object({
  lead: leadSummarySchema.extend({ grade: z.string().optional() }),
  event: z.object({ id: z.string(), name: z.enum(["adjust", "requalify"]), ts: z.number() }).loose(),
  changes: z.array(z.object({ type: z.string(), previous: z.string(), current: z.string(), direction: z.enum(["up", "down"]).optional() })),
});
