// Time to webhook: from sending the event that takes a lead across a band line to the signed webhook
// arriving at a local receiver that verifies it (scripts/inspector.mjs, with the reference
// `standardwebhooks` library). One crossing at a time, on an otherwise idle worker: the floor a customer
// sees, alarm scheduling and outbox delivery included.

import { performance } from "node:perf_hooks";
import { startInspector } from "../../scripts/inspector.mjs";
import { percentile } from "../load.mjs";
import { BENCH_ORIGIN, BENCH_SITE, anonymousId, benchSiteConfig } from "./workload.mjs";

const HOOK_TIMEOUT_MS = 10_000;

/**
 * @param {object} options
 * @param {(vars: Record<string,string>) => Promise<{ url: string }>} options.start  starts the real worker with extra vars
 * @param {(url: string, config: object) => Promise<void>} options.putConfig
 * @param {string} options.secret  whsec_ secret the worker signs with
 * @param {number} options.leads   how many crossings to time
 * @param {() => Promise<void>} options.settle  waits until the worker is idle
 */
export async function measureTimeToWebhook({ start, putConfig, secret, leads, settle, prefix }) {
  const arrivals = new Map();
  const waiters = new Map();
  const inspector = await startInspector({
    port: 0,
    secret,
    respond(hook) {
      const at = performance.now();
      const key = `${hook.payload?.data?.lead?.id}|${hook.payload?.data?.current}`;
      if (hook.verified !== true) return undefined;
      if (!arrivals.has(key)) arrivals.set(key, at);
      waiters.get(key)?.(at);
      return undefined;
    },
  });
  const hostPort = new URL(inspector.url).host;
  const worker = await start({ WEBHOOK_ALLOW_HOSTS: hostPort });
  try {
    await putConfig(worker.url, benchSiteConfig({ webhookUrl: inspector.hooksUrl, types: ["lead.label_changed"] }));
    const post = async (anon, events) => {
      const res = await fetch(`${worker.url}/e`, {
        method: "POST",
        headers: { "content-type": "text/plain", origin: BENCH_ORIGIN },
        body: JSON.stringify({ s: BENCH_SITE, a: anon, e: events }),
      });
      if (res.status !== 200) throw new Error(`collect answered ${res.status}: ${await res.text()}`);
      return res.json();
    };
    const event = (id, k, n, path, p) => ({ i: id, k, n, t: Date.now(), l: BENCH_ORIGIN + path, ...(p ? { p } : {}) });

    // Every lead first views one product (12 points: cold), then waits; warm starts at 30.
    const ids = [];
    for (let i = 0; i < leads + 5; i++) {
      const anon = anonymousId(prefix, i);
      const answer = await post(anon, [event(`${prefix}-${i}-a`, "p", "page_view", "/products/house-blend")]);
      ids.push({ anon, leadId: answer.lead.id });
    }
    await settle();

    const latencies = [];
    const answers = [];
    let missing = 0;
    for (const [i, { anon, leadId }] of ids.entries()) {
      const key = `${leadId}|warm`;
      const arrived = new Promise((resolve) => {
        waiters.set(key, resolve);
        setTimeout(() => resolve(null), HOOK_TIMEOUT_MS).unref();
      });
      const sent = performance.now();
      // cart_add: +20, from 12 to 32 points, across the warm line.
      await post(anon, [event(`${prefix}-${i}-b`, "t", "cart_add", "/products/house-blend", { sku: "house-blend", price: 18 })]);
      const answered = performance.now();
      const at = await arrived;
      waiters.delete(key);
      // The first five are warm-up: code paths compiled, connections to the receiver open.
      if (i < 5) continue;
      if (at === null) missing += 1;
      else latencies.push(at - sent);
      answers.push(answered - sent);
    }
    const sorted = Float64Array.from(latencies).sort();
    const sortedAnswers = Float64Array.from(answers).sort();
    const verified = inspector.received.filter((h) => h.verified === true).length;
    const rejected = inspector.received.filter((h) => h.verified === false).length;
    return {
      crossings: leads,
      arrived: latencies.length,
      missing,
      verified,
      rejected,
      p50Ms: percentile(sorted, 0.5),
      p90Ms: percentile(sorted, 0.9),
      p99Ms: percentile(sorted, 0.99),
      maxMs: sorted[sorted.length - 1],
      collectAnswerP50Ms: percentile(sortedAnswers, 0.5),
    };
  } finally {
    await worker.dispose();
    await inspector.close();
  }
}
