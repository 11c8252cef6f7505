// Targets, the printed table and bench/RESULTS.md, all from one results object (bench/results.json).
import { existsSync, readFileSync } from "node:fs";

/** What the last full run's misses come from (written after reading its profile); rendered into RESULTS.md. */
const NOTES = new URL("../notes.md", import.meta.url);

/** The targets (issue 9), each checked per lead distribution where it applies. */
export const TARGETS = {
  singleThroughput: { min: 0.7, title: "collect throughput ≥ 0.7 × the one-write DO baseline, single events, every distribution" },
  batchEvents: { min: 1, title: "more events/s than the one-write DO baseline, batches of 10" },
  doPerCollect: { max: 1, title: "at most 1 Durable Object request per collect request in the answer's path" },
  background: { max: 0.3, title: "at most 0.3 background Durable Object requests per collect request (alarms, index updates, endpoint state)" },
  rowsBatch: { few: 0.25, distinct: 0.6, title: "SQLite rows written per event, batches of 10: ≤ 0.25 at 1 and 1,000 leads, ≤ 0.6 at distinct leads" },
  rowsSingle: { few: 1.3, distinct: 2.5, title: "SQLite rows written per event, single events: ≤ 1.3 at 1 and 1,000 leads, ≤ 2.5 at distinct leads" },
  costBatch: { max: 0.35, title: "cost per million events, batches of 10, at 1 and 1,000 leads ≤ $0.35" },
  costSingle: { max: 1.8, title: "cost per million events, single events, at 1 and 1,000 leads ≤ $1.80" },
  webhookP50: { max: 50, title: "time to webhook p50 < 50 ms" },
  snippet: { title: "snippet within its gzip budget (scripts/build.mjs)" },
  siteIndex: { updatesPerSecond: 100, firstPageMs: 50, title: "one Site object holds a site of 1 million leads and 100 label changes per second: ≥ 100 index updates/s one at a time, first page by the score now ≤ 50 ms" },
};

/** The scale-out figures of the site-index pass (issue 11): headroom over 100 label changes per second. */
export function siteIndexFigures(si) {
  const single = si.throughput.find((t) => t.batch === 1);
  const first = si.pages.find((p) => p.name === "first page");
  return { single, first, headroom: single.site / TARGETS.siteIndex.updatesPerSecond };
}

const run = (results, dist, shape) => results.throughput.find((r) => r.distribution === dist && r.shape === shape);
const distributions = (results) => [...new Set(results.throughput.map((r) => r.distribution))];
/** The distinct-leads distribution: one request per lead (10,000, or 100,000 with --full). */
const isDistinct = (c) => c.leads !== undefined && c.requestsPerLead === 1;

/** Ratios of a collect run against the baselines of the same distribution. */
export function ratios(results, dist, shape) {
  const r = run(results, dist, shape);
  const empty = run(results, dist, "empty");
  const one = run(results, dist, "oneWrite");
  if (!r || !one || !empty) return null;
  return {
    rpsVsEmpty: r.load.rps / empty.load.rps,
    epsVsEmpty: r.load.eps / empty.load.eps,
    p50VsEmpty: r.load.latencyMs.p50 / empty.load.latencyMs.p50,
    p99VsEmpty: r.load.latencyMs.p99 / empty.load.latencyMs.p99,
    rpsVsOneWrite: r.load.rps / one.load.rps,
    epsVsOneWrite: r.load.eps / one.load.eps,
    p50VsOneWrite: r.load.latencyMs.p50 / one.load.latencyMs.p50,
    p99VsOneWrite: r.load.latencyMs.p99 / one.load.latencyMs.p99,
  };
}

/** Background Durable Object requests per collect request: everything not made by the collect handler. */
export function backgroundPerCollect(c) {
  return (Object.values(c.meter.doRequests).reduce((a, b) => a + b, 0) - c.doCallsPerCollect * c.meter.collectRequests) / c.meter.collectRequests;
}

function maxCase(caseName, x, max, unit, digits = 2) {
  return { case: caseName, value: x, text: `${f(x, digits)}${unit}`, pass: x <= max, miss: x <= max ? null : `over by ${f(x - max, digits)}${unit} (${pct(x / max - 1)})` };
}

