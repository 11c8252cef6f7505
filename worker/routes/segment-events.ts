import type { ScoringEvent } from "../scoring";
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

function pageContext(message: SegmentMessage): Record<string, unknown> {
  const page = message.context?.page;
  return page && typeof page === "object" ? (page as Record<string, unknown>) : {};
}

/** Converts one Segment message into an engine event (alias carries none: it only merges). */
export function toScoringEvent(message: SegmentMessage, id: string, ts: number): ScoringEvent | null {
  const page = pageContext(message);
  const url = (message.properties?.url ?? page.url) as string | undefined;
  const path = (message.properties?.path ?? page.path) as string | undefined;
  const referrer = (message.properties?.referrer ?? page.referrer) as string | undefined;
  const base: ScoringEvent = { id, name: "", ts };
  if (typeof url === "string") base.url = url;
  if (typeof path === "string") base.path = path;
  if (typeof referrer === "string") base.referrer = referrer;
  switch (message.type) {
    case "track":
      return { ...base, name: standardName(message.event!), props: flatten(message.properties) ?? {} };
    case "page":
      return { ...base, name: "page_view", props: flatten({ ...message.properties, ...(message.name ? { name: message.name } : {}) }) ?? {} };
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
