import { Hono } from "hono";
import { cors } from "hono/cors";
import type { Env } from "../env";
import { botVerdict, type BotSignals } from "../abuse/bots";
import { countPromosShown, promoAllowed } from "../abuse/promo-limit";
import { ApiError, parseOr } from "../http/errors";
import { readJson } from "../http/body";
import { pathOf } from "../http/url";
import { WindowLimiter } from "../http/rate-limit";
import { addressBatch } from "../identity/address";
import { leadIdForUser, normaliseUserId } from "../lead/ids";
import { ingestForLead } from "../lead/ingest";
import type { IngestRequest, IngestResult } from "../lead/types";
import type { ScoringEvent } from "../scoring";
import { DEFAULT_PROMO_PER_CLIENT_PER_DAY } from "../site/config";
import { loadSiteConfig } from "../site/config-cache";
import { collectBatchSchema, type CollectBatch } from "./collect-schema";
import { originAllowed } from "./origins";

/** keepalive request bodies are capped at 64 KiB by browsers; nothing legitimate is larger. */
const MAX_COLLECT_BYTES = 64 * 1024;
/** Events older than this (by the visitor's own clock, relative to sending) are not scored. */
const MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;
const KIND_NAMES = { p: "page_view", i: "identify" } as const;
const CLIENT_LIMITER = new WindowLimiter(60_000);
const SERVER_SIDE_HINT =
  "POST /e takes events from the browser snippet. From a server, send them to the Segment-compatible API (POST /v1/track, /v1/identify, /v1/page, /v1/batch) with the site's secret write key as the HTTP Basic user name";

export const collect = new Hono<{ Bindings: Env }>();

// Reflecting the origin is safe: the answer carries no credentials, and the POST handler refuses
// origins the site does not list before it reads or writes anything.
const preflight = cors({ origin: (origin) => origin || null, allowMethods: ["POST"], allowHeaders: ["Content-Type"], maxAge: 86400 });
collect.use("/e", async (c, next) => {
  if (c.req.method === "OPTIONS") return preflight(c, next);
  await next();
  // What hono's cors adds to an actual request (errors included), set once the answer exists: set
  // before it, hono builds an empty response for them first and copies them into a third one.
  const origin = c.req.header("origin");
  if (origin) c.header("Access-Control-Allow-Origin", origin);
  c.header("Vary", "Origin", { append: true });
});

collect.post("/e", async (c) => {
  const now = Date.now();
  const origin = c.req.header("origin");
  // text/plain keeps the request CORS-simple (no preflight); application/json is accepted too.
  const raw = await readJson(c.req.raw, { maxBytes: MAX_COLLECT_BYTES, types: ["text/plain", "application/json"] });
  const batch = parseOr(collectBatchSchema, raw);

  const stored = await loadSiteConfig(c.env, batch.s, now);
  if (!stored) throw new ApiError(404, "unknown_site", `No site "${batch.s}" is configured`);
  const { config } = stored;
  if (!origin || !originAllowed(origin, config.origins, () => new URL(c.req.url).origin)) {
    throw new ApiError(403, "origin_not_allowed", refusal(batch.s, origin));
  }
  const client = c.req.header("cf-connecting-ip") ?? "local";
  const wait = CLIENT_LIMITER.take(`${batch.s}|${client}`, 1, config.limits.clientRequestsPerMinute, now);
  if (wait > 0) throw new ApiError(429, "rate_limited", "Too many requests from this client; try again later", [], { "Retry-After": String(wait) });
  if (config.ignoreBots) {
    const verdict = botVerdict(c.req.header("user-agent"), c.req.raw.cf as BotSignals | undefined);
    // A server-side tool is a developer's mistake worth an error that says where to go; a crawler is not.
    if (verdict.bot && verdict.serverClient) throw new ApiError(403, "use_server_api", SERVER_SIDE_HINT);
    if (verdict.bot) return c.json({ ignored: "bot", accepted: 0, duplicates: 0, actions: [] }, 202);
  }

  // Events only the site's servers may report: dropped before anything is addressed or scored.
  const serverOnly = new Set(config.serverOnlyEvents);
  const kept = batch.e.filter((e) => !serverOnly.has(wireName(e)));
  const browserBatch: CollectBatch = { ...batch, e: kept };
  const addressed = await addressBatch(c.env, batch.s, config.identity, browserBatch, now);
  const maxPromos = config.promo?.maxPerClientPerDay ?? DEFAULT_PROMO_PER_CLIENT_PER_DAY;
  const request: IngestRequest = {
    site: batch.s,
    leadId: addressed.leadId,
    userId: addressed.userId,
    anonymousId: batch.a,
    events: toScoringEvents(browserBatch, now, addressed.claimedUserId),
    configVersion: stored.version,
    leadEventsPerMinute: config.limits.leadEventsPerMinute,
    verified: addressed.verified,
    promoAllowed: promoAllowed(batch.s, client, maxPromos, now),
  };
  const result = await ingestClaimOr(c.env, request, addressed.claimedUserId, () => toScoringEvents(browserBatch, now));
  countPromosShown(batch.s, client, result.actions.filter((a) => a.type === "promo").length, now);
  return c.json({ lead: { id: result.lead.id, score: result.lead.score, label: result.lead.label, stage: result.lead.stage, ...(result.lead.grade !== undefined ? { grade: result.lead.grade } : {}) }, actions: result.actions, accepted: result.accepted, duplicates: result.duplicates, ignored: batch.e.length - kept.length });
});

