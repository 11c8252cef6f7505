// `npm run bench`: Leadscore's benchmark. Runs the real worker and two baseline workers on local workerd,
// drives them from a separate load-generating process, meters what each event costs, times webhooks and
// weighs the snippet. Prints a table, checks the targets, writes bench/results.json and bench/RESULTS.md.
//
//   npm run bench                 the budgeted run (about 7 minutes on 2 cores)
//   npm run bench -- --full       100,000 distinct leads instead of 10,000 (about 45 minutes on 2 cores)
//   npm run bench -- --quick      a smoke run (a minute or two): same steps, tiny counts, writes only bench/.tmp/
//   node bench/run.mjs --render   rewrites bench/RESULTS.md from the stored results, measures nothing
//
// Environment: BENCH_PERSIST_DIR (default: a fresh directory on /dev/shm, see bench/README.md),
// BENCH_CONCURRENCY (default 8).

import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { dollarsPerMillionEvents, loadPrices, unitsPerEvent } from "./lib/cost.mjs";
import { putSiteConfig, runLoadProcess, tmpfsOr } from "./lib/drive.mjs";
import { load1, machineInfo, sourceInfo, systemBusyMs } from "./lib/machine.mjs";
import { startCountingReceiver } from "./lib/receiver.mjs";
import { checkTargets, printReport, renderResultsMarkdown } from "./lib/report.mjs";
import { ROOT, bundle, startTarget, waitForIdle, workerOptionsFrom } from "./lib/runtime.mjs";
import { SNIPPET_BUDGET_BYTES, snippetSizes } from "./lib/snippet.mjs";
import { BENCH_ORIGIN, BENCH_SITE, WEBHOOK_SECRET_ENV, WRITE_KEY_ENV, anonymousId, benchSiteConfig, realisticMix } from "./lib/workload.mjs";
import { measureSiteIndex } from "./lib/site-index.mjs";
import { measureTimeToWebhook } from "./lib/webhook-latency.mjs";

const args = new Set(process.argv.slice(2));
const MODE = args.has("--quick") ? "quick" : args.has("--full") ? "full" : args.has("--render") ? "render" : "default";
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

/**
 * The plan. Requests per target are chosen so the default run stays near 10 minutes on 2 cores: the
 * distinct-leads runs send one request per lead, so every request creates its object, which is what
 * 100,000 leads means for throughput; --full runs the literal 100,000.
 */
const PLANS = {
  default: {
    distributions: [
      { id: "1 lead", leads: 1, requests: { baseline: 10_000, single: 10_000, batch: 3_000 } },
      { id: "1,000 leads", leads: 1_000, requests: { baseline: 20_000, single: 20_000, batch: 5_000 } },
      { id: "10,000 leads", leads: 10_000, requests: { baseline: 10_000, single: 10_000, batch: 10_000 } },
    ],
    warmup: 300,
    costRequests: 1_000,
    mixLeads: 300,
    webhookLeads: 100,
    index: { leads: 100_000, updates: 4_000 },
  },
  full: {
    distributions: [
      { id: "1 lead", leads: 1, requests: { baseline: 10_000, single: 10_000, batch: 3_000 } },
      { id: "1,000 leads", leads: 1_000, requests: { baseline: 20_000, single: 20_000, batch: 5_000 } },
      { id: "100,000 leads", leads: 100_000, requests: { baseline: 100_000, single: 100_000, batch: 100_000 } },
    ],
    warmup: 300,
    costRequests: 1_000,
    mixLeads: 300,
    webhookLeads: 100,
    index: { leads: 100_000, updates: 4_000 },
  },
  quick: {
    distributions: [
      { id: "1 lead", leads: 1, requests: { baseline: 500, single: 500, batch: 200 } },
      { id: "100 leads", leads: 100, requests: { baseline: 1_000, single: 1_000, batch: 300 } },
      { id: "1,000 leads", leads: 1_000, requests: { baseline: 1_000, single: 1_000, batch: 1_000 } },
    ],
    warmup: 100,
    costRequests: 200,
    mixLeads: 30,
    webhookLeads: 20,
    index: { leads: 10_000, updates: 500 },
  },
};
const plan = PLANS[MODE] ?? PLANS.default;
/**
 * Distinct-lead runs go in waves of at most 2,000 new objects: local workerd keeps each object's SQLite
 * file open until it has been idle ~10 s and fails (SQLITE_NOMEM) beyond ~3,000 open ones. Between waves
 * the generator waits, unmeasured, until workerd has closed most of them (see bench/load.mjs).
 */
