/**
 * What rules test about an event, derived once per event (not once per rule): path, channel, UTM values.
 */
import { deriveChannel } from "./channel";
import { CHANNELS, type Channel } from "./schema";
import type { ScoringEvent, VisitState } from "./types";

export interface EventFacts {
  path: string | undefined;
  /** the visit the event belongs to, as the model being scored cuts visits (set per model by ingest) */
  visit?: VisitState;
  channel: Channel;
  utmSource: string | undefined;
  utmMedium: string | undefined;
  utmCampaign: string | undefined;
}

function parseUrl(url: string | undefined): URL | undefined {
  if (!url) return undefined;
  try {
    // The base lets a bare path ("/pricing?x=1") parse too.
    return new URL(url, "http://relative.invalid");
  } catch {
    return undefined;
  }
}

function hostOf(url: string | undefined): string | undefined {
  return hostOfParsed(parseUrl(url));
}

function hostOfParsed(parsed: URL | undefined): string | undefined {
  return parsed && parsed.hostname !== "relative.invalid" ? parsed.hostname.toLowerCase() : undefined;
}

function utm(query: URLSearchParams | undefined, event: ScoringEvent, key: string): string | undefined {
  const fromUrl = query?.get(key);
  if (fromUrl) return fromUrl;
  const fromProps = event.props?.[key];
  return typeof fromProps === "string" && fromProps !== "" ? fromProps : undefined;
}

/** The query the channel is derived from: a server-side event's `utm_medium` prop counts as if in the URL. */
function withMedium(query: URLSearchParams | undefined, medium: string | undefined): URLSearchParams | undefined {
  if (medium === undefined || query?.get("utm_medium")) return query;
  const copy = new URLSearchParams(query);
  copy.set("utm_medium", medium);
  return copy;
}

/**
 * Path (from `path`, else the URL), channel (explicit, else derived) and UTM values (URL, else props).
 *
 * @example eventFacts({ id: "1", name: "page_view", ts: 0, url: "https://a.example/pricing?utm_medium=email" })
 * // { path: "/pricing", channel: "email", utmMedium: "email", ... }
 */
export function eventFacts(event: ScoringEvent): EventFacts {
  const url = parseUrl(event.url);
  const query = url?.searchParams;
  const utmMedium = utm(query, event, "utm_medium");
  const explicit = event.channel?.toLowerCase();
  const channel = (CHANNELS as readonly string[]).includes(explicit ?? "")
    ? (explicit as Channel)
    : deriveChannel(withMedium(query, utmMedium), hostOf(event.referrer), hostOfParsed(url));
  return {
    path: event.path ?? url?.pathname,
    channel,
    utmSource: utm(query, event, "utm_source"),
    utmMedium,
    utmCampaign: utm(query, event, "utm_campaign"),
  };
}
