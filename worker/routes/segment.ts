import { Hono, type Context } from "hono";
import { basicAuth } from "hono/basic-auth";
import type { Env } from "../env";
import { readSecret } from "../env";
import { secretsEqual } from "../http/auth";
import { readJson } from "../http/body";
import { ApiError, errorBody, issuesFromZod, type ErrorIssue } from "../http/errors";
import { leadIdForAnonymous, leadIdForUser, normaliseUserId } from "../lead/ids";
import { ingestForLead } from "../lead/ingest";
import type { ScoringEvent } from "../scoring";
import { siteIdSchema } from "../site/config";
import { loadSiteConfig } from "../site/config-cache";
import type { StoredConfig } from "../site/SiteObject";
import { eventTime, toScoringEvent } from "./segment-events";
import { batchSchema, MAX_SEGMENT_BATCH_BYTES, MAX_SEGMENT_EVENT_BYTES, SEGMENT_SCHEMAS, type SegmentMessage, type SegmentType } from "./segment-schema";

type SegmentEnv = { Bindings: Env; Variables: { writer?: Writer } };

export const segment = new Hono<SegmentEnv>();

const UNAUTHORIZED_MESSAGE = "Send the site's secret write key as HTTP Basic user name or as writeKey";
const BASIC_CHALLENGE = 'Basic realm="leadscore"';

function unauthorized(): ApiError {
  return new ApiError(401, "unauthorized", UNAUTHORIZED_MESSAGE, [], { "WWW-Authenticate": BASIC_CHALLENGE });
}

interface Writer {
  site: string;
  stored: StoredConfig;
}

/**
 * The site a write key belongs to, or null. Write keys look like `<site>.<secret>`: the site is
 * read from the key, and the whole key is compared in constant time with the secret the site's
 * config names.
 */
async function writerOf(env: Env, key: string, now: number): Promise<Writer | null> {
  const site = siteIdSchema.safeParse(key.split(".")[0]);
  if (!site.success) return null;
  const stored = await loadSiteConfig(env, site.data, now);
  const expected = stored?.config.writeKey ? readSecret(env, stored.config.writeKey.env) : undefined;
  return stored && expected && (await secretsEqual(key, expected)) ? { site: site.data, stored } : null;
}

/** hono's Basic check with the write key as user name (Segment sends an empty password). */
const writeKeyAuth = basicAuth({
  verifyUser: async (username, _password, c) => {
    const writer = username ? await writerOf(c.env as Env, username, Date.now()) : null;
    if (writer) c.set("writer", writer);
    return !!writer;
  },
  realm: "leadscore",
  // basicAuth answers 401 with this body as JSON and its own `Basic realm="leadscore"` challenge.
  invalidUserMessage: errorBody("unauthorized", UNAUTHORIZED_MESSAGE),
});

/**
 * Authenticates as Segment does: HTTP Basic with the write key as user name (empty password), or,
 * without a Basic header, `writeKey` in the body.
 */
async function authenticate(c: Context<SegmentEnv>, bodyKey: unknown, now: number): Promise<Writer> {
  const basic = /^\s*Basic\s/i.test(c.req.header("authorization") ?? "");
  if (!basic && typeof bodyKey === "string" && bodyKey) {
    const writer = await writerOf(c.env, bodyKey, now);
    if (!writer) throw unauthorized();
    return writer;
  }
  await writeKeyAuth(c, async () => {});
  return c.get("writer")!;
}

/** Validates each message with its type's schema; any mistake rejects the whole request, storing nothing. */
function parseMessages(items: unknown[], prefix: string, batchSentAt: string | undefined, now: number): Array<{ message: SegmentMessage; ts: number }> {
  const issues: ErrorIssue[] = [];
  const out: Array<{ message: SegmentMessage; ts: number }> = [];
  items.forEach((item, i) => {
    const path = items.length === 1 && prefix === "$" ? "$" : `${prefix}[${i}]`;
    if (JSON.stringify(item).length > MAX_SEGMENT_EVENT_BYTES) {
      issues.push({ path, message: "An event is at most 32 KB" });
      return;
    }
    const raw = item as { type: string };
    const type = (raw.type === "screen" ? "page" : raw.type) as SegmentType;
    const parsed = SEGMENT_SCHEMAS[type].safeParse(item);
    if (!parsed.success) {
      issues.push(...issuesFromZod(parsed.error).map((x) => ({ ...x, path: path + x.path.slice(1) })));
      return;
    }
    const message = { ...(parsed.data as object), type } as SegmentMessage;
    const ts = eventTime(message, batchSentAt, now);
    if (ts === null) {
      issues.push({ path: `${path}.timestamp`, message: "The timestamp is invalid, more than a day ahead, or more than 400 days old" });
      return;
    }
    out.push({ message, ts });
  });
  // Segment answers 400 for invalid and oversized events alike.
  if (issues.length > 0) throw new ApiError(400, "invalid_request", "Some events are invalid; nothing was stored", issues.slice(0, 50));
  return out;
}