export function checkTargets(results) {
  const out = [];
  const dists = distributions(results);

  const single = dists.map((d) => {
    const x = ratios(results, d, "single")?.rpsVsOneWrite ?? NaN;
    return { case: d, value: x, text: `${f(x, 2)}×`, pass: x >= TARGETS.singleThroughput.min, miss: x >= TARGETS.singleThroughput.min ? null : `needs ${f(TARGETS.singleThroughput.min / x, 1)}× the throughput` };
  });
  out.push({ id: "singleThroughput", ...TARGETS.singleThroughput, cases: single });

  const batch = dists.map((d) => {
    const x = ratios(results, d, "batch")?.epsVsOneWrite ?? NaN;
    return { case: d, value: x, text: `${f(x, 2)}× the baseline's events/s`, pass: x > TARGETS.batchEvents.min, miss: x > 1 ? null : `short by ${pct(1 - x)}` };
  });
  out.push({ id: "batchEvents", ...TARGETS.batchEvents, cases: batch });

  const dos = results.cost.map((c) => {
    const x = c.leadRequestsPerCollect;
    const config = c.doCallsPerCollect - c.leadRequestsPerCollect;
    return {
      case: `${c.distribution}, ${c.batch} ev/req`,
      value: x,
      text: `${f(x, 3)} Lead-object requests; +${f(config, 4)} config refreshes (1 per isolate per 5 s)`,
      pass: x <= TARGETS.doPerCollect.max,
      miss: x <= 1 ? null : `over by ${f(x - 1, 3)}`,
    };
  });
  out.push({ id: "doPerCollect", ...TARGETS.doPerCollect, cases: dos });

  const background = results.cost.map((c) => {
    const parts = Object.entries(c.meter.doRequests)
      .filter(([k]) => k !== "LEADS.ingest")
      .map(([k, v]) => `${k} ${f(v / c.meter.collectRequests, 3)}`)
      .join(", ");
    const m = maxCase(`${c.distribution}, ${c.batch} ev/req`, backgroundPerCollect(c), TARGETS.background.max, "", 3);
    return { ...m, text: `${m.text}${parts ? ` (${parts})` : ""}` };
  });
  if (results.mix) background.push(maxCase("realistic mix", results.mix.backgroundPerRequest, TARGETS.background.max, " per request", 3));
  out.push({ id: "background", ...TARGETS.background, cases: background });

  for (const [id, batchSize] of [["rowsBatch", 10], ["rowsSingle", 1]]) {
    const t = TARGETS[id];
    const cases = results.cost
      .filter((c) => c.batch === batchSize)
      .map((c) => {
        const max = isDistinct(c) ? t.distinct : t.few;
        const m = maxCase(c.distribution, c.units.rowsWritten, max, " rows/event");
        return { ...m, text: `${m.text} (collect path alone ${f(c.ingestRowsWrittenPerEvent, 2)}; target ≤ ${max})` };
      });
    out.push({ id, ...t, cases });
  }

  for (const [id, batchSize] of [["costBatch", 10], ["costSingle", 1]]) {
    const t = TARGETS[id];
    const cases = results.cost
      .filter((c) => c.batch === batchSize && !isDistinct(c))
      .map((c) => {
        const m = maxCase(c.distribution, c.dollars.total, t.max, "");
        return { ...m, text: `$${f(c.dollars.total, 3)}, ${f(c.dollars.total / c.floor, 2)}× the floor of $${f(c.floor, 3)}` };
      });
    out.push({ id, ...t, cases });
  }

  const w = results.webhook.p50Ms;
  out.push({
    id: "webhookP50",
    ...TARGETS.webhookP50,
    cases: [{ case: `${results.webhook.arrived}/${results.webhook.crossings} crossings`, value: w, text: `p50 ${f(w, 1)} ms, p99 ${f(results.webhook.p99Ms, 1)} ms`, pass: w < 50 && results.webhook.missing === 0, miss: w < 50 ? (results.webhook.missing ? `${results.webhook.missing} webhooks never arrived` : null) : `over by ${f(w - 50, 1)} ms` }],
  });

  const g = results.snippet.gzipBytes;
  const b = results.snippet.budgetBytes;
  out.push({
    id: "snippet",
    ...TARGETS.snippet,
    cases: [{ case: results.snippet.file, value: g, text: `${g} B gzipped (${results.snippet.minifiedBytes} B minified), budget ${b} B`, pass: g <= b, miss: g <= b ? null : `over by ${g - b} B` }],
  });

  if (results.siteIndex) {
    const { single, first, headroom } = siteIndexFigures(results.siteIndex);
    const t = TARGETS.siteIndex;
    out.push({
      id: "siteIndex",
      ...t,
      cases: [
        { case: "index updates, 1 entry per request", value: single.site, text: `${n(Math.round(single.site))}/s, ${f(single.ratio, 2)}× the plain-row baseline, ${f(headroom, 1)}× the 100/s needed`, pass: single.site >= t.updatesPerSecond, miss: single.site >= t.updatesPerSecond ? null : `short by ${f(t.updatesPerSecond - single.site, 0)}/s` },
        { case: `first page of 50 at ${n(results.siteIndex.leads)} leads`, value: first.p50Ms, text: `p50 ${f(first.p50Ms, 1)} ms, ${first.rowsScanned} rows read`, pass: first.p50Ms <= t.firstPageMs, miss: first.p50Ms <= t.firstPageMs ? null : `over by ${f(first.p50Ms - t.firstPageMs, 1)} ms` },
      ],
    });
  }
  for (const t of out) t.pass = t.cases.every((c) => c.pass);
  return out;
}

