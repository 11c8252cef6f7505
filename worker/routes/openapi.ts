/**
 * The OpenAPI 3.1 document, generated from the zod schemas that validate requests (each route's
 * *-schema.ts) and describe answers. One table (OPERATIONS) lists every endpoint; named schemas
 * become `components/schemas`, and every `$ref` points there, so real validators and client
 * generators read it as is.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { siteConfigSchema } from "../site/config";
import {
  configVersionListSchema,
  configVersionSchema,
  configWriteResponseSchema,
  deadLetterListSchema,
  enableEndpointRequestSchema,
  enableEndpointResponseSchema,
  endpointParamSchema,
  eraseResponseSchema,
  adjustRequestSchema,
  promoCodeSchema,
  leadEventsQuerySchema,
  leadEventsResponseSchema,
  promoOwnerSchema,
  leadRefSchema,
  MERGE_PATCH_TYPE,
  operatorActionResponseSchema,
  requalifyRequestSchema,
  leadResponseSchema,
  redeliverRequestSchema,
  redeliverResponseSchema,
  rollbackRequestSchema,
  siteParamSchema,
  simulateRequestSchema,
  simulateResponseSchema,
  versionListQuerySchema,
  versionParamSchema,
} from "./admin-schema";
import { leadListQuerySchema, leadListResponseSchema } from "./lead-list-schema";
import { endpointListResponseSchema, overviewResponseSchema, testMessageResponseSchema } from "./admin-console-schema";
import { collectBatchSchema, collectResponseSchema } from "./collect-schema";
import { configWriteQuerySchema, rescorePreviewRequestSchema, rescorePreviewSchema, rescoreProgressSchema } from "./rescore-schema";
import { sessionResponseSchema, signInRequestSchema } from "./console-session-schema";
import { historyQuerySchema, historyResponseSchema, leadDeliveriesResponseSchema } from "./history-schema";
import { suggestRequestSchema, suggestResponseSchema } from "./suggest-schema";
import { backtestRequestSchema, backtestResponseSchema, labelChangesQuerySchema, labelChangesResponseSchema, reportQuerySchema, reportResponseSchema } from "./report-schema";
import { aliasSchema, batchSchema, groupSchema, identifySchema, pageSchema, trackSchema } from "./segment-schema";

type Method = "get" | "put" | "patch" | "post" | "delete";
type Security = "admin" | "writeKey";

/** One documented operation: the same zod schemas that validate requests describe them here. */
export interface Operation {
  method: Method;
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  security?: Security;
  /** Request body: a named schema (see COMPONENTS) and the media types it is accepted as. */
  body?: { schema: string; types: readonly string[]; /** The body may be left out altogether. */ optional?: boolean };
  query?: z.ZodObject;
  /** Success answers by status: a named schema, or a media type with an inline JSON Schema. */
  responses: Record<string, { description: string; schema?: string; media?: { type: string; schema: object }; headers?: readonly string[] }>;
  /** Statuses that answer the contract's error body. */
  errors: readonly number[];
}

/** Schemas that requests are validated with (described as zod's input) and answers (as its output). */
const REQUEST_SCHEMAS: Record<string, z.ZodType> = {
  SiteConfig: siteConfigSchema,
  CollectBatch: collectBatchSchema,
  SegmentTrack: trackSchema,
  SegmentIdentify: identifySchema,
  SegmentPage: pageSchema,
  SegmentGroup: groupSchema,
  SegmentAlias: aliasSchema,
  SegmentBatch: batchSchema,
  SimulateRequest: simulateRequestSchema,
  RollbackRequest: rollbackRequestSchema,
  RedeliverRequest: redeliverRequestSchema,
  EnableEndpointRequest: enableEndpointRequestSchema,
  SignInRequest: signInRequestSchema,
  AdjustRequest: adjustRequestSchema,
  RequalifyRequest: requalifyRequestSchema,
  RescorePreviewRequest: rescorePreviewRequestSchema,
  SuggestRequest: suggestRequestSchema,
  BacktestRequest: backtestRequestSchema,
};

