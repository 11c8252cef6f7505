/**
 * The acquisition channel of an event when the event does not name one: from utm_medium (and ad click
 * ids) first, then from the referrer's host. Small data tables, first match wins.
 */
import type { Channel } from "./schema";

/** utm_medium values by channel (compared lower-case), after the GA4 default channel grouping. */
export const MEDIUM_CHANNELS: ReadonlyArray<readonly [RegExp, Channel]> = [
  [/^(cpc|ppc|cpm|cpv|cpa|paid.*|.*[-_]paid|display|banner|retargeting|remarketing|ads?|paidsearch)$/, "paid"],
  [/^(e-?mail|newsletter|mailchimp)$/, "email"],
  [/^(social|social[-_]?network|social[-_]?media|sm|social[-_]?organic)$/, "social"],
  [/^(organic|seo)$/, "organic"],
  [/^(referral|affiliate|partner)$/, "referral"],
  [/^(none|\(none\)|direct)$/, "direct"],
];

/** Query parameters that only ad platforms append: their presence means a paid click. */
export const AD_CLICK_PARAMS = ["gclid", "gbraid", "wbraid", "msclkid", "fbclid", "ttclid", "li_fat_id", "twclid"] as const;

/** Referrer hosts by channel; a host matches itself and its subdomains. */
export const REFERRER_CHANNELS: ReadonlyArray<readonly [RegExp, Channel]> = [
  [/(^|\.)(mail\.google\.com|outlook\.live\.com|outlook\.office\.com|mail\.yahoo\.com|mail\.proton\.me)$/, "email"],
  [/(^|\.)(google|bing|yahoo|yandex|baidu|duckduckgo|ecosia|qwant|startpage|naver|seznam)\.[a-z.]+$/, "organic"],
  [/(^|\.)search\.brave\.com$/, "organic"],
  [
    /(^|\.)(facebook\.com|fb\.com|instagram\.com|t\.co|twitter\.com|x\.com|linkedin\.com|lnkd\.in|reddit\.com|youtube\.com|pinterest\.com|tiktok\.com|threads\.net|bsky\.app|mastodon\.social|news\.ycombinator\.com|whatsapp\.com|telegram\.org|snapchat\.com)$/,
    "social",
  ],
];

/**
 * Derive the channel from an event's URL query and referrer.
 *
 * @example deriveChannel(new URLSearchParams("utm_medium=cpc"), undefined, "shop.example") // "paid"
 * @example deriveChannel(new URLSearchParams(), "www.google.de", "shop.example") // "organic"
 */
export function deriveChannel(query: URLSearchParams | undefined, referrerHost: string | undefined, ownHost: string | undefined): Channel {
  const medium = query?.get("utm_medium")?.trim().toLowerCase();
  if (medium) {
    const hit = MEDIUM_CHANNELS.find(([re]) => re.test(medium));
    if (hit) return hit[1];
  }
  if (query && AD_CLICK_PARAMS.some((p) => query.has(p))) return "paid";
  // Navigation inside the site is not a new source: the visitor came back directly.
  if (!referrerHost || referrerHost === ownHost) return "direct";
  const hit = REFERRER_CHANNELS.find(([re]) => re.test(referrerHost));
  return hit ? hit[1] : "referral";
}