const WAVE = { size: 2_000, maxOpenFiles: 1_500, maxPauseMs: 20_000 };

const RUN_ID = `${new Date().toISOString().replace(/[-:]/g, "").slice(0, 15)}-${randomBytes(2).toString("hex")}`;
const TMP = join(ROOT, "bench/.tmp");
const PERSIST_ROOT = join(process.env.BENCH_PERSIST_DIR ?? tmpfsOr(TMP), `leadscore-bench-${RUN_ID}`);
const ADMIN_TOKEN = randomBytes(16).toString("hex");
const WEBHOOK_SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const WRITE_KEY = `${BENCH_SITE}.wk_${randomBytes(12).toString("hex")}`;

const started = Date.now();
const log = (line) => process.stdout.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);

async function main() {
  mkdirSync(PERSIST_ROOT, { recursive: true });
  const machine = machineInfo();
  const source = sourceInfo(ROOT);
  log(`measuring commit ${source.commit}${source.uncommitted.length ? ` with uncommitted changes in ${source.uncommitted.join(", ")}` : ""}`);
  log(`${MODE} run ${RUN_ID} on ${machine.nproc} × ${machine.cpuModel}, node ${machine.node}, workerd ${machine.workerd}; load ${load1()}`);

  const snippet = snippetSizes();
  log(`snippet: ${snippet.minifiedBytes} B minified, ${snippet.gzipBytes} B gzipped`);

  log("bundling the worker, the metered worker and the baselines with wrangler");
  const [realScript, meteredScript, emptyScript, oneWriteScript, siteIndexScript] = await Promise.all([
    bundle("wrangler.jsonc", join(TMP, "bundles/leadscore")),
    bundle("bench/instrumented/wrangler.jsonc", join(TMP, "bundles/metered")),
    bundle("bench/baselines/empty/wrangler.jsonc", join(TMP, "bundles/empty")),
    bundle("bench/baselines/one-write/wrangler.jsonc", join(TMP, "bundles/one-write")),
    bundle("bench/site-index/wrangler.jsonc", join(TMP, "bundles/site-index")),
  ]);
  // The metered build runs with the real worker's own bindings, straight from wrangler.jsonc.
  const leadscoreOptions = await workerOptionsFrom("wrangler.jsonc");
  const receiver = await startCountingReceiver();
  const leadscoreVars = (extra = {}) => ({ ADMIN_TOKEN, [WEBHOOK_SECRET_ENV]: WEBHOOK_SECRET, [WRITE_KEY_ENV]: WRITE_KEY, WEBHOOK_ALLOW_HOSTS: receiver.host, ...extra });
  const TARGETS = {
    empty: { name: "empty", scriptPath: emptyScript, options: await workerOptionsFrom("bench/baselines/empty/wrangler.jsonc") },
    oneWrite: { name: "one-write", scriptPath: oneWriteScript, options: await workerOptionsFrom("bench/baselines/one-write/wrangler.jsonc") },
    leadscore: { name: "leadscore", scriptPath: realScript, options: leadscoreOptions, vars: leadscoreVars(), site: true },
    metered: { name: "leadscore-metered", scriptPath: meteredScript, options: leadscoreOptions, vars: leadscoreVars(), site: true },
  };

  const runs = [];
  const SHAPES = [
    { key: "empty", target: TARGETS.empty, batch: 1, requests: (d) => d.requests.baseline, label: "baseline: empty Worker" },
    { key: "oneWrite", target: TARGETS.oneWrite, batch: 1, requests: (d) => d.requests.baseline, label: "baseline: 1 DO call, 1 row" },
    { key: "single", target: TARGETS.leadscore, batch: 1, requests: (d) => d.requests.single, label: "collect, 1 event" },
    { key: "batch", target: TARGETS.leadscore, batch: 10, requests: (d) => d.requests.batch, label: "collect, 10 events" },
  ];
  let n = 0;
  for (const dist of plan.distributions) {
    for (const shape of SHAPES) {
      n += 1;
      const run = await throughputRun(shape, dist, `t${n}`, receiver);
      runs.push(run);
      log(
        `${dist.id.padEnd(14)} ${shape.label.padEnd(26)} ${fmt(run.load.rps, 0).padStart(6)} req/s ${fmt(run.load.eps, 0).padStart(7)} ev/s ` +
          `p50 ${fmt(run.load.latencyMs.p50, 1)} ms p99 ${fmt(run.load.latencyMs.p99, 1)} ms, ${fmt(run.cpuMsPerEvent, 3)} CPU ms/event` +
          (run.failed ? `, ${run.failed} failed` : "") +
          `; other work ${fmt(run.otherCores, 2)} cores`,
      );
    }
  }

  log("cost pass: the metered worker, one request at a time");
  const { cost, mix } = await costPass(TARGETS.metered, runs, receiver);
  log(`realistic mix: ${mix.requests} requests, ${fmt(mix.eventsPerRequest, 2)} events each, ${fmt(mix.units.rowsWritten, 2)} rows written/event, $${fmt(mix.dollars.total, 3)} per million events`);
  for (const c of cost) {
    log(
      `${c.distribution.padEnd(14)} ${String(c.batch).padStart(2)} ev/req: ${fmt(c.units.doRequests, 3)} DO req/event, ${fmt(c.units.rowsWritten, 2)} rows written/event, ` +
        `${fmt(c.units.rowsRead, 2)} read/event, $${fmt(c.dollars.total, 3)} per million events; a lead stores ${c.leadStorage.events} events in ${c.leadStorage.databaseSize} B`,
    );
  }

  log(`time to webhook: ${plan.webhookLeads} leads crossing cold -> warm, one at a time`);
  const webhook = await measureTimeToWebhook({
    leads: plan.webhookLeads,
    secret: WEBHOOK_SECRET,
    prefix: `wh${RUN_ID.slice(-4)}`,
    start: async (extraVars) => {
      const instance = await startTarget({ ...TARGETS.leadscore, vars: leadscoreVars(extraVars) }, join(PERSIST_ROOT, "webhook"));
      webhookInstance = instance;
      return instance;
    },
    putConfig,
    settle: () => waitForIdle(webhookInstance.pid, { quietMs: 1000, maxMs: 30_000 }),
  });
  log(`time to webhook: p50 ${fmt(webhook.p50Ms, 1)} ms, p99 ${fmt(webhook.p99Ms, 1)} ms (${webhook.arrived}/${webhook.crossings} arrived, ${webhook.verified} verified)`);
  await receiver.close();

  log(`site index: ${plan.index.leads} leads in one Site object, its update rate next to a plain-row baseline, pages by the score now`);
  const siteIndexTarget = { name: "site-index", scriptPath: siteIndexScript, options: await workerOptionsFrom("bench/site-index/wrangler.jsonc"), vars: { ADMIN_TOKEN } };
  const siteIndexWorker = await startTarget(siteIndexTarget, join(PERSIST_ROOT, "site-index"));
  let siteIndex;
  try {
    siteIndex = await measureSiteIndex({ url: siteIndexWorker.url, leads: plan.index.leads, updates: plan.index.updates, concurrency: CONCURRENCY, log });
  } finally {
    await siteIndexWorker.dispose();
    rmSync(join(PERSIST_ROOT, "site-index"), { recursive: true, force: true });
  }

  const results = {
    schema: 1,
    runId: RUN_ID,
    mode: MODE,
    date: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    source,
    machine,
    method: {
      runtime: "workerd through Miniflare's API, one workerd process per target, a direct socket to the Worker (no Miniflare entry worker), no request logging",
      compatibilityDate: runs.find((r) => r.shape === "single")?.compatibilityDate,
      loadGenerator: "separate Node process (bench/load.mjs), node:http keep-alive agent, one connection per in-flight request",
      concurrency: CONCURRENCY,
      persist: PERSIST_ROOT.startsWith("/dev/shm") ? "tmpfs (/dev/shm), fresh per target" : "disk (bench/.tmp), fresh per target",
      plan,
    },
    snippet,
    throughput: runs,
    cost,
    mix,
    prices: loadPrices(),
    webhook,
    siteIndex,
  };
  results.targets = checkTargets(results);
  printReport(results);
  if (MODE === "quick") {
    mkdirSync(TMP, { recursive: true });
    writeFileSync(join(TMP, "results.quick.json"), JSON.stringify(results, null, 2) + "\n");
    writeFileSync(join(TMP, "RESULTS.quick.md"), renderResultsMarkdown({ main: results, full: null }));
    log("quick run: wrote bench/.tmp/results.quick.json and bench/.tmp/RESULTS.quick.md; bench/results.json and bench/RESULTS.md left as they were");
  } else {
    const name = MODE === "full" ? "results.full.json" : "results.json";
    writeFileSync(join(ROOT, "bench", name), JSON.stringify(results, null, 2) + "\n");
    const main = MODE === "full" ? (readJson("bench/results.json") ?? results) : results;
    const full = MODE === "full" ? results : readJson("bench/results.full.json");
    writeFileSync(join(ROOT, "bench/RESULTS.md"), renderResultsMarkdown({ main, full }));
    log(`wrote bench/${name} and bench/RESULTS.md in ${results.durationSeconds} s`);
  }
}