const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable, e.g. "invalid_config", "precondition_failed", "unauthorized".' }),
      message: z.string(),
      issues: z.array(z.object({ path: z.string().meta({ description: 'A JSON path into the input, e.g. "$.models[0].rules[2].points".' }), message: z.string() })),
    }),
  })
  .meta({ description: "The contract's error body." });

export const RESPONSE_SCHEMAS: Record<string, z.ZodType> = {
  Error: errorSchema,
  StoredSiteConfig: siteConfigSchema,
  CollectResponse: collectResponseSchema,
  CollectIgnored: z.object({ ignored: z.literal("bot"), accepted: z.literal(0), duplicates: z.literal(0), actions: z.array(z.never()) }),
  SegmentResponse: z.object({ success: z.literal(true) }),
  ConfigWriteResponse: configWriteResponseSchema,
  ConfigVersionList: configVersionListSchema,
  ConfigVersion: configVersionSchema,
  LeadList: leadListResponseSchema,
  Lead: leadResponseSchema,
  EraseResponse: eraseResponseSchema,
  PromoOwner: promoOwnerSchema,
  LeadEvents: leadEventsResponseSchema,
  SimulateResponse: simulateResponseSchema,
  DeadLetterList: deadLetterListSchema,
  EnableEndpointResponse: enableEndpointResponseSchema,
  RedeliverResponse: redeliverResponseSchema,
  Health: z.object({ ok: z.literal(true) }),
  EndpointList: endpointListResponseSchema,
  TestMessageResponse: testMessageResponseSchema,
  Overview: overviewResponseSchema,
  RescoreProgress: rescoreProgressSchema,
  RescorePreview: rescorePreviewSchema,
  Suggestion: suggestResponseSchema,
  Session: sessionResponseSchema,
  SignedOut: z.object({ signedOut: z.literal(true) }),
  OperatorActionResponse: operatorActionResponseSchema,
  LeadHistory: historyResponseSchema,
  LeadDeliveries: leadDeliveriesResponseSchema,
  ModelReport: reportResponseSchema,
  Backtest: backtestResponseSchema,
  LabelChanges: labelChangesResponseSchema,
};

const JSON_TYPES = ["application/json"] as const;
const SEGMENT_ERRORS = [400, 401, 413, 415, 429] as const;
const ADMIN_ERRORS = [400, 401, 404] as const;
const CONFIG_WRITE_ERRORS = [...ADMIN_ERRORS, 409, 412, 413, 415, 422] as const;
const ok = (schema: string, description = "OK", headers?: readonly string[]) => ({ "200": { description, schema, ...(headers ? { headers } : {}) } });
const VERSIONED = ["ETag", "Last-Modified"] as const;

function segmentOperation(kind: string, schema: string, summary: string): Operation {
  return { method: "post", path: `/v1/${kind}`, operationId: `segment${schema.replace("Segment", "")}`, tag: "segment", summary, security: "writeKey", body: { schema, types: JSON_TYPES }, responses: ok("SegmentResponse"), errors: SEGMENT_ERRORS };
}

