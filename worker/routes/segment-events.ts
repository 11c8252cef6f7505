import { CHANNELS, type ScoringEvent } from "../scoring";
import type { SegmentMessage } from "./segment-schema";

/**
 * Segment's spec event names mapped to Leadscore's standard ones, so e-mail tools and shops that
 * already send "Email Opened" or "Product Added" score through the shipped models unchanged.
 */
const SEGMENT_EVENT_NAMES: Record<string, string> = {
  "product added": "cart_add",
  "order completed": "purchase",
  "email opened": "email_open",
  "email link clicked": "email_click",
  "unsubscribed": "unsubscribe",
  "email unsubscribed": "unsubscribe",
  "signed up": "signup",
  "form submitted": "form_submit",
  "live chat conversation started": "chat_open",
  "live chat message sent": "chat_message",
};

/** Events older than this are history imports gone wrong; newer than the clock allows are forged. */
export const MAX_AGE_MS = 400 * 24 * 60 * 60 * 1000;
export const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;

export function standardName(event: string): string {
  return SEGMENT_EVENT_NAMES[event.trim().toLowerCase()] ?? event;
}

/**
 * When the event happened on the worker's clock, corrected for the sender's skew the way Segment
 * does it: receivedAt - (sentAt - timestamp). Returns null for unparsable or out-of-range instants.
 */
export function eventTime(message: SegmentMessage, batchSentAt: string | undefined, now: number): number | null {
  const raw = message.timestamp ?? message.originalTimestamp;
  if (raw === undefined) return now;
  const at = Date.parse(raw);
  if (!Number.isFinite(at)) return null;
  const sentAt = Date.parse(message.sentAt ?? batchSentAt ?? "");
  const ts = Number.isFinite(sentAt) ? now - (sentAt - at) : at;
  return ts > now + MAX_FUTURE_MS || ts < now - MAX_AGE_MS ? null : Math.min(ts, now);
}

/** Keeps what rules can match: scalar props (nested values are dropped, not scored). */
function flatten(record: Record<string, unknown> | undefined): Record<string, string | number | boolean | null> | undefined {
  if (!record) return undefined;
  const out: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === null || ["string", "number", "boolean"].includes(typeof value)) out[key] = value as string | number | boolean | null;
  }
  return out;
}

function contextObject(message: SegmentMessage, key: string): Record<string, unknown> {
  const value = message.context?.[key];
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** Segment's `context.campaign` keys and the UTM props the engine's `utmSource`/`utmMedium`/`utmCampaign` read. */
const CAMPAIGN_PROPS: ReadonlyArray<readonly [string, string]> = [
  ["source", "utm_source"],
  ["medium", "utm_medium"],
  ["name", "utm_campaign"],
  ["term", "utm_term"],
  ["content", "utm_content"],
];

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

/** The campaign as UTM props (what the event's own properties say wins). */
function campaignProps(message: SegmentMessage): Record<string, string> {
  const campaign = contextObject(message, "campaign");
  const out: Record<string, string> = {};
  for (const [from, to] of CAMPAIGN_PROPS) {
    const value = text(campaign[from]);
    if (value !== undefined && message.properties?.[to] === undefined) out[to] = value;
  }
  return out;
}

/**
 * A marketing channel the sender named: `properties.channel`, else `context.channel`. Segment's own
 * libraries put "server", "browser" or "mobile" in `context.channel` (where the call came from, not how
 * the person arrived), so only the engine's channel names count.
 */
function namedChannel(message: SegmentMessage): string | undefined {
  for (const value of [message.properties?.channel, message.context?.channel]) {
    const name = text(value)?.trim().toLowerCase();
    if (name && (CHANNELS as readonly string[]).includes(name)) return name;
  }
  return undefined;
}

/** The page the call describes: `properties` first (a `page` call's own), then `context.page`. */
function pageFields(message: SegmentMessage): Pick<ScoringEvent, "url" | "path" | "referrer"> {
  const page = contextObject(message, "page");
  const pick = (key: string) => text(message.properties?.[key]) ?? text(page[key]);
  const out: Pick<ScoringEvent, "url" | "path" | "referrer"> = {};
  const path = pick("path");
  const search = pick("search");
  // A page without a URL but with path and search still carries its UTM query to the engine.
  const url = pick("url") ?? (path !== undefined && search !== undefined ? path + (search.startsWith("?") ? search : `?${search}`) : undefined);
  const referrer = pick("referrer");
  if (url !== undefined) out.url = url;
  if (path !== undefined) out.path = path;
  if (referrer !== undefined) out.referrer = referrer;
  return out;
}

/**
 * Converts one Segment message into an engine event (alias carries none: it only merges). Page, campaign
 * and channel come from `properties` and `context` the way Segment's libraries send them, so channel and
 * UTM rules score server-side events as they score the snippet's.
 *
 * @example toScoringEvent({ type: "track", event: "Email Link Clicked", context: { campaign: { medium: "email" } } }, "m1", ts)
 * // { id: "m1", name: "email_click", ts, props: { utm_medium: "email" } }
 */
export function toScoringEvent(message: SegmentMessage, id: string, ts: number): ScoringEvent | null {
  const base: ScoringEvent = { id, name: "", ts, ...pageFields(message) };
  const channel = namedChannel(message);
  if (channel) base.channel = channel;
  const campaign = campaignProps(message);
  switch (message.type) {
    case "track":
      return { ...base, name: standardName(message.event!), props: flatten({ ...campaign, ...message.properties }) ?? {} };
    case "page":
      return { ...base, name: "page_view", props: flatten({ ...campaign, ...message.properties, ...(message.name ? { name: message.name } : {}) }) ?? {} };
    case "identify":
      return { ...base, name: "identify", traits: withEmail(message.traits ?? {}, message.userId) };
    case "group":
      // Company traits sit under `company`, where B2B fit rules look ("company.employees").
      return { ...base, name: "group", traits: { company: { ...(message.traits ?? {}), id: message.groupId } } };
    case "alias":
      return null;
  }
}

function withEmail(traits: Record<string, unknown>, userId: string | null | undefined): Record<string, unknown> {
  return userId?.includes("@") && !traits.email ? { ...traits, email: userId.trim().toLowerCase() } : traits;
}