let webhookInstance = null;

/** One target, one lead distribution, one traffic shape, on a fresh workerd with fresh storage. */
async function throughputRun(shape, dist, tag, receiver) {
  const requests = shape.requests(dist);
  const persist = join(PERSIST_ROOT, tag);
  const worker = await startTarget(shape.target, persist);
  try {
    if (shape.target.site) await putConfig(worker.url, benchSiteConfig({ webhookUrl: receiver.url }));
    const spec = {
      url: worker.url,
      origin: BENCH_ORIGIN,
      site: BENCH_SITE,
      batch: shape.batch,
      leads: dist.leads,
      concurrency: CONCURRENCY,
      prefix: `${tag}${RUN_ID.slice(-4)}`,
    };
    // Warm-up on leads of its own, unmeasured, then let its background work (alarms, deliveries) finish.
    await runLoadProcess({ ...spec, prefix: `${spec.prefix}w`, leads: Math.min(dist.leads, plan.warmup), requests: plan.warmup });
    await waitForIdle(worker.pid, { quietMs: 750, maxMs: 30_000 });
    receiver.reset();
    const before = { cpu: worker.cpuMs(), load: load1(), system: systemBusyMs(), self: process.cpuUsage(), at: Date.now() };
    const load = await runLoadProcess({ ...spec, requests, ...(dist.leads > WAVE.size ? { waves: { ...WAVE, pid: worker.pid } } : {}) });
    const during = worker.cpuMs() - before.cpu;
    const afterLoad = load1();
    // Everything the machine did during the run minus workerd, the generator and this process: other work.
    const self = process.cpuUsage(before.self);
    const otherMs = systemBusyMs() - before.system - during - load.generatorCpuShare * load.elapsedMs - (self.user + self.system) / 1000;
    const otherCores = Math.max(0, otherMs / (Date.now() - before.at));
    // Background work the run caused (alarms, webhook deliveries, index updates) is part of its cost.
    const drain = await waitForIdle(worker.pid, { quietMs: 1000, maxMs: 120_000 });
    const total = worker.cpuMs() - before.cpu;
    const failed = load.requests - load.ok;
    return {
      distribution: dist.id,
      leads: dist.leads,
      shape: shape.key,
      label: shape.label,
      batch: shape.batch,
      compatibilityDate: worker.compatibilityDate,
      load,
      failed,
      cpuMsDuringLoad: during,
      cpuMsWithBackground: total,
      cpuMsPerEvent: load.events > 0 ? total / load.events : null,
      cpuMsPerRequest: load.ok > 0 ? total / load.ok : null,
      backgroundDrainMs: drain.waitedMs,
      backgroundDrained: drain.drained,
      workerdRssMB: Math.round(worker.rssBytes() / 1e6),
      webhooksDelivered: receiver.count(),
      load1: { before: before.load, after: afterLoad },
      otherCores: Math.round(otherCores * 100) / 100,
      workerdErrors: worker.errors(),
    };
  } finally {
    await worker.dispose();
    rmSync(persist, { recursive: true, force: true });
  }
}