/** Every endpoint of the worker. A route added without a row here fails the OpenAPI test. */
export const OPERATIONS: Operation[] = [
  {
    method: "post", path: "/e", operationId: "collect", tag: "collect", summary: "Collect a batch of one visitor's events from the snippet",
    body: { schema: "CollectBatch", types: ["text/plain", "application/json"] },
    responses: { "200": { description: "Scored", schema: "CollectResponse" }, "202": { description: "Accepted and ignored (a bot)", schema: "CollectIgnored" } },
    errors: [400, 403, 413, 415, 429],
  },
  { method: "get", path: "/leadscore.js", operationId: "snippet", tag: "collect", summary: "The tracking snippet", responses: { "200": { description: "The script", media: { type: "text/javascript", schema: { type: "string" } } } }, errors: [] },
  { method: "get", path: "/health", operationId: "health", tag: "meta", summary: "Liveness", responses: ok("Health"), errors: [] },
  { method: "get", path: "/openapi.json", operationId: "openapi", tag: "meta", summary: "This document", responses: { "200": { description: "OpenAPI 3.1", media: { type: "application/json", schema: { type: "object" } } } }, errors: [] },
  { method: "get", path: "/config.schema.json", operationId: "configJsonSchema", tag: "meta", summary: "JSON Schema of a site's configuration, for editors", responses: { "200": { description: "JSON Schema (draft 2020-12)", media: { type: "application/json", schema: { type: "object" } } } }, errors: [] },
  segmentOperation("track", "SegmentTrack", "Segment-compatible track (write key as HTTP Basic user name, or writeKey in the body)"),
  segmentOperation("identify", "SegmentIdentify", "Segment-compatible identify: merges the anonymous id into the known lead"),
  segmentOperation("page", "SegmentPage", "Segment-compatible page"),
  segmentOperation("group", "SegmentGroup", "Segment-compatible group: company traits under `company`"),
  segmentOperation("alias", "SegmentAlias", "Segment-compatible alias: merges previousId into userId's lead"),
  segmentOperation("batch", "SegmentBatch", "Segment-compatible batch (what @segment/analytics-node sends)"),
  { method: "get", path: "/v1/sites/{site}/config", operationId: "getConfig", tag: "config", security: "admin", summary: "The site's configuration: exactly what PUT accepts, its version as ETag", responses: ok("StoredSiteConfig", "The config in force", VERSIONED), errors: ADMIN_ERRORS },
  {
    method: "put", path: "/v1/sites/{site}/config", operationId: "putConfig", tag: "config", security: "admin",
    summary: "Replace the site's configuration (If-Match honoured; 422 names every mistake; an invalid config is never applied)",
    body: { schema: "SiteConfig", types: JSON_TYPES }, query: configWriteQuerySchema, responses: ok("ConfigWriteResponse", "Saved as a new version", VERSIONED), errors: CONFIG_WRITE_ERRORS,
  },
  {
    method: "patch", path: "/v1/sites/{site}/config", operationId: "patchConfig", tag: "config", security: "admin",
    summary: "Change part of the configuration with a JSON merge patch (RFC 7396), validated like a PUT after merging",
    body: { schema: "ConfigMergePatch", types: [MERGE_PATCH_TYPE, "application/json"] }, query: configWriteQuerySchema, responses: ok("ConfigWriteResponse", "Saved as a new version", VERSIONED), errors: CONFIG_WRITE_ERRORS,
  },
  { method: "get", path: "/v1/sites/{site}/config/versions", operationId: "listConfigVersions", tag: "config", security: "admin", summary: "Saved versions, newest first (the last 100 are kept)", query: versionListQuerySchema, responses: ok("ConfigVersionList"), errors: [400, 401] },
  { method: "get", path: "/v1/sites/{site}/config/versions/{version}", operationId: "getConfigVersion", tag: "config", security: "admin", summary: "One saved version", responses: ok("ConfigVersion", "OK", VERSIONED), errors: ADMIN_ERRORS },
  { method: "post", path: "/v1/sites/{site}/config/rollback", operationId: "rollbackConfig", tag: "config", security: "admin", summary: "Save an earlier version's document again, as a new version", body: { schema: "RollbackRequest", types: JSON_TYPES }, query: configWriteQuerySchema, responses: ok("ConfigWriteResponse", "Saved as a new version", VERSIONED), errors: CONFIG_WRITE_ERRORS },
  { method: "get", path: "/v1/sites/{site}/rescore", operationId: "getRescore", tag: "config", security: "admin", summary: "Progress of the re-score every config save starts: leads done of total, label and stage changes so far", responses: ok("RescoreProgress"), errors: ADMIN_ERRORS },
  { method: "post", path: "/v1/sites/{site}/rescore/preview", operationId: "previewRescore", tag: "config", security: "admin", summary: "Dry run: how many leads a candidate config would move across a label or stage line, and which (paged); stores nothing", body: { schema: "RescorePreviewRequest", types: JSON_TYPES }, responses: ok("RescorePreview"), errors: [...ADMIN_ERRORS, 413, 415, 422] },
  { method: "post", path: "/v1/sites/{site}/suggest", operationId: "suggestWeights", tag: "config", security: "admin", summary: "Suggested points per rule from an L2 logistic regression of converting within the horizon, with the held-out AUC of the current and the suggested points and a candidate config; never changes the live config", body: { schema: "SuggestRequest", types: JSON_TYPES, optional: true }, responses: ok("Suggestion"), errors: [...ADMIN_ERRORS, 413, 415, 422] },
  { method: "get", path: "/v1/sites/{site}/report", operationId: "getModelReport", tag: "report", security: "admin", summary: "Does the score predict? Conversions per label and stage, rate and lift, precision and recall of each label line, AUC, median time to conversion, per week; from counters kept as outcomes settle", query: reportQuerySchema, responses: ok("ModelReport"), errors: [...ADMIN_ERRORS, 422] },
  { method: "post", path: "/v1/sites/{site}/backtest", operationId: "backtest", tag: "report", security: "admin", summary: "Replay the site's leads (all, or a seeded sample) under the current and a candidate config: both reports side by side and the leads whose label would change; stores nothing", body: { schema: "BacktestRequest", types: JSON_TYPES }, responses: ok("Backtest"), errors: [...ADMIN_ERRORS, 413, 415, 422] },
  { method: "get", path: "/v1/sites/{site}/label-changes", operationId: "labelChanges", tag: "report", security: "admin", summary: "Leads that moved into each label, per UTC day, over the last `days` days (the console's overview)", query: labelChangesQuerySchema, responses: ok("LabelChanges"), errors: [...ADMIN_ERRORS, 422] },
  { method: "get", path: "/v1/sites/{site}/leads", operationId: "listLeads", tag: "leads", security: "admin", summary: "Every lead with history, highest score now (decay included) first; filter by label, stage and model, search by e-mail, user id or lead id prefix (`q`), page with `cursor` (pass `next`; pages of one listing share its instant `at`)", query: leadListQuerySchema, responses: ok("LeadList"), errors: [400, 401, 422] },
  { method: "get", path: "/v1/sites/{site}/leads/{lead}", operationId: "getLead", tag: "leads", security: "admin", summary: "A lead with its explanation and recent events; a merged anonymous id answers with its lead", responses: ok("Lead"), errors: ADMIN_ERRORS },
  { method: "get", path: "/v1/sites/{site}/leads/{lead}/events", operationId: "exportLeadEvents", tag: "leads", security: "admin", summary: "Every event the lead stores, oldest first, a page at a time (pass `next` as `cursor`; at most 500 a page)", query: leadEventsQuerySchema, responses: ok("LeadEvents"), errors: ADMIN_ERRORS },
  { method: "get", path: "/v1/sites/{site}/leads/{lead}/history", operationId: "leadHistory", tag: "leads", security: "admin", summary: "The score over time (`from`, `to` in ms; default all of it until now): exact at every event and crossing, the decay curve sampled between, label and stage transitions with their cause, the config version of each point", query: historyQuerySchema, responses: ok("LeadHistory"), errors: [...ADMIN_ERRORS, 422] },
  { method: "get", path: "/v1/sites/{site}/leads/{lead}/deliveries", operationId: "leadDeliveries", tag: "leads", security: "admin", summary: "Webhooks about the lead, newest first: the last 50 delivered or dead-lettered and those still pending", responses: ok("LeadDeliveries"), errors: ADMIN_ERRORS },
  { method: "delete", path: "/v1/sites/{site}/leads/{lead}", operationId: "eraseLead", tag: "leads", security: "admin", summary: "Erase everything kept about a person, merged ids included", responses: ok("EraseResponse"), errors: [400, 401] },
  { method: "post", path: "/v1/sites/{site}/leads/{lead}/adjust", operationId: "adjustLead", tag: "leads", security: "admin", summary: 'Add (or take) points with a reason ("+20, called us"), optionally decaying: an event in the lead\'s history, cause "operator" on its webhooks', body: { schema: "AdjustRequest", types: JSON_TYPES }, responses: ok("OperatorActionResponse"), errors: [...ADMIN_ERRORS, 413, 415, 422] },
  { method: "post", path: "/v1/sites/{site}/leads/{lead}/requalify", operationId: "requalifyLead", tag: "leads", security: "admin", summary: "Lift the lead's disqualification, with a reason; a later disqualifying event counts again", body: { schema: "RequalifyRequest", types: JSON_TYPES }, responses: ok("OperatorActionResponse"), errors: [...ADMIN_ERRORS, 413, 415, 422] },
  { method: "get", path: "/v1/sites/{site}/promo/{code}", operationId: "getPromoOwner", tag: "leads", security: "admin", summary: "The lead a promo code was issued to (lead id, user id, verified, issuedAt): a checkout binds the code to that person", responses: ok("PromoOwner"), errors: ADMIN_ERRORS },
  { method: "post", path: "/v1/sites/{site}/simulate", operationId: "simulate", tag: "leads", security: "admin", summary: "Score events against the current or a given config, storing nothing", body: { schema: "SimulateRequest", types: JSON_TYPES }, responses: ok("SimulateResponse"), errors: [...ADMIN_ERRORS, 413, 415, 422] },
  { method: "get", path: "/v1/sites/{site}/webhooks/{endpoint}/dead-letters", operationId: "listDeadLetters", tag: "webhooks", security: "admin", summary: "Webhook messages that exhausted their retries", responses: ok("DeadLetterList"), errors: [400, 401] },
  { method: "post", path: "/v1/sites/{site}/webhooks/{endpoint}/dead-letters/redeliver", operationId: "redeliverDeadLetters", tag: "webhooks", security: "admin", summary: 'Redeliver dead letters: { "all": true } or { "messageIds": [...] }', body: { schema: "RedeliverRequest", types: JSON_TYPES }, responses: ok("RedeliverResponse"), errors: [400, 401, 413, 415] },
  { method: "post", path: "/v1/sites/{site}/webhooks/{endpoint}/enable", operationId: "enableEndpoint", tag: "webhooks", security: "admin", summary: "Re-enable an endpoint disabled by a 410; lists (and with redeliverMissed redelivers) what it missed", body: { schema: "EnableEndpointRequest", types: JSON_TYPES, optional: true }, responses: ok("EnableEndpointResponse"), errors: [...ADMIN_ERRORS, 413, 415] },
  { method: "get", path: "/v1/sites/{site}/webhooks", operationId: "listEndpoints", tag: "webhooks", security: "admin", summary: "Each endpoint of the config: active or disabled (410), dead letters, last failure", responses: ok("EndpointList"), errors: ADMIN_ERRORS },
  { method: "post", path: "/v1/sites/{site}/webhooks/{endpoint}/test", operationId: "sendTestMessage", tag: "webhooks", security: "admin", summary: "Send a signed lead.test message to the endpoint now, and answer its reply", responses: ok("TestMessageResponse"), errors: ADMIN_ERRORS },
  { method: "get", path: "/v1/sites/{site}/overview", operationId: "overview", tag: "leads", security: "admin", summary: "Leads per label now (from the index), endpoint health, config version", responses: ok("Overview"), errors: ADMIN_ERRORS },
  { method: "post", path: "/v1/session", operationId: "signIn", tag: "console", summary: "Console sign-in: the admin token in, an HttpOnly session cookie out (from the worker's own Origin only)", body: { schema: "SignInRequest", types: JSON_TYPES }, responses: ok("Session"), errors: [400, 401, 403, 413, 415] },
  { method: "get", path: "/v1/session", operationId: "getSession", tag: "console", security: "admin", summary: "Whether this browser is signed in, and until when", responses: ok("Session"), errors: [401] },
  { method: "delete", path: "/v1/session", operationId: "signOut", tag: "console", security: "admin", summary: "Sign out: the session cookie stops working everywhere at once", responses: ok("SignedOut"), errors: [401, 403] },
];

