import { isbot } from "isbot";

/**
 * Cloudflare's bot score runs 1-99: 1 is "automated", 2-29 "likely automated" (Bot Management docs).
 * Below 30 is what Cloudflare's own rules treat as a bot.
 */
const BOT_SCORE_HUMAN_MIN = 30;

/**
 * User-Agents of HTTP libraries and command-line tools (curl, Node's fetch, which sends "node",
 * python-requests…): no browser sends these, so a person is testing or a server is posting to the
 * browser endpoint, and they should be told where server-side events go.
 */
const SERVER_CLIENT =
  /^(curl|wget|httpie|xh|node|node-fetch|undici|axios|got|ky|deno|bun|python-requests|python-urllib|python-httpx|httpx|aiohttp|go-http-client|okhttp|java|apache-httpclient|jakarta|libwww-perl|php|guzzlehttp|ruby|faraday|rest-client|postmanruntime|insomnia|dart|reqwest|hyper)\b/i;

/** The part of `request.cf` the bot rule reads (present behind Cloudflare, absent on local workerd). */
export interface BotSignals {
  botManagement?: { score?: number; verifiedBot?: boolean } | null;
  verifiedBotCategory?: string | null;
}

export type BotVerdict = { bot: false } | { bot: true; reason: string; serverClient: boolean };

/**
 * Whether a collect request comes from a bot. Cloudflare's signals win when the request carries them
 * (a verified bot, a verified-bot category, a low bot score); they only ever add refusals, and the
 * User-Agent is checked either way: a
 * missing or empty one is a bot, as are HTTP libraries and the crawlers and headless browsers the
 * `isbot` pattern list knows.
 *
 * @example botVerdict("curl/8.5.0", undefined) // { bot: true, reason: "server-side HTTP client", serverClient: true }
 */
export function botVerdict(userAgent: string | null | undefined, cf: BotSignals | undefined): BotVerdict {
  const ua = (userAgent ?? "").trim();
  const serverClient = ua === "" || SERVER_CLIENT.test(ua);
  if (cf?.botManagement?.verifiedBot || cf?.verifiedBotCategory) return { bot: true, reason: `verified bot${cf.verifiedBotCategory ? ` (${cf.verifiedBotCategory})` : ""}`, serverClient: false };
  const score = cf?.botManagement?.score;
  if (typeof score === "number" && score > 0 && score < BOT_SCORE_HUMAN_MIN) return { bot: true, reason: `bot score ${score}`, serverClient };
  if (ua === "") return { bot: true, reason: "no User-Agent", serverClient };
  if (serverClient) return { bot: true, reason: "server-side HTTP client", serverClient };
  return isbot(ua) ? { bot: true, reason: "known bot User-Agent", serverClient: false } : { bot: false };
}