/**
 * The same traffic shapes through the metered build, one request at a time (so each object's busy time is
 * its own, not time spent queueing behind other objects on a 2-core machine). Fewer requests than the
 * throughput runs, with the same number of requests per lead, so each lead sees the same event sequence.
 */
async function costPass(target, runs, receiver) {
  const worker = await startTarget(target, join(PERSIST_ROOT, "cost"));
  const meterUrl = `${worker.url}/__bench/meter`;
  const prices = loadPrices();
  const out = [];
  let mix = null;
  try {
    await putConfig(worker.url, benchSiteConfig({ webhookUrl: receiver.url }));
    const base = { url: worker.url, origin: BENCH_ORIGIN, site: BENCH_SITE, concurrency: 1 };
    // Warm-up, unmetered: compiles the code paths.
    await runLoadProcess({ ...base, prefix: `cw${RUN_ID.slice(-4)}`, batch: 10, leads: 20, requests: 100 });
    let n = 0;
    for (const dist of plan.distributions) {
      for (const [shape, batch] of [["single", 1], ["batch", 10]]) {
        n += 1;
        const throughput = runs.find((r) => r.distribution === dist.id && r.shape === shape);
        const perLead = Math.max(1, Math.round(dist.requests[shape] / dist.leads));
        const leads = dist.leads === 1 ? 1 : Math.max(1, Math.round(plan.costRequests / perLead));
        const requests = dist.leads === 1 ? plan.costRequests / 2 : leads * perLead;
        await waitForIdle(worker.pid, { quietMs: 750, maxMs: 60_000 });
        await fetch(meterUrl, { method: "DELETE" });
        const prefix = `c${n}${RUN_ID.slice(-4)}`;
        const load = await runLoadProcess({ ...base, prefix, batch, leads, requests });
        const drain = await waitForIdle(worker.pid, { quietMs: 1000, maxMs: 60_000 });
        const meter = await (await fetch(meterUrl)).json();
        // What one lead of the shape stores once its session is over (stats(): events kept, SQLite database size).
        const leadStorage = await (await fetch(`${worker.url}/__bench/lead?site=${BENCH_SITE}&anonymous=${anonymousId(prefix, 0)}`)).json();
        const units = unitsPerEvent(meter, batch, throughput?.cpuMsPerEvent ?? null, prices);
        out.push({
          distribution: dist.id,
          shape,
          batch,
          leads,
          requests,
          requestsPerLead: dist.leads === 1 ? requests : perLead,
          failed: load.requests - load.ok,
          backgroundDrained: drain.drained,
          meter,
          leadStorage: { events: leadStorage.events, databaseSize: leadStorage.databaseSize },
          leadRequestsPerCollect: (meter.collectCalls["LEADS.ingest"] ?? 0) / meter.collectRequests,
          doCallsPerCollect: Object.values(meter.collectCalls).reduce((a, b) => a + b, 0) / meter.collectRequests,
          ingestRowsWrittenPerEvent: meter.ingestReported.rowsWritten / (meter.collectRequests * batch),
          units,
          dollars: dollarsPerMillionEvents(units, prices),
          floor: floorDollars(batch, prices),
        });
      }
    }
    await waitForIdle(worker.pid, { quietMs: 750, maxMs: 60_000 });
    await fetch(meterUrl, { method: "DELETE" });
    mix = await mixPass(worker, meterUrl, runs, prices);
  } finally {
    await worker.dispose();
    rmSync(join(PERSIST_ROOT, "cost"), { recursive: true, force: true });
  }
  return { cost: out, mix };
}