/**
 * An unverified claim first goes to the claimed lead as a claim (a sign-up creating a new lead, or the
 * same browser feeding the unverified lead it created); a lead that refuses it is left alone and the
 * batch is scored on the browser's own anonymous lead, as the claimed id's `claimedUserId` trait. The
 * common path stays one object request; only a refused claim costs a second.
 *
 * @example await ingestClaimOr(env, anonymousRequest, "ada@example.com", () => eventsAsTheKnownLead)
 */
async function ingestClaimOr(env: Env, request: IngestRequest, claimedUserId: string | null, claimEvents: () => ScoringEvent[]): Promise<IngestResult> {
  if (!claimedUserId) return ingestForLead(env, request);
  const leadId = await leadIdForUser(request.site, claimedUserId);
  const claimed = await ingestForLead(env, { ...request, leadId, userId: claimedUserId, verified: false, claim: true, events: claimEvents() });
  return claimed.claimRejected ? ingestForLead(env, request) : claimed;
}

/**
 * The 403's message names the fix, because the snippet shows it in the page's console: on a first
 * install it is the only sign of why nothing arrives.
 *
 * @example refusal("shop", "https://shop.example")
 *   // 'Events for "shop" are not accepted from https://shop.example: add "https://shop.example" to the origins of the site config'
 */
export function refusal(site: string, origin: string | undefined): string {
  return origin
    ? `Events for "${site}" are not accepted from ${origin}: add "${origin}" to the origins of the site config`
    : `Events for "${site}" are not accepted from a request without an Origin header (browsers always send one)`;
}

/**
 * Maps wire events to engine events, on the worker's clock: a visitor's clock can be off by
 * hours, so each event keeps only its offset from the newest event in the batch (sent last).
 * `claimedUserId` is a user id the browser claimed without proof: its identify events keep it as the
 * `claimedUserId` trait (and do not take it as the `email` trait), so the claim joins the person's
 * lead only once it is confirmed.
 */
export function toScoringEvents(batch: CollectBatch, now: number, claimedUserId: string | null = null): ScoringEvent[] {
  const newest = Math.max(...batch.e.map((e) => e.t));
  return batch.e.flatMap((e) => {
    const age = newest - e.t;
    if (age > MAX_EVENT_AGE_MS) return [];
    const event: ScoringEvent = { id: e.i, name: wireName(e), ts: now - age };
    if (e.l) {
      event.url = e.l;
      event.path = pathOf(e.l);
    }
    if (e.r) event.referrer = e.r;
    if (e.p) event.props = e.p;
    if (e.k === "i") event.traits = claimedUserId ? { ...e.tr, claimedUserId } : identifyTraits(e.tr, batch.u);
    return [event];
  });
}

/** The engine's name of a wire event: page views and identifies are named by their kind. */
function wireName(e: Pick<CollectBatch["e"][number], "k" | "n">): string {
  return e.k === "t" ? e.n : KIND_NAMES[e.k];
}

/** Fit rules match on e-mail domains, so an e-mail user id is also the `email` trait unless one is given. */
function identifyTraits(traits: Record<string, unknown> | undefined, userId: string | undefined): Record<string, unknown> {
  const email = userId?.includes("@") ? normaliseUserId(userId) : undefined;
  return email && !traits?.email ? { ...traits, email } : { ...traits };
}