/** Path parameters by name: the schemas the routes parse them with. */
const PATH_PARAMS: Record<string, { schema: z.ZodType; description: string }> = {
  site: { schema: siteParamSchema.shape.site, description: "The public site id" },
  lead: { schema: leadRefSchema, description: "A lead id (u_…, a_…), an e-mail address or an anonymous id" },
  endpoint: { schema: endpointParamSchema, description: "A webhook endpoint id from the config" },
  version: { schema: versionParamSchema.shape.version, description: "A saved config version" },
  code: { schema: promoCodeSchema, description: "A promo code the site issued (case-insensitive)" },
};

const HEADERS: Record<string, object> = {
  ETag: { description: 'The config version as a strong entity tag ("v3"): send it back as If-Match', schema: { type: "string" } },
  "Last-Modified": { description: "When this version was saved (absent for a demo's shipped config)", schema: { type: "string" } },
};

const REF = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const SHARED = "__shared";

type JsonObject = Record<string, unknown>;

/** Rewrites zod's refs into `#/components/schemas/…` and drops the per-schema `$schema`/`$id`. */
function relocate(value: unknown, rename: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => relocate(v, rename));
  if (value === null || typeof value !== "object") return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === "$schema" || key === "$id") continue;
    if (key === "$ref" && typeof v === "string") {
      const name = v.replace(/^#\/components\/schemas\//, "").replace(new RegExp(`^${SHARED}#/\\$defs/`), "");
      out.$ref = `#/components/schemas/${rename(name)}`;
      continue;
    }
    out[key] = relocate(v, rename);
  }
  return out;
}