export function printReport(results) {
  const w = (s) => process.stdout.write(s + "\n");
  w("");
  w(`Ingest throughput: ${results.method.concurrency} requests in flight, ${results.method.runtime.split(",")[0]}; ratios against the baselines of the same lead distribution`);
  w(table(throughputRows(results), THROUGHPUT_COLUMNS));
  w("");
  w("Ratios to the baselines of the same distribution (rates: above 1× is faster; latencies: above 1× is slower)");
  w(table(ratioRows(results), RATIO_COLUMNS));
  w("");
  w(`Cost per million events at Cloudflare list prices as of ${results.prices.asOf} (bench/prices.json)`);
  w(table(costRows(results), COST_COLUMNS));
  w("");
  w(`Time to webhook (${results.webhook.crossings} leads crossing cold → warm, verified signatures): p50 ${f(results.webhook.p50Ms, 1)} ms, p90 ${f(results.webhook.p90Ms, 1)} ms, p99 ${f(results.webhook.p99Ms, 1)} ms, max ${f(results.webhook.maxMs, 1)} ms`);
  const s = results.snippet;
  w(`Snippet: ${s.minifiedBytes} B minified, ${s.gzipBytes} B gzip -9, ${s.brotliBytes} B brotli (budget ${s.budgetBytes} B gzipped); published: ${s.published.trackers.map((t) => `${t.name} ${t.published}`).join(", ")}`);
  w("");
  for (const t of results.targets) {
    w(`${t.pass ? "PASS" : "MISS"}  ${t.title}`);
    for (const c of t.cases) w(`        ${c.pass ? "pass" : "MISS"}  ${c.case}: ${c.text}${c.miss ? ` — ${c.miss}` : ""}`);
  }
  w("");
}

const THROUGHPUT_COLUMNS = ["leads", "target", "requests", "req/s", "events/s", "p50 ms", "p99 ms", "CPU ms/event", "failed", "generator CPU"];

function throughputRows(results) {
  return results.throughput.map((r) => [
    r.distribution,
    r.label,
    String(r.load.requests),
    f(r.load.rps, 0),
    f(r.load.eps, 0),
    f(r.load.latencyMs.p50, 1),
    f(r.load.latencyMs.p99, 1),
    f(r.cpuMsPerEvent, 3),
    String(r.failed),
    // Near 100% means the load generator, not the worker, set the pace (the empty baseline, usually).
    `${Math.round(r.load.generatorCpuShare * 100)}%`,
  ]);
}

