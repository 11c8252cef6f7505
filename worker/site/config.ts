import { z } from "zod";
import { MAX_ISSUES, type Issue } from "../http/issues";
import { durationMs, durationSchema, scoringIssues, scoringObjectSchema } from "../scoring";
import { WEBHOOK_TYPES } from "../webhooks/payload";
import { checkWebhookUrl } from "../webhooks/url-policy";

/** Public site ids appear in script tags and URLs: keep them URL-safe and short. */
export const siteIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "A site id is 1-64 letters, digits, '-' or '_'");

/** Secrets never live in the config: it names the environment variable (a Worker secret) that holds one. */
export const secretRefSchema = z
  .object({ env: z.string().regex(/^[A-Z][A-Z0-9_]{0,127}$/, "An environment variable name in UPPER_SNAKE case") })
  .strict();

/**
 * An origin allowed to post events from a browser: an exact origin ("https://shop.example"),
 * a wildcard subdomain ("https://*.shop.example"), "self" (the worker's own origin, for first-party
 * proxies and the demo), or "*" (any; not recommended).
 */
export const originSchema = z
  .string()
  .regex(/^(\*|self|https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?)$/i, 'An origin like "https://shop.example", "https://*.shop.example", "self" or "*"');

/** An attempt holds a Durable Object's alarm open; half a minute is more than any receiver should need. */
export const MAX_WEBHOOK_TIMEOUT_SECONDS = 30;

export const webhookEndpointSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i),
    url: z.url({ protocol: /^https?$/ }),
    types: z.array(z.enum(WEBHOOK_TYPES)).min(1).default([...WEBHOOK_TYPES]),
    secret: secretRefSchema,
    /** During a secret rotation both secrets sign every message, as Standard Webhooks allows. */
    previousSecret: secretRefSchema.optional(),
    /**
     * How long one attempt waits for the receiver's answer (default 10 s). A receiver slower than this
     * counts as failed and is called again on the retry schedule, with the same webhook-id.
     */
    timeoutSeconds: z.int().min(1).max(MAX_WEBHOOK_TIMEOUT_SECONDS).optional(),
  })
  .strict();

export const DEFAULT_PROMO_PER_CLIENT_PER_DAY = 10;

export const promoSchema = z
  .object({
    /** The label that earns a code, usually "hot". */
    label: z.string().min(1).default("hot"),
    /** The lead must also have done this event (e.g. a cart add) to earn a code. */
    requireEvent: z.string().min(1).optional(),
    /** Printed before the random part: "HOT-" -> "HOT-7KQ2-M9XD". */
    prefix: z.string().regex(/^[A-Z0-9-]{0,16}$/).default("LS-"),
    /** Codes the browsers of one client address may be shown a day (per edge isolate); farming needs new addresses. */
    maxPerClientPerDay: z.int().min(0).max(10_000).default(DEFAULT_PROMO_PER_CLIENT_PER_DAY),
    /**
     * Codes only for confirmed people (a signed identify or the write-key API): off by default, since a
     * first-visit offer to an anonymous visitor is what most promos are for (docs/CONFIG.md).
     */
    requireVerified: z.boolean().default(false),
  })
  .strict();

/**
 * What an unverified browser may do with a user id (`u`) it claims:
 * - "anonymous" (default): the claim never addresses the known lead; the batch goes to the browser's
 *   own anonymous lead, the claimed id kept as the `claimedUserId` trait, until a signed identify or
 *   the site's back end (`/v1/identify` with `userId` and `anonymousId`) confirms it.
 * - "trust": the browser's word is taken, as if signed. Anyone who knows a person's e-mail can then
 *   read and change that person's lead: only for sites where every browser is trusted.
 */
export const UNVERIFIED_POLICIES = ["anonymous", "trust"] as const;
export type UnverifiedPolicy = (typeof UNVERIFIED_POLICIES)[number];

/** Verified identity: the secret that signs user ids, and what an unsigned claim may do. */
export const identitySchema = z
  .object({
    /** The HMAC-SHA256 key the site's back end signs user ids with (see README, "Verified identity"). */
    secret: secretRefSchema.optional(),
    unverified: z.enum(UNVERIFIED_POLICIES).default("anonymous"),
  })
  .strict();

/** Abuse limits; generous for people, tight for scripts. */
export const limitsSchema = z
  .object({
    /** Events one lead may send a minute (browser and server-side together). */
    leadEventsPerMinute: z.int().min(1).max(1_000_000).default(300),
    /** Collect requests one client address may make a minute, per edge isolate. */
    clientRequestsPerMinute: z.int().min(1).max(1_000_000).default(600),
  })
  .strict();