/**
 * The realistic mix (bench/lib/workload.mjs realisticMix) through the metered build, one request at a
 * time: browser batches of 1-5 events and the shop back end's /v1/batch calls. CPU per event is the
 * 1,000-lead single-event run's CPU per request spread over the mix's events per request (an estimate:
 * the mix has no throughput run of its own; CPU is the smallest line of the bill either way).
 */
async function mixPass(worker, meterUrl, runs, prices) {
  const requests = realisticMix({ site: BENCH_SITE, prefix: `mx${RUN_ID.slice(-4)}`, leads: plan.mixLeads });
  let failed = 0;
  for (const r of requests) {
    const headers = r.path === "/e" ? { "content-type": "text/plain", origin: BENCH_ORIGIN } : { "content-type": "application/json", authorization: `Basic ${Buffer.from(`${WRITE_KEY}:`).toString("base64")}` };
    const res = await fetch(`${worker.url}${r.path}`, { method: "POST", headers, body: r.body });
    await res.arrayBuffer();
    if (res.status !== 200) failed += 1;
  }
  const drain = await waitForIdle(worker.pid, { quietMs: 1000, maxMs: 60_000 });
  const meter = await (await fetch(meterUrl)).json();
  const events = requests.reduce((n, r) => n + r.events, 0);
  const single = runs.find((r) => r.leads === 1_000 && r.shape === "single") ?? runs.find((r) => r.shape === "single");
  const eventsPerRequest = events / requests.length;
  const doRequests = Object.values(meter.doRequests).reduce((a, b) => a + b, 0);
  const units = {
    events,
    workerRequests: requests.length / events,
    workerCpuMs: single?.cpuMsPerRequest ? single.cpuMsPerRequest / eventsPerRequest : null,
    doRequests: doRequests / events,
    doGBSeconds: ((meter.activeMs / 1000) * prices.durableObjects.memoryGB) / events,
    rowsRead: meter.rowsRead / events,
    rowsWritten: (meter.rowsWritten + meter.setAlarm * prices.sqliteStorage.setAlarmRowsWritten) / events,
  };
  return {
    leads: plan.mixLeads,
    requests: requests.length,
    browserRequests: requests.filter((r) => r.path === "/e").length,
    serverRequests: requests.filter((r) => r.path !== "/e").length,
    events,
    eventsPerRequest,
    failed,
    backgroundDrained: drain.drained,
    meter,
    // The merge hand-over (absorbInto, releaseInto) is awaited inside an identify's answer: not background.
    backgroundPerRequest: mixBackground(meter, requests.length),
    units,
    dollars: dollarsPerMillionEvents(units, prices),
    floor: floorDollars(eventsPerRequest, prices),
  };
}