const RATIO_COLUMNS = ["leads", "target", "req/s ÷ empty", "events/s ÷ empty", "p50 ÷ empty", "p99 ÷ empty", "req/s ÷ 1-write", "events/s ÷ 1-write", "p50 ÷ 1-write", "p99 ÷ 1-write"];

/** The collect runs against both baselines of their distribution (above 1 is better for rates, worse for latency). */
function ratioRows(results) {
  return results.throughput
    .filter((r) => r.shape === "single" || r.shape === "batch")
    .map((r) => {
      const x = ratios(results, r.distribution, r.shape);
      const k = (v) => (x ? `${f(v, 2)}×` : "–");
      return [r.distribution, r.label, k(x?.rpsVsEmpty), k(x?.epsVsEmpty), k(x?.p50VsEmpty), k(x?.p99VsEmpty), k(x?.rpsVsOneWrite), k(x?.epsVsOneWrite), k(x?.p50VsOneWrite), k(x?.p99VsOneWrite)];
    });
}

const COST_COLUMNS = ["leads", "ev/req", "DO req/ev", "rows written/ev", "rows read/ev", "DO GB-s/ev", "CPU ms/ev", "$ Workers req", "$ Workers CPU", "$ DO req", "$ DO duration", "$ rows read", "$ rows written", "$ total", "$ floor", "× floor"];

function costRows(results) {
  const rows = results.mix ? [...results.cost, { ...results.mix, distribution: `realistic mix (${results.mix.leads} leads)`, batch: f(results.mix.eventsPerRequest, 2) }] : results.cost;
  return rows.map((c) => [
    c.distribution,
    String(c.batch),
    f(c.units.doRequests, 3),
    f(c.units.rowsWritten, 2),
    f(c.units.rowsRead, 2),
    c.units.doGBSeconds.toExponential(2),
    f(c.units.workerCpuMs, 3),
    f(c.dollars.workerRequests, 3),
    f(c.dollars.workerCpu, 3),
    f(c.dollars.doRequests, 3),
    f(c.dollars.doDuration, 3),
    f(c.dollars.rowsRead, 4),
    f(c.dollars.rowsWritten, 3),
    f(c.dollars.total, 3),
    c.floor === undefined ? "–" : f(c.floor, 3),
    c.floor === undefined ? "–" : `${f(c.dollars.total / c.floor, 2)}×`,
  ]);
}

