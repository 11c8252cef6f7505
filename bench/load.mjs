// The load generator: a separate Node process so that generating requests never shares an event loop
// (or, on a 2-core machine, a core's worth of scheduling) with the process that hosts workerd.
//
//   node bench/load.mjs '<json spec>'     -> prints one JSON result line on stdout
//
// It sends a bounded number of requests over keep-alive connections (one per in-flight request) and
// measures each request from write to the last byte of the answer. Bodies follow docs/WIRE.md and are
// built on the fly from the request index, so every target (baselines and the real worker) sees the
// same bytes for the same lead-id distribution.

import { readdirSync } from "node:fs";
import { Agent, request } from "node:http";
import { pathToFileURL } from "node:url";
import { collectBody } from "./lib/workload.mjs";

/**
 * @typedef {object} LoadSpec
 * @property {string} url           base URL, e.g. "http://127.0.0.1:8787"
 * @property {string} [path]        "/e"
 * @property {string} origin        sent as the Origin header
 * @property {string} site          site id in each body
 * @property {string} prefix        makes anonymous and event ids unique to this run
 * @property {number} leads         distinct leads; request i goes to lead i % leads
 * @property {number} requests      measured requests
 * @property {number} batch         events per request (1 or 10)
 * @property {number} concurrency   requests in flight (one keep-alive connection each)
 * @property {number} [warmup]      unmeasured requests first, on leads of their own
 * @property {number} [timeoutMs]   per-request timeout
 * @property {{ size: number, pid: number, maxOpenFiles: number, maxPauseMs: number }} [waves]
 *   send in waves of `size` requests and, between waves, wait (unmeasured) until workerd `pid` has fewer
 *   than `maxOpenFiles` files open. Local workerd keeps each Durable Object's SQLite database open until
 *   the object has been idle ~10 s and fails with SQLITE_NOMEM beyond ~3,000 open ones, so a run that
 *   creates objects faster than ~300/s must let it close some; the pauses are not counted as run time.
 */

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs a spec and resolves to its measurements. */
export async function runLoad(spec) {
  const url = new URL(spec.path ?? "/e", spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency, maxFreeSockets: spec.concurrency });
  const send = (body) =>
    new Promise((resolve) => {
      const started = process.hrtime.bigint();
      const req = request(
        url,
        {
          method: "POST",
          agent,
          headers: { "content-type": "text/plain", origin: spec.origin, "content-length": Buffer.byteLength(body) },
          timeout: spec.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        },
        (res) => {
          let bytes = 0;
          let head = "";
          res.on("data", (chunk) => {
            bytes += chunk.length;
            if (head.length < 300) head += chunk.toString("utf8");
          });
          res.on("end", () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, bytes, head }));
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", (error) => resolve({ status: 0, ms: Number(process.hrtime.bigint() - started) / 1e6, error: error.message }));
      req.end(body);
    });

  // Unmeasured warm-up on leads of its own: compiles the worker's code paths and fills the config cache.
  if (spec.warmup) {
    await drive(spec.warmup, spec.concurrency, (i) => send(collectBody({ ...spec, prefix: `${spec.prefix}w`, leads: Math.min(spec.leads, spec.warmup) }, i)));
  }

  const latencies = new Float64Array(spec.requests);
  const statuses = {};
  const samples = [];
  const cpuBefore = process.cpuUsage();
  const started = process.hrtime.bigint();
  let pausedMs = 0;
  let waves = 0;
  const waveSize = spec.waves?.size ?? spec.requests;
  for (let from = 0; from < spec.requests; from += waveSize) {
    if (from > 0) pausedMs += await pauseWhileBusy(spec.waves);
    waves += 1;
    await drive(Math.min(waveSize, spec.requests - from), spec.concurrency, (k) => one(from + k));
  }
  async function one(i) {
    const res = await send(collectBody(spec, i));
    latencies[i] = res.ms;
    const key = res.status === 0 ? `error:${res.error}` : String(res.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    // Keep a few answers of each kind: a 4xx here would mean the bench measured an error path.
    if (res.status !== 200 && samples.length < 5) {
      samples.push({ status: res.status, error: res.error, head: res.head, request: i, atMs: Math.round(Number(process.hrtime.bigint() - started) / 1e6), ms: Math.round(res.ms) });
    }
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6 - pausedMs;
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();

  latencies.sort();
  const ok = statuses["200"] ?? 0;
  return {
    requests: spec.requests,
    ok,
    events: ok * spec.batch,
    elapsedMs,
    rps: (spec.requests / elapsedMs) * 1000,
    eps: ((ok * spec.batch) / elapsedMs) * 1000,
    latencyMs: {
      p50: percentile(latencies, 0.5),
      p90: percentile(latencies, 0.9),
      p99: percentile(latencies, 0.99),
      max: latencies[latencies.length - 1],
      mean: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    },
    statuses,
    samples,
    // How busy the generator itself was: near 100% of a core means it, not the worker, set the pace.
    generatorCpuShare: (cpu.user + cpu.system) / 1000 / elapsedMs,
    waves,
    pausedMs: Math.round(pausedMs),
  };
}

/** Waits until workerd has closed enough idle objects' databases; resolves to the time waited. */
async function pauseWhileBusy({ pid, maxOpenFiles, maxPauseMs }) {
  const started = Date.now();
  while (Date.now() - started < maxPauseMs && openFiles(pid) >= maxOpenFiles) await new Promise((r) => setTimeout(r, 200));
  return Date.now() - started;
}

function openFiles(pid) {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return 0;
  }
}

/** Keeps `concurrency` calls of `task(i)` in flight until `total` have finished. */
async function drive(total, concurrency, task) {
  let next = 0;
  const lane = async () => {
    while (next < total) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
}

/** Nearest-rank percentile of a sorted array. */
export function percentile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runLoad(JSON.parse(process.argv[2]));
  process.stdout.write(JSON.stringify(result) + "\n");
}
