// `node bench/profile.mjs`: where workerd's CPU goes on the collect path. Starts the real worker on local
// workerd (as the bench's throughput runs do) with its DevTools inspector open, samples the isolate with
// the V8 CPU profiler while bench/load.mjs sends single-event collect requests, and prints the top
// functions by self and total time, mapped back to their source files.
//
//   node bench/profile.mjs                         1 lead, then 1,000 leads, 3,000 requests each
//   node bench/profile.mjs --leads 1000 --requests 5000 --batch 10 --top 40
//   node bench/profile.mjs --config ../other-checkout/wrangler.jsonc --out before   another checkout's worker
//
// Writes bench/.tmp/profile/<leads>-leads.cpuprofile (open it in Chrome DevTools' Performance panel, or
// VS Code) beside a text summary. The profile covers the measured requests and the background work they
// cause (alarms, webhook deliveries, index updates) until workerd is idle again. Only JavaScript time is
// attributed to functions: SQLite, JSON and the runtime's C++ show as their JS caller's self time, or as
// "(program)" / "(garbage collector)".

import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { putSiteConfig, runLoadProcess, tmpfsOr } from "./lib/drive.mjs";
import { startCountingReceiver } from "./lib/receiver.mjs";
import { ROOT, bundle, startTarget, waitForIdle, workerOptionsFrom } from "./lib/runtime.mjs";
import { BENCH_ORIGIN, BENCH_SITE, WEBHOOK_SECRET_ENV, WRITE_KEY_ENV, benchSiteConfig } from "./lib/workload.mjs";

const { values: args } = parseArgs({
  options: {
    leads: { type: "string", default: "1,1000" },
    requests: { type: "string", default: "3000" },
    batch: { type: "string", default: "1" },
    concurrency: { type: "string", default: "8" },
    top: { type: "string", default: "30" },
    // Microseconds between samples: V8's default is 1000; finer sampling sees short functions.
    interval: { type: "string", default: "200" },
    // Another checkout's worker (its wrangler config), to compare profiles taken under the same conditions.
    config: { type: "string", default: "wrangler.jsonc" },
    // Written as bench/.tmp/profile/<out>-<leads>-leads.*: keeps a comparison's two profiles apart.
    out: { type: "string", default: "" },
  },
});
const OUT = join(ROOT, "bench/.tmp/profile");
const WARMUP = 300;
const ADMIN_TOKEN = randomBytes(16).toString("hex");
const RUN = randomBytes(2).toString("hex");
/** Lines esbuild writes before each source file's code in a bundle ("// worker/lead/decide.ts", "// ../other/worker/lead/decide.ts"). */
const SOURCE_MARK = /^\/\/ (?:\S*?\/)?((?:worker|node_modules|bench)\/\S+)$/;

async function main() {
  mkdirSync(OUT, { recursive: true });
  const script = await bundle(args.config, join(ROOT, "bench/.tmp/bundles", args.out ? `profile-${args.out}` : "profile"));
  const sources = sourceMap(readFileSync(script, "utf8"));
  const receiver = await startCountingReceiver();
  const options = await workerOptionsFrom(args.config);
  const vars = { ADMIN_TOKEN, [WEBHOOK_SECRET_ENV]: `whsec_${randomBytes(24).toString("base64")}`, [WRITE_KEY_ENV]: `${BENCH_SITE}.wk_${randomBytes(12).toString("hex")}`, WEBHOOK_ALLOW_HOSTS: receiver.host };
  try {
    for (const leads of args.leads.split(",").map(Number)) {
      const persist = join(tmpfsOr(OUT), `leadscore-profile-${RUN}-${leads}`);
      const inspectorPort = await freePort();
      const worker = await startTarget({ name: "leadscore", scriptPath: script, options, vars, inspectorPort }, persist);
      try {
        await putSiteConfig(worker.url, ADMIN_TOKEN, benchSiteConfig({ webhookUrl: receiver.url }));
        const spec = { url: worker.url, origin: BENCH_ORIGIN, site: BENCH_SITE, batch: Number(args.batch), leads, concurrency: Number(args.concurrency), prefix: `p${leads}${RUN}` };
        await runLoadProcess({ ...spec, prefix: `${spec.prefix}w`, leads: Math.min(leads, WARMUP), requests: WARMUP });
        await waitForIdle(worker.pid, { quietMs: 750, maxMs: 30_000 });
        const inspector = await connect(inspectorPort);
        await inspector.send("Profiler.enable");
        await inspector.send("Profiler.setSamplingInterval", { interval: Number(args.interval) });
        const cpuBefore = worker.cpuMs();
        await inspector.send("Profiler.start");
        const load = await runLoadProcess({ ...spec, requests: Number(args.requests) });
        await waitForIdle(worker.pid, { quietMs: 1000, maxMs: 60_000 });
        const { profile } = await inspector.send("Profiler.stop");
        const cpuMs = worker.cpuMs() - cpuBefore;
        inspector.close();
        const name = `${args.out ? `${args.out}-` : ""}${leads}-leads`;
        writeFileSync(join(OUT, `${name}.cpuprofile`), JSON.stringify(profile));
        const summary = summarise(profile, sources, Number(args.top), Number(args.interval));
        const head =
          `${leads} lead(s), ${load.ok}/${load.requests} requests of ${args.batch} event(s) answered 200, ${load.rps.toFixed(0)} req/s; ` +
          `workerd ${(cpuMs / load.events).toFixed(3)} CPU ms/event (profiler attached: slower than the bench), ${(summary.sampledMs / load.events).toFixed(3)} ms/event sampled in the isolate`;
        const text = [head, "", summary.text].join("\n");
        writeFileSync(join(OUT, `${name}.txt`), text + "\n");
        process.stdout.write(`\n${text}\nwrote ${relative(ROOT, join(OUT, `${name}.cpuprofile`))} and ${name}.txt\n`);
      } finally {
        await worker.dispose();
        rmSync(persist, { recursive: true, force: true });
      }
    }
  } finally {
    await receiver.close();
  }
}