/**
 * JSON Schemas of named zod schemas, shared ones (those with a `.meta({ id })`) as their own
 * components. `io` says whether they describe what is sent (input) or what is answered (output).
 */
function componentSchemas(schemas: Record<string, z.ZodType>, io: "input" | "output"): Record<string, JsonObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(schemas)) registry.add(schema, { id });
  const { schemas: out } = z.toJSONSchema(registry, { io, unrepresentable: "any", uri: (id) => `#/components/schemas/${id}` }) as { schemas: Record<string, JsonObject> };
  const shared = ((out[SHARED]?.$defs ?? {}) as Record<string, JsonObject>);
  const all = { ...Object.fromEntries(Object.entries(out).filter(([name]) => name !== SHARED)), ...shared };
  return Object.fromEntries(Object.entries(all).map(([name, schema]) => [name, relocate(schema, (n) => n) as JsonObject]));
}

/** Both sets of components in one namespace; a shared schema whose output form differs gets an `Output` name. */
function allComponents(): Record<string, JsonObject> {
  const input = componentSchemas(REQUEST_SCHEMAS, "input");
  const output = componentSchemas(RESPONSE_SCHEMAS, "output");
  const clash = new Set(Object.keys(output).filter((name) => name in input && JSON.stringify(input[name]) !== JSON.stringify(output[name])));
  const rename = (name: string) => (clash.has(name) ? `${name}Output` : name);
  const renamed = Object.fromEntries(Object.entries(output).map(([name, schema]) => [rename(name), relocate(schema, rename) as JsonObject]));
  return {
    ...input,
    ...renamed,
    ConfigMergePatch: mergePatchSchema(input.SiteConfig!),
  };
}