interface LeadGroup {
  leadId: string;
  userId: string | null;
  anonymousId: string | null;
  events: ScoringEvent[];
}

/** Groups messages per lead and identity pair, in order: one object request per group. */
async function groupByLead(site: string, messages: Array<{ message: SegmentMessage; ts: number }>): Promise<LeadGroup[]> {
  const groups = new Map<string, LeadGroup>();
  for (const { message, ts } of messages) {
    const userId = message.userId ? normaliseUserId(message.userId) : null;
    const anonymousId = (message.type === "alias" ? message.previousId : message.anonymousId) ?? null;
    const leadId = userId ? await leadIdForUser(site, userId) : await leadIdForAnonymous(site, anonymousId!);
    const key = `${leadId}|${userId ? (anonymousId ?? "") : ""}`;
    const group = groups.get(key) ?? { leadId, userId, anonymousId, events: [] };
    groups.set(key, group);
    const event = toScoringEvent(message, message.messageId ?? `seg_${crypto.randomUUID()}`, ts);
    if (event) group.events.push(event);
  }
  return [...groups.values()];
}

async function ingestAll(env: Env, site: string, stored: StoredConfig, groups: LeadGroup[]): Promise<void> {
  // Groups of one lead go in order (a merge before the events that follow it); leads go in parallel.
  const byLead = new Map<string, LeadGroup[]>();
  for (const g of groups) byLead.set(g.leadId, [...(byLead.get(g.leadId) ?? []), g]);
  await Promise.all(
    [...byLead.values()].map(async (list) => {
      for (const g of list) await ingestForLead(env, { site, leadId: g.leadId, userId: g.userId, anonymousId: g.anonymousId, events: g.events, configVersion: stored.version, leadEventsPerMinute: stored.config.limits.leadEventsPerMinute });
    }),
  );
}

/**
 * What real server-side SDKs send: JSON as application/json (Segment's), text/plain, or labelled
 * application/x-www-form-urlencoded by axios when a client posts an already compressed body
 * (RudderStack's Node SDK). The body is JSON whatever the label; a real form body is a 400.
 */
const SEGMENT_BODY_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded"] as const;

async function readSegmentBody(c: Context<SegmentEnv>): Promise<Record<string, unknown>> {
  try {
    const body = await readJson(c.req.raw, { maxBytes: MAX_SEGMENT_BATCH_BYTES, types: SEGMENT_BODY_TYPES, encodings: ["gzip", "deflate"] });
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new ApiError(400, "invalid_request", "The body must be a JSON object");
    return body as Record<string, unknown>;
  } catch (err) {
    // Segment answers 400 for oversized payloads; keep its status for drop-in compatibility. A
    // compressed body over the limit or past the ratio stays a 413.
    if (err instanceof ApiError && err.code === "payload_too_large") throw new ApiError(400, err.code, "A batch is at most 500 KB");
    throw err;
  }
}

for (const type of Object.keys(SEGMENT_SCHEMAS) as SegmentType[]) {
  segment.post(`/v1/${type}`, async (c) => {
    const now = Date.now();
    const body = await readSegmentBody(c);
    const { site, stored } = await authenticate(c, body.writeKey, now);
    const messages = parseMessages([{ ...body, type }], "$", undefined, now);
    await ingestAll(c.env, site, stored, await groupByLead(site, messages));
    return c.json({ success: true });
  });
}

segment.post("/v1/batch", async (c) => {
  const now = Date.now();
  const body = await readSegmentBody(c);
  const { site, stored } = await authenticate(c, body.writeKey, now);
  const batch = batchSchema.safeParse(body);
  if (!batch.success) throw new ApiError(400, "invalid_request", "The batch does not match Segment's shape", issuesFromZod(batch.error));
  const items = batch.data.batch.map((item) => (batch.data.context && !item.context ? { ...item, context: batch.data.context } : item));
  const messages = parseMessages(items, "$.batch", batch.data.sentAt, now);
  await ingestAll(c.env, site, stored, await groupByLead(site, messages));
  return c.json({ success: true });
});
