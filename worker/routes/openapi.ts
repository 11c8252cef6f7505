import { Hono } from "hono";
import { z } from "zod";
import type { Env } from "../env";
import { siteConfigSchema } from "../site/config";
import { deadLetterSchema, enableEndpointRequestSchema, enableEndpointResponseSchema, leadListQuerySchema, redeliverRequestSchema, simulateRequestSchema } from "./admin-schema";
import { collectBatchSchema, collectResponseSchema } from "./collect-schema";
import { aliasSchema, batchSchema, groupSchema, identifySchema, pageSchema, trackSchema } from "./segment-schema";

/** One documented operation: the same zod schemas that validate requests describe them here. */
interface Operation {
  method: "get" | "put" | "post" | "delete";
  path: string;
  summary: string;
  admin?: boolean;
  body?: z.ZodType;
  bodyType?: string;
  query?: z.ZodObject;
  response?: z.ZodType;
}

const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.array(z.object({ path: z.string(), message: z.string() })) }),
});

/** Every endpoint of the worker. A route added without a row here fails the OpenAPI test. */
export const OPERATIONS: Operation[] = [
  { method: "post", path: "/e", summary: "Collect a batch of one visitor's events from the snippet", body: collectBatchSchema, bodyType: "text/plain", response: collectResponseSchema },
  { method: "get", path: "/leadscore.js", summary: "The tracking snippet" },
  { method: "get", path: "/health", summary: "Liveness" },
  { method: "get", path: "/openapi.json", summary: "This document" },
  { method: "get", path: "/config.schema.json", summary: "JSON Schema of a site's scoring configuration, for editors" },
  { method: "post", path: "/v1/track", summary: "Segment-compatible track (HTTP Basic: write key as user name)", body: trackSchema, response: z.object({ success: z.boolean() }) },
  { method: "post", path: "/v1/identify", summary: "Segment-compatible identify: merges the anonymous id into the known lead", body: identifySchema },
  { method: "post", path: "/v1/page", summary: "Segment-compatible page", body: pageSchema },
  { method: "post", path: "/v1/group", summary: "Segment-compatible group: company traits under `company`", body: groupSchema },
  { method: "post", path: "/v1/alias", summary: "Segment-compatible alias: merges previousId into userId's lead", body: aliasSchema },
  { method: "post", path: "/v1/batch", summary: "Segment-compatible batch (what @segment/analytics-node sends)", body: batchSchema },
  { method: "get", path: "/v1/sites/{site}/config", summary: "The site's scoring configuration", admin: true },
  { method: "put", path: "/v1/sites/{site}/config", summary: "Replace the site's scoring configuration (422 names every mistake; an invalid config is never applied)", admin: true, body: siteConfigSchema },
  { method: "get", path: "/v1/sites/{site}/leads", summary: "Leads, highest score first", admin: true, query: leadListQuerySchema },
  { method: "get", path: "/v1/sites/{site}/leads/{lead}", summary: "A lead with its explanation and recent events; a merged anonymous id answers with its lead", admin: true },
  { method: "delete", path: "/v1/sites/{site}/leads/{lead}", summary: "Erase everything kept about a person, merged ids included", admin: true },
  { method: "post", path: "/v1/sites/{site}/simulate", summary: "Score events against the current or a given config, storing nothing", admin: true, body: simulateRequestSchema },
  { method: "get", path: "/v1/sites/{site}/webhooks/{endpoint}/dead-letters", summary: "Webhook messages that exhausted their retries", admin: true, response: z.object({ deadLetters: z.array(deadLetterSchema) }) },
  { method: "post", path: "/v1/sites/{site}/webhooks/{endpoint}/dead-letters/redeliver", summary: 'Redeliver dead letters: { "all": true } or { "messageIds": [...] }', admin: true, body: redeliverRequestSchema, response: z.object({ redelivering: z.number() }) },
  { method: "post", path: "/v1/sites/{site}/webhooks/{endpoint}/enable", summary: "Re-enable an endpoint disabled by a 410; lists (and with redeliverMissed redelivers) what it missed", admin: true, body: enableEndpointRequestSchema, response: enableEndpointResponseSchema },
];

function jsonSchema(schema: z.ZodType): unknown {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
}

/** Builds the OpenAPI 3.1 document from OPERATIONS. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const query = op.query ? Object.keys(op.query.shape).map((name) => ({ name, in: "query", required: false, schema: jsonSchema(op.query!.shape[name] as z.ZodType) })) : [];
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      summary: op.summary,
      ...(op.admin ? { security: [{ adminToken: [] }] } : {}),
      parameters: [...params, ...query],
      ...(op.body ? { requestBody: { required: true, content: { [op.bodyType ?? "application/json"]: { schema: jsonSchema(op.body) } } } } : {}),
      responses: {
        "200": { description: "OK", ...(op.response ? { content: { "application/json": { schema: jsonSchema(op.response) } } } : {}) },
        "4XX": { description: "Rejected: the contract's error body", content: { "application/json": { schema: jsonSchema(errorSchema) } } },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "Leadscore", version: "1", description: "Real-time lead scoring at the edge" },
    components: { securitySchemes: { adminToken: { type: "http", scheme: "bearer" } } },
    paths,
  };
}

export const openapi = new Hono<{ Bindings: Env }>();
let cached: Record<string, unknown> | null = null;
openapi.get("/openapi.json", (c) => c.json((cached ??= buildOpenApi())));
openapi.get("/config.schema.json", (c) => c.json(jsonSchema(siteConfigSchema) as object));