function table(rows, columns) {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(columns), widths.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

function markdownTable(rows, columns) {
  const esc = (s) => String(s).replace(/\|/g, "\\|");
  return [`| ${columns.map(esc).join(" | ")} |`, `|${columns.map((_, i) => (i < 2 ? " --- " : " ---: ")).join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

/** Where a shape's rows and requests go, per collect request, biggest first. */
function breakdown(c) {
  const per = (n) => n / c.meter.collectRequests;
  const rows = Object.entries(c.meter.byStatement ?? {})
    .filter(([, v]) => v.rowsWritten > 0)
    .sort((a, b) => b[1].rowsWritten - a[1].rowsWritten)
    .map(([sql, v]) => [sql, f(per(v.rowsWritten), 3), f(per(v.rowsRead), 3), f(per(v.calls), 3)]);
  rows.push(["setAlarm() (billed as 1 row written)", f(per(c.meter.setAlarm), 3), "", f(per(c.meter.setAlarm), 3)]);
  return rows;
}

/**
 * bench/RESULTS.md: the budgeted run's figures, and the 100,000-lead run's (`--full`) when there is one.
 *
 * @param {{ main: object, full?: object | null }} runs
 */
export function renderResultsMarkdown({ main, full }) {
  const parts = [
    "# Leadscore benchmark results",
    "",
    `Generated by \`npm run bench${main.mode === "full" ? " -- --full" : ""}\` on ${main.date.slice(0, 10)} (run ${main.runId}, ${Math.round(main.durationSeconds / 60)} min). Every figure below is from that run; bench/${main.mode === "full" ? "results.full.json" : "results.json"} has all of them, with the raw counters. bench/README.md explains the method.`,
    "",
    `Snippet: ${n(main.snippet.gzipBytes)} B gzipped (gzip -9), against a ${n(main.snippet.budgetBytes)} B budget. Runtime: wrangler ${main.machine.wrangler}, Miniflare ${main.machine.miniflare}, workerd ${main.machine.workerd}, started through Miniflare's current worker options (\`config\` with a module manifest, \`env\` and \`exports\` for vars and Durable Objects, direct sockets under \`dev\`).`,
    ...(full && full !== main && full.machine.miniflare !== main.machine.miniflare
      ? ["", `The 100,000-lead appendix predates this toolchain (wrangler ${full.machine.wrangler}, Miniflare ${full.machine.miniflare}) and has not been re-run on it.`]
      : []),
    "",
    ...runSections(main, "##"),
    ...(existsSync(NOTES) ? [readFileSync(NOTES, "utf8").trim(), ""] : []),
    ...machineSection(main, "##"),
  ];
  if (full && full !== main) {
    parts.push(
      `## Appendix: 100,000 leads (\`npm run bench -- --full\`)`,
      "",
      `Run ${full.runId} on ${full.date.slice(0, 10)}, ${Math.round(full.durationSeconds / 60)} min, the same steps with 100,000 distinct leads and 100,000 requests per target in the last distribution; all figures in bench/results.full.json.`,
      "",
      ...runSections(full, "###"),
      ...machineSection(full, "###"),
    );
  }
  parts.push(
    "## How to reproduce",
    "",
    "```sh",
    "npm ci",
    "npm run bench              # ~7 min on 2 cores: builds, bundles, runs everything, rewrites this file and bench/results.json",
    "npm run bench -- --full    # 100,000 distinct leads (~45 min on 2 cores), writes bench/results.full.json and this file",
    "npm run bench -- --quick   # a smoke run of a minute or two that writes nothing",
    "```",
    "",
  );
  return parts.join("\n");
}

function runSections(results, h) {
  const s = results.snippet;
  const wh = results.webhook;
  const totals = (batch) => results.cost.filter((c) => c.batch === batch).map((c) => c.dollars.total);
  const newest = results.cost.filter((c) => c.batch === 10).at(-1);
  return [
    `${h} Targets`,
    "",
    ...results.targets.flatMap((t) => [
      `- **${t.pass ? "PASS" : "MISS"}** ${t.title}`,
      ...t.cases.map((c) => `  - ${c.pass ? "pass" : "**miss**"} ${c.case}: ${c.text}${c.miss ? ` — ${c.miss}` : ""}`),
    ]),
    "",
    `${h} Ingest throughput`,
    "",
    `${results.method.concurrency} requests in flight over keep-alive connections from a separate load-generating process; each row is a fresh workerd with fresh storage, after an unmeasured warm-up on leads of its own. CPU is workerd's own (user + system, all threads) from the start of the run until its background work (alarms, webhook deliveries, index updates) has drained, divided by events. Ratios compare with the baselines of the same lead distribution: an empty Worker (answers 200) and a Worker that makes one Durable Object call writing one SQLite row. The distinct-leads rows send one request per lead, so every request creates its object; they go in waves of 2,000 requests with unmeasured pauses in between, because local workerd fails beyond ~3,000 open SQLite objects (bench/README.md).`,
    "",
    markdownTable(throughputRows(results), THROUGHPUT_COLUMNS),
    "",
    "Ratios to the baselines of the same distribution (rates: above 1× is faster; latencies: above 1× is slower):",
    "",
    markdownTable(ratioRows(results), RATIO_COLUMNS),
    "",
    `${h} Cost per million events`,
    "",
    `Cloudflare list prices as of ${results.prices.asOf} ([Workers](${results.prices.sources.workers}), [Durable Objects](${results.prices.sources.durableObjects})) beyond the monthly included amounts, from bench/prices.json. Units come from the cost pass: the same traffic shapes (same requests per lead) through an instrumented build of the worker (bench/instrumented/) that meters, where Cloudflare bills them, every Durable Object request (RPC calls and alarm invocations, background ones included), every SQLite row read and written (each cursor's own counters, plus one row per \`setAlarm\`), and each object's busy wall-clock time (duration at 128 MB), one request at a time. CPU per event is from the throughput run of the same shape and counts all of workerd, so the Workers CPU line is an upper bound.`,
    "",
    markdownTable(costRows(results), COST_COLUMNS),
    "",
    `Single events cost $${f(Math.min(...totals(1)), 2)}–${f(Math.max(...totals(1)), 2)} per million events and batches of 10 $${f(Math.min(...totals(10)), 2)}–${f(Math.max(...totals(10)), 2)}, depending on how many events each lead sends. The floor is one Worker request, one Durable Object request and one row written per request, for the same events per request. Stored data (GB-month) is not per event and is left out.`,
    ...(results.mix
      ? [
          "",
          `The realistic mix: ${results.mix.leads} visitors browsing the ten-event session as the snippet sends it (what one second gathered, at once on a first page view: ${results.mix.browserRequests} requests of 1–5 events), a third of them then identified with an order by the shop's back end through \`/v1/batch\` (${results.mix.serverRequests} requests, each merging that visitor's history into the known lead): ${f(results.mix.eventsPerRequest, 2)} events per request, $${f(results.mix.dollars.total, 3)} per million events, ${f(results.mix.dollars.total / results.mix.floor, 2)}× its floor. Its CPU line is estimated from the 1,000-lead single-event run.`,
        ]
      : []),
    "",
    "Durable Object requests per collect request, by binding and method (alarm invocations and the calls alarms make included):",
    "",
    markdownTable(
      results.cost.map((c) => [c.distribution, String(c.batch), Object.entries(c.meter.doRequests).sort().map(([k, v]) => `${k} ${f(v / c.meter.collectRequests, 3)}`).join(", ")]),
      ["leads", "ev/req", "requests per collect request"],
    ),
    "",
    ...(newest
      ? [
          `Where the rows go, per collect request (${newest.distribution}, batches of 10):`,
          "",
          markdownTable(breakdown(newest), ["statement", "rows written", "rows read", "calls"]),
          "",
        ]
      : []),
    ...(results.cost.every((c) => c.leadStorage)
      ? [
          "What one lead of each shape stores once its session is over (the Lead object's `stats()`: events kept, its SQLite database size):",
          "",
          markdownTable(
            results.cost.map((c) => [c.distribution, String(c.batch), n(c.leadStorage.events), `${n(c.leadStorage.databaseSize)} B`]),
            ["leads", "ev/req", "events kept", "database size"],
          ),
          "",
        ]
      : []),
    `${h} Time to webhook`,
    "",
    `${wh.crossings} leads, one at a time, each taken from cold (12 points) to warm (≥ 30) by one cart_add; measured from sending that event to the signed \`lead.label_changed\` webhook arriving at a local receiver that verifies it (scripts/inspector.mjs). The webhook leaves from the Lead object right after the collect request's transaction commits, without holding its answer; the alarm is only the safety net.`,
    "",
    "| p50 | p90 | p99 | max | arrived | verified | collect answer p50 |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    `| ${f(wh.p50Ms, 1)} ms | ${f(wh.p90Ms, 1)} ms | ${f(wh.p99Ms, 1)} ms | ${f(wh.maxMs, 1)} ms | ${wh.arrived}/${wh.crossings} | ${wh.verified} | ${f(wh.collectAnswerP50Ms, 1)} ms |`,
    "",
    ...siteIndexSection(results, h),
    `${h} Snippet size`,
    "",
    "| script | version | minified | gzipped | source |",
    "| --- | --- | ---: | ---: | --- |",
    `| Leadscore dist/leadscore.js | this tree | ${s.minifiedBytes} B | **${s.gzipBytes} B** (gzip -9; brotli ${s.brotliBytes} B) | measured; budget ${s.budgetBytes} B |`,
    ...s.published.trackers.map((t) => `| ${t.name} ${t.file} | ${t.version} | | ${t.published} (published) | ${t.source} |`),
    "",
    s.published.note,
    "",
  ];
}

/** The Site object's index: updates it absorbs next to a baseline, and pages by the score now (issue 11). */
function siteIndexSection(results, h) {
  const si = results.siteIndex;
  if (!si) return [];
  const { single, first, headroom } = siteIndexFigures(si);
  return [
    `${h} Site index`,
    "",
    `One Site object holding ${n(si.leads)} synthetic leads (bench/site-index/, bench/lib/site-index.mjs: weekly-halving behaviour points, a fifth with day-long ones too, a third with fit points that never decay, updated up to 30 days ago), filled in batches of 500 (${n(Math.round(si.fill.site.perSecond))} entries/s; the baseline ${n(Math.round(si.fill.plain.perSecond))}/s). Then ${n(si.updatesPerRun)} updates of existing leads (a new curve and instant, as a label change sends), ${si.concurrency} requests in flight, against a baseline object in the same Worker and run that writes one plain row per entry (no curve, no order keys, no secondary index):`,
    "",
    markdownTable(si.throughput.map((t) => [String(t.batch), n(Math.round(t.site)), n(Math.round(t.plain)), `${f(t.ratio, 2)}×`]), ["entries per request", "Site object updates/s", "baseline updates/s", "ratio"]),
    "",
    `Pages of 50 by the score now, all at one instant (the RPC from the Worker included; the HTTP round trip from the bench too):`,
    "",
    markdownTable(si.pages.map((p) => [p.name, `${f(p.p50Ms, 1)} ms`, `${f(p.maxMs, 1)} ms`, n(p.rowsScanned)]), ["page", "p50", "max", "rows read"]),
    "",
    `Scale-out: a site of 1 million leads with 100 label changes per second sends the Site object at most 100 index updates per second (each lead re-indexes on a label change; batching per isolate only lowers that). One object absorbs ${n(Math.round(single.site))}/s one entry per request here, ${f(headroom, 1)}× that, and each write is two rows (the row and its index entry). A first page reads ${first.rowsScanned} rows of ${n(si.leads)}: it depends on how many leads score near the top rather than on the site's size (1 million leads were not measured). So one Site object holds that site; the index is not sharded. Past about ${n(Math.round(single.site / 2 / 100) * 100)} updates per second (half of the measured rate, leaving room for listings and config reads), the next step is sharding the index by lead-id hash over N Site-index objects, each listing its own top page and the Worker merging N pages (the order keys make every shard's page exact, so the merge is too); counts per label for dashboards would go to Analytics Engine rather than COUNT queries. D1 as a read model would add a second write path and a replica lag for no gain at this size.`,
    "",
  ];
}

function machineSection(results, h) {
  const m = results.machine;
  const src = results.source;
  return [
    `${h} Machine`,
    "",
    src?.commit
      ? `- Code measured: commit ${src.commit} (“${src.subject}”)${src.uncommitted.length ? `, with uncommitted changes in ${src.uncommitted.join(", ")}` : ", worker and snippet as committed"}`
      : `- Code measured: ${src?.note ?? "not recorded by this run"}`,
    `- ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}`,
    `- Node ${m.node}; wrangler ${m.wrangler}, Miniflare ${m.miniflare}, workerd ${m.workerd}, compatibility date ${results.method.compatibilityDate} (the newest this workerd supports; wrangler.jsonc asks for a later one)`,
    `- Durable Object storage: ${results.method.persist}`,
    `- Other work on the machine during each throughput run, in cores (all CPU time in /proc/stat minus workerd's, the load generator's and the orchestrator's, over the run's wall time), in table order: ${results.throughput.map((r) => (r.otherCores === undefined ? "–" : f(r.otherCores, 2))).join(", ")}. The machine is shared: absolute figures move with that; ratios within a distribution (its baselines run just before its collect runs) move less.`,
    "",
  ];
}

function f(value, digits) {
  return value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits);
}

function n(value) {
  return Number(value).toLocaleString("en-US");
}

function pct(x) {
  return `${Math.round(x * 100)}%`;
}