/**
 * The bundle's source files by line: esbuild (wrangler's bundler) marks where each file's code starts.
 *
 * @example sourceMap("// worker/a.ts\nfunction a() {}\n") // [{ line: 0, file: "worker/a.ts" }]
 */
function sourceMap(text) {
  const marks = [];
  text.split("\n").forEach((line, i) => {
    const m = SOURCE_MARK.exec(line);
    if (m) marks.push({ line: i, file: m[1] });
  });
  return marks;
}

function fileAt(marks, line) {
  let lo = 0;
  let hi = marks.length - 1;
  let found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (marks[mid].line <= line) {
      found = marks[mid].file;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Self and total time per function, and self time per source file. Total time counts a sample once per
 * function even when the function is on the stack more than once (recursion), so shares stay ≤ 100%.
 */
function summarise(profile, marks, top, intervalUs) {
  const maxGapUs = 4 * intervalUs;
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = new Map();
  const label = (n) => {
    if (keyOf.has(n.id)) return keyOf.get(n.id);
    const f = n.callFrame;
    const where = f.url ? fileAt(marks, f.lineNumber) ?? (f.url.split("/").pop() || f.url) : "";
    const key = where ? `${f.functionName || "(anonymous)"}  ${where}:${f.lineNumber + 1}` : f.functionName || "(anonymous)";
    keyOf.set(n.id, key);
    return key;
  };
  const fileOf = (n) => (n.callFrame.url ? fileAt(marks, n.callFrame.lineNumber) ?? "(runtime)" : n.callFrame.functionName || "(native)");
  const self = new Map();
  const total = new Map();
  const files = new Map();
  let sampledUs = 0;
  const add = (map, key, us) => map.set(key, (map.get(key) ?? 0) + us);
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's time is the gap since the one before (DevTools' reading); V8 samples the isolate only
    // while workerd runs it, so a gap over a few intervals is time the isolate was idle, not this sample's.
    const us = Math.min(profile.timeDeltas[i] ?? 0, maxGapUs);
    const leaf = nodes.get(profile.samples[i]);
    if (!leaf || leaf.callFrame.functionName === "(idle)") continue;
    sampledUs += us;
    add(self, label(leaf), us);
    add(files, fileOf(leaf), us);
    const seen = new Set();
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const key = label(nodes.get(id));
      if (!seen.has(key)) {
        seen.add(key);
        add(total, key, us);
      }
    }
  }
  const table = (title, map) => {
    const rows = [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [title, ...rows.map(([key, us]) => `${((100 * us) / sampledUs).toFixed(1).padStart(6)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`)].join("\n");
  };
  return {
    sampledMs: sampledUs / 1000,
    text: [table("by self time (share of non-idle samples)", self), "", table("by total time (self + callees)", total), "", table("self time by source file", files)].join("\n"),
  };
}

/** A minimal Chrome DevTools Protocol client over Node's global WebSocket. */
async function connect(port) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => t.webSocketDebuggerUrl && /leadscore/.test(`${t.title} ${t.url} ${t.id}`)) ?? targets.find((t) => t.webSocketDebuggerUrl);
  if (!target) throw new Error(`workerd's inspector on port ${port} lists no target`);
  const ws = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve, { once: true });
    ws.addEventListener("error", () => reject(new Error("could not open the inspector's WebSocket")), { once: true });
  });
  let next = 0;
  const waiting = new Map();
  ws.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    const w = message.id !== undefined ? waiting.get(message.id) : undefined;
    if (!w) return;
    waiting.delete(message.id);
    if (message.error) w.reject(new Error(`${message.error.message} (${JSON.stringify(message.error)})`));
    else w.resolve(message.result);
  });
  return {
    send: (method, params = {}) =>
      new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

await main();