/** Durable Object requests of the mix not made while answering one of its requests: alarms, index updates, config. */
function mixBackground(meter, requests) {
  const inPath = ["LEADS.ingest", "LEADS.absorbInto", "LEADS.releaseInto"].reduce((n, k) => n + (meter.doRequests[k] ?? 0), 0);
  return (Object.values(meter.doRequests).reduce((a, b) => a + b, 0) - inPath) / requests;
}

/** The floor for a shape: one Worker request, one Durable Object request and one row written per request. */
function floorDollars(eventsPerRequest, prices) {
  return (prices.workers.requestsPerMillion + prices.durableObjects.requestsPerMillion + prices.sqliteStorage.rowsWrittenPerMillion) / eventsPerRequest;
}

/** Saves the bench site's config on a target with this run's admin token. */
function putConfig(url, config) {
  return putSiteConfig(url, ADMIN_TOKEN, config);
}

function readJson(path) {
  const file = join(ROOT, path);
  return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : null;
}

function fmt(value, digits) {
  return value === null || value === undefined || Number.isNaN(value) ? "–" : value.toFixed(digits);
}

if (MODE === "render") {
  // Rewrites bench/RESULTS.md from the stored results, measuring nothing (after a change to the report).
  const main = readJson("bench/results.json") ?? readJson("bench/results.full.json");
  if (!main) throw new Error("no bench/results.json or bench/results.full.json to render");
  // Targets are derived from the figures: a change to them (or to how one is computed) applies to stored runs.
  if (main.mix) main.mix.backgroundPerRequest = mixBackground(main.mix.meter, main.mix.requests);
  // The budget is scripts/build.mjs's; a stored run is checked against the current one.
  main.snippet.budgetBytes = SNIPPET_BUDGET_BYTES;
  main.targets = checkTargets(main);
  writeFileSync(join(ROOT, "bench/results.json"), JSON.stringify(main, null, 2) + "\n");
  writeFileSync(join(ROOT, "bench/RESULTS.md"), renderResultsMarkdown({ main, full: readJson("bench/results.full.json") }));
  log("rewrote bench/RESULTS.md from the stored results");
} else {
  // An interrupted run must not leave gigabytes of object storage on tmpfs; exiting also lets Miniflare
  // stop its workerd processes.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      process.stderr.write(`\n[bench] ${signal}: removing ${PERSIST_ROOT}\n`);
      rmSync(PERSIST_ROOT, { recursive: true, force: true });
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
  try {
    await main();
  } finally {
    rmSync(PERSIST_ROOT, { recursive: true, force: true });
  }
}