/**
 * A merge patch of a config: each top-level key as in the config, or null to remove it. Objects merge
 * key by key (RFC 7396), so the patch is validated only after merging, as a whole config.
 */
function mergePatchSchema(config: JsonObject): JsonObject {
  const properties = (config.properties ?? {}) as Record<string, JsonObject>;
  return {
    type: "object",
    description: "A JSON merge patch (RFC 7396) of a SiteConfig: the keys to change (objects merge, arrays and values replace), null to remove one. The merged document must be a valid SiteConfig.",
    properties: Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, { anyOf: [schema, { type: "null" }] }])),
    additionalProperties: false,
  };
}

function jsonSchema(schema: z.ZodType): JsonObject {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonObject;
}

function operationObject(op: Operation): JsonObject {
  const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => {
    const param = PATH_PARAMS[m[1]!]!;
    return { name: m[1], in: "path", required: true, description: param.description, schema: relocate(jsonSchema(param.schema), (n) => n) };
  });
  const query = op.query
    ? Object.entries(op.query.shape).map(([name, schema]) => ({ name, in: "query", required: false, schema: relocate(jsonSchema(schema as z.ZodType), (n) => n) }))
    : [];
  const ifMatch = op.method === "put" || op.method === "patch" || op.path.endsWith("/rollback")
    ? [{ name: "If-Match", in: "header", required: false, description: 'Save only if the config in force has this ETag ("v3"), or exists ("*"); 412 otherwise', schema: { type: "string" } }]
    : [];
  const responses: JsonObject = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const content = r.schema ? { "application/json": { schema: REF(r.schema) } } : r.media ? { [r.media.type]: { schema: r.media.schema } } : undefined;
    responses[status] = {
      description: r.description,
      ...(r.headers ? { headers: Object.fromEntries(r.headers.map((h) => [h, HEADERS[h]])) } : {}),
      ...(content ? { content } : {}),
    };
  }
  for (const status of op.errors) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? "Rejected",
      ...(status === 429 ? { headers: { "Retry-After": { description: "Seconds to wait", schema: { type: "integer" } } } } : {}),
      content: { "application/json": { schema: REF("Error") } },
    };
  }
  return {
    operationId: op.operationId,
    summary: op.summary,
    tags: [op.tag],
    ...(op.security ? { security: op.security === "admin" ? [{ adminToken: [] }, { sessionCookie: [] }] : [{ writeKey: [] }] } : {}),
    parameters: [...params, ...query, ...ifMatch],
    ...(op.body ? { requestBody: { required: !op.body.optional, content: Object.fromEntries(op.body.types.map((t) => [t, { schema: REF(op.body!.schema) }])) } } : {}),
    responses,
  };
}

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "Invalid request", 401: "Missing or wrong credentials", 403: "Origin not allowed", 404: "No such site, lead or version",
  409: "The config kept changing during the save", 412: "If-Match does not name the version in force", 413: "Body too large",
  415: "Unsupported media type", 422: "The config has mistakes: every one, with its JSON path", 429: "Too many events",
};

/** Builds the OpenAPI 3.1 document from OPERATIONS. */
export function buildOpenApi(): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  return {
    openapi: "3.1.0",
    info: { title: "Leadscore", version: "1", description: "Real-time lead scoring at the edge", license: { name: "MIT", identifier: "MIT" } },
    tags: ["collect", "segment", "config", "leads", "webhooks", "meta"].map((name) => ({ name })),
    components: {
      securitySchemes: {
        adminToken: { type: "http", scheme: "bearer", description: "The ADMIN_TOKEN secret" },
        sessionCookie: { type: "apiKey", in: "cookie", name: "__Host-leadscore_session", description: "The console's session cookie (leadscore_session on a loopback http origin); writes also need the worker's own Origin" },
        writeKey: { type: "http", scheme: "basic", description: 'The site\'s secret write key ("<site>.<secret>") as user name, empty password; or `writeKey` in the body' },
      },
      schemas: allComponents(),
    },
    paths,
  };
}

export const openapi = new Hono<{ Bindings: Env }>();
let cached: JsonObject | null = null;
openapi.get("/openapi.json", (c) => c.json((cached ??= buildOpenApi())));
openapi.get("/config.schema.json", (c) => c.json(jsonSchema(siteConfigSchema)));
