// What the bench sends: the bench site's config and the collect bodies (docs/WIRE.md).
// Shared by the load generator and the orchestrator so every run builds the same bytes.

import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const BENCH_SITE = "bench";
export const BENCH_ORIGIN = "https://shop.bench";
export const WEBHOOK_SECRET_ENV = "BENCH_WEBHOOK_SECRET";

/**
 * A visitor's session as the snippet would report it, one entry per event. A lead's n-th event is
 * SESSION[n % 10]; a batched request carries ten consecutive ones. With the shipped B2C shop models this
 * walks a new lead cold -> warm -> engaged -> hot within ten events, so band crossings (webhooks, index
 * updates) happen at the rate a busy shop would see, not never and not on every event.
 */
export const SESSION = [
  { k: "p", n: "page_view", path: "/", r: "https://www.google.com/" },
  { k: "p", n: "page_view", path: "/products/house-blend" },
  { k: "p", n: "page_view", path: "/products/ethiopia-guji" },
  { k: "t", n: "configurator_choice", path: "/products/ethiopia-guji", p: { grind: "filter" } },
  { k: "p", n: "page_view", path: "/brew-guide" },
  { k: "p", n: "page_view", path: "/products/espresso-forte" },
  { k: "t", n: "cart_add", path: "/products/espresso-forte", p: { sku: "espresso-forte", price: 24 } },
  { k: "p", n: "page_view", path: "/pricing" },
  { k: "t", n: "chat_open", path: "/pricing" },
  { k: "p", n: "page_view", path: "/products/house-blend" },
];

/** The anonymous id of lead `index`: 8-64 characters of [A-Za-z0-9_-], as the snippet makes them. */
export function anonymousId(prefix, index) {
  return `${prefix}-${String(index).padStart(7, "0")}`;
}

/**
 * The body of request `i` of a run: lead `i % leads`, its next `batch` session events, unique event ids.
 *
 * @example collectBody({ site: "bench", prefix: "r1", leads: 1000, batch: 10 }, 42)
 */
export function collectBody(spec, i) {
  const lead = i % spec.leads;
  const round = Math.floor(i / spec.leads);
  const now = Date.now();
  const events = [];
  for (let j = 0; j < spec.batch; j++) {
    const step = SESSION[(round * spec.batch + j) % SESSION.length];
    const event = { i: `${spec.prefix}-${i}-${j}`, k: step.k, n: step.n, t: now - (spec.batch - 1 - j) * 1000, l: BENCH_ORIGIN + step.path };
    if (step.r && round === 0 && j === 0) event.r = step.r;
    if (step.p) event.p = step.p;
    events.push(event);
  }
  return JSON.stringify({ s: spec.site, a: anonymousId(spec.prefix, lead), e: events });
}

/**
 * The bench site: the shipped B2C shop models (examples/b2c-shop.json), limits out of the way (the bench
 * sends thousands of requests a second from one address), bots not filtered (the generator has no
 * browser user agent), and one signed webhook endpoint on the local receiver.
 */
export function benchSiteConfig({ webhookUrl, types }) {
  const shop = JSON.parse(readFileSync(join(ROOT, "examples/b2c-shop.json"), "utf8"));
  return {
    ...shop,
    writeKey: { env: WRITE_KEY_ENV },
    origins: [BENCH_ORIGIN],
    ignoreBots: false,
    limits: { leadEventsPerMinute: 1_000_000, clientRequestsPerMinute: 1_000_000 },
    webhooks: [{ id: "bench", url: webhookUrl, secret: { env: WEBHOOK_SECRET_ENV }, ...(types ? { types } : {}) }],
  };
}

export const WRITE_KEY_ENV = "BENCH_WRITE_KEY";

/**
 * The realistic mix: visitors browsing as real browsers report it (the snippet sends what one second
 * gathered, or at once on a first page view or an identify, so requests carry 1-5 events), a third of
 * them then signing up and buying, reported by the shop's back end through `/v1/batch` (an identify
 * with their anonymous id, which merges the browsing history, and an order). Deterministic: the same
 * leads and sizes on every run.
 *
 * @example realisticMix({ site: "bench", prefix: "m1", leads: 100 }) // [{ path: "/e", body, events }, ...]
 */
export function realisticMix(spec) {
  let x = 0x9e3779b9;
  const rand = (n) => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const requests = [];
  for (let lead = 0; lead < spec.leads; lead++) {
    const anon = anonymousId(spec.prefix, lead);
    let step = 0;
    while (step < SESSION.length) {
      const size = 1 + rand(5);
      const events = SESSION.slice(step, step + size).map((s, j) => {
        const e = { i: `${spec.prefix}-${lead}-${step + j}`, k: s.k, n: s.n, t: Date.now(), l: BENCH_ORIGIN + s.path };
        if (s.p) e.p = s.p;
        return e;
      });
      step += size;
      requests.push({ path: "/e", body: JSON.stringify({ s: spec.site, a: anon, e: events }), events: events.length });
    }
    if (lead % 3 === 0) {
      const userId = `${anon}@example.com`;
      const batch = [
        { type: "identify", userId, anonymousId: anon, traits: { email: userId }, messageId: `${spec.prefix}-${lead}-id` },
        { type: "track", userId, event: "purchase", properties: { total: 48 }, messageId: `${spec.prefix}-${lead}-buy` },
      ];
      requests.push({ path: "/v1/batch", body: JSON.stringify({ batch }), events: batch.length });
    }
  }
  return requests;
}