/** Batch rows must outlive the dedup window (48 h), or a resent event id could score twice. */
const MIN_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** What the worker keeps of each lead's events and score history. */
export const historySettingsSchema = z
  .object({
    /**
     * How long a lead's events and score history are kept (default "400d"). Older batch rows are
     * deleted, their events folded into the lead's state: scores do not change, storage stops growing.
     */
    retention: durationSchema.refine((d) => durationMs(d) >= MIN_RETENTION_MS, "at least 7 days (\"7d\"): events are kept at least as long as resent ids are recognised").optional(),
  })
  .strict();

/** Events a browser may not send: they disqualify or mean money, so only the site's servers report them. */
export const DEFAULT_SERVER_ONLY_EVENTS = ["unsubscribe", "purchase"];

export const siteConfigSchema = scoringObjectSchema
  .extend({
    $schema: z.string().optional(),
    origins: z.array(originSchema).max(100).default([]),
    writeKey: secretRefSchema.optional(),
    ignoreBots: z.boolean().default(true),
    webhooks: z.array(webhookEndpointSchema).max(20).default([]),
    promo: promoSchema.optional(),
    identity: identitySchema.optional(),
    limits: limitsSchema.default({ leadEventsPerMinute: 300, clientRequestsPerMinute: 600 }),
    /**
     * Event names `POST /e` drops (counted as `ignored`, never scored or stored): anyone can post to
     * the browser endpoint, so events that disqualify or mean money come only through the write-key API.
     */
    serverOnlyEvents: z.array(z.string().min(1).max(64)).max(100).default(DEFAULT_SERVER_ONLY_EVENTS),
    history: historySettingsSchema.optional(),
  })
  .strict();

export type SiteConfig = z.infer<typeof siteConfigSchema>;
export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;
export type IdentityConfig = z.infer<typeof identitySchema>;

/** What a site config must know of its deployment to be judged: hosts allowed for plain-http webhooks. */
export interface SiteConfigContext {
  allowedWebhookHosts?: readonly string[];
}

/** One parse's verdict on a candidate config: the config when valid, and every mistake otherwise. */
export type SiteConfigCheck = { ok: true; config: SiteConfig } | { ok: false; issues: Issue[] };

function webhookIssues(webhooks: readonly EndpointParts[], context: SiteConfigContext): Issue[] {
  const issues: Issue[] = [];
  const ids = new Set<string>();
  webhooks.forEach(({ id, url }, i) => {
    if (id !== undefined && ids.has(id)) issues.push({ path: `$.webhooks[${i}].id`, message: `duplicate endpoint id "${id}"` });
    if (id !== undefined) ids.add(id);
    const policy = url === undefined ? { ok: true as const } : checkWebhookUrl(url, context.allowedWebhookHosts ?? []);
    if (!policy.ok) issues.push({ path: `$.webhooks[${i}].url`, message: policy.reason });
  });
  return issues;
}

type EndpointParts = Partial<Pick<WebhookEndpoint, "id" | "url">>;

/** The id and URL of each endpoint as far as they are valid, so a wrong `types` does not hide a private URL. */
function salvageWebhooks(input: unknown): EndpointParts[] {
  const webhooks = input !== null && typeof input === "object" ? (input as { webhooks?: unknown }).webhooks : undefined;
  if (!Array.isArray(webhooks)) return [];
  return webhooks.map((raw) => {
    const record = raw !== null && typeof raw === "object" ? (raw as Record<string, unknown>) : {};
    return { id: webhookEndpointSchema.shape.id.safeParse(record.id).data, url: webhookEndpointSchema.shape.url.safeParse(record.url).data };
  });
}

/**
 * Judges a candidate site config with one parse: zod's issues, the engine's semantic checks and the
 * site's own (duplicate endpoint ids, webhook URL policy), all of them at once. When the shape is
 * wrong somewhere, every part that is right is still checked, so one answer lists every mistake.
 *
 * @example
 * const check = checkSiteConfig(body, { allowedWebhookHosts: ["127.0.0.1"] });
 * if (!check.ok) throw new ApiError(422, "invalid_config", "…", check.issues);
 */
export function checkSiteConfig(input: unknown, context: SiteConfigContext = {}): SiteConfigCheck {
  const result = siteConfigSchema.safeParse(input);
  const issues = [
    ...scoringIssues(input, result),
    ...webhookIssues(result.success ? result.data.webhooks : salvageWebhooks(input), context),
  ].slice(0, MAX_ISSUES);
  if (result.success && issues.length === 0) return { ok: true, config: result.data };
  return { ok: false, issues };
}

/**
 * Every mistake of a candidate site config, `[]` when it is valid (see checkSiteConfig).
 *
 * @example siteConfigIssues({ models: [] }) // [{ path: "$.models", message: "Too small: expected array to have >=1 items" }]
 */
export function siteConfigIssues(input: unknown, context: SiteConfigContext = {}): Issue[] {
  const check = checkSiteConfig(input, context);
  return check.ok ? [] : check.issues;
}
