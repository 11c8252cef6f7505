// Runs bench targets on local workerd through Miniflare's API: one workerd process per target, no
// `wrangler dev` proxy in front, no file watcher, no request logging. Scripts are bundled by wrangler
// itself (`wrangler deploy --dry-run`), so what runs is what `wrangler deploy` would upload.

import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(join(ROOT, "package.json"));
// The Miniflare and workerd that the project's wrangler runs (the same runtime as `npm start`).
const wranglerRequire = createRequire(require.resolve("wrangler/package.json"));
const { Miniflare, supportedCompatibilityDate } = wranglerRequire("miniflare");
const TICKS_PER_SECOND = 100;
const MAX_KEPT_ERRORS = 5; // USER_HZ; Linux reports /proc/<pid>/stat times in these units

/** Versions of the runtime the figures come from. */
export function runtimeVersions() {
  return {
    wrangler: JSON.parse(readFileSync(require.resolve("wrangler/package.json"), "utf8")).version,
    miniflare: JSON.parse(readFileSync(wranglerRequire.resolve("miniflare/package.json"), "utf8")).version,
    workerd: JSON.parse(readFileSync(wranglerRequire.resolve("workerd/package.json"), "utf8")).version,
    supportedCompatibilityDate,
  };
}

/**
 * Bundles the Worker a wrangler config describes into `outdir`, exactly as `wrangler deploy` would.
 *
 * @example await bundle("bench/baselines/empty/wrangler.json", "bench/.tmp/x/empty")  // -> ".../index.js"
 */
export function bundle(configPath, outdir) {
  // wrangler resolves a relative --outdir against the config's folder, not the working directory.
  outdir = resolve(ROOT, outdir);
  configPath = resolve(ROOT, configPath);
  return new Promise((resolveBundle, reject) => {
    const wrangler = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
    const child = spawn(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir, "--config", configPath], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false", WRANGLER_HIDE_BANNER: "true", NO_UPDATE_NOTIFIER: "1", FORCE_COLOR: "0" },
    });
    let output = "";
    child.stdout.on("data", (c) => (output += c));
    child.stderr.on("data", (c) => (output += c));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`wrangler could not bundle ${configPath}:\n${output}`));
      const main = readdirSync(outdir).find((f) => /\.(m?js)$/.test(f));
      if (!main) return reject(new Error(`wrangler wrote no script to ${outdir}`));
      resolveBundle(join(outdir, main));
    });
  });
}

/**
 * The vars, Durable Object bindings, flags and compatibility date a wrangler config gives its Worker, as
 * Miniflare options. Only the config itself counts: a developer's .dev.vars must not change the bench.
 */
export async function workerOptionsFrom(configPath) {
  const { unstable_readConfig, unstable_getDurableObjectClassNameToUseSQLiteMap } = await import("wrangler");
  const config = unstable_readConfig({ config: resolve(ROOT, configPath) });
  const sqlite = unstable_getDurableObjectClassNameToUseSQLiteMap(config.migrations);
  const durableObjects = {};
  for (const binding of config.durable_objects?.bindings ?? []) {
    durableObjects[binding.name] = { className: binding.class_name, useSQLite: sqlite.get(binding.class_name) ?? false };
  }
  return {
    compatibilityDate: config.compatibility_date,
    compatibilityFlags: config.compatibility_flags ?? [],
    bindings: { ...(config.vars ?? {}) },
    durableObjects,
  };
}

/**
 * Starts one Worker on its own workerd process, listening on 127.0.0.1.
 *
 * @param {object} target
 * @param {string} target.name
 * @param {string} target.scriptPath  a bundled ES module
 * @param {object} target.options     from workerOptionsFrom()
 * @param {Record<string,string>} [target.vars]  extra vars and secrets
 * @param {number} [target.inspectorPort]  opens workerd's DevTools inspector on this port (bench/profile.mjs)
 * @param {string} persistTo          Durable Object storage directory (fresh per run)
 * @returns {Promise<{ url: string, pid: number, compatibilityDate: string, cpuMs(): number, rssBytes(): number, dispose(): Promise<void> }>}
 */
export async function startTarget(target, persistTo) {
  const errors = [];
  let errorsDropped = 0;
  const before = new Set(childPids("workerd"));
  // workerd refuses a compatibility date newer than it knows; run on the newest one it supports.
  const compatibilityDate = target.options.compatibilityDate > supportedCompatibilityDate ? supportedCompatibilityDate : target.options.compatibilityDate;
  const vars = { ...target.options.bindings, ...(target.vars ?? {}) };
  const env = {};
  for (const [name, value] of Object.entries(vars)) {
    env[name] = typeof value === "string" ? { type: "text", value } : { type: "json", value };
  }
  const exports = {};
  for (const [name, { className, useSQLite }] of Object.entries(target.options.durableObjects)) {
    env[name] = { type: "durable-object", worker: target.name, exportName: className };
    exports[className] = { type: "durable-object", storage: useSQLite ? "sqlite" : "legacy-kv" };
  }
  const mf = new Miniflare({
    host: "127.0.0.1",
    port: 0,
    logRequests: false,
    enableDevRegistry: false,
    telemetry: { enabled: false },
    resourcePersistencePath: persistTo,
    ...(target.inspectorPort !== undefined ? { inspectorPort: target.inspectorPort } : {}),
    handleStructuredLogs({ level, message }) {
      // Keep workerd's output out of the measured path; keep its errors for the report (a few, not a flood).
      if (level === "log" || level === "info" || level === "debug") return;
      if (errors.length < MAX_KEPT_ERRORS) errors.push(message.slice(0, 2000));
      else errorsDropped += 1;
    },
    workers: [
      {
        config: {
          name: target.name,
          compatibilityDate,
          compatibilityFlags: target.options.compatibilityFlags,
          manifest: bundleManifest(target.scriptPath),
          env,
          exports,
        },
        dev: {
          // A socket of workerd's own straight to this Worker: no Miniflare entry worker in the measured path.
          unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
        },
      },
    ],
  });
  await mf.ready;
  const url = (await mf.unsafeGetDirectURL(target.name)).href.replace(/\/$/, "");
  const pid = childPids("workerd").find((p) => !before.has(p));
  if (!pid) throw new Error("could not find the workerd process Miniflare started");
  return {
    url,
    pid,
    compatibilityDate,
    cpuMs: () => processCpuMs(pid),
    rssBytes: () => processRssBytes(pid),
    /** What workerd wrote to stderr (uncaught errors, mostly): the first few chunks. */
    errors: () => ({ kept: errors, dropped: errorsDropped }),
    dispose: () => mf.dispose(),
  };
}

/** The modules of a bundle wrangler wrote (its main module and any others beside it), as a Miniflare manifest. */
function bundleManifest(scriptPath) {
  const dir = dirname(scriptPath);
  const mainModule = basename(scriptPath);
  const modules = {};
  for (const file of readdirSync(dir)) {
    const type = /\.m?js$/.test(file) ? "esm" : /\.wasm$/.test(file) ? "wasm" : /\.map$/.test(file) ? "sourcemap" : null;
    if (type) modules[file] = { type, contents: type === "esm" || type === "sourcemap" ? readFileSync(join(dir, file), "utf8") : readFileSync(join(dir, file)) };
  }
  return { mainModule, modulesRoot: dir, modules };
}

/** user + system CPU time of a process (all threads), in ms, from /proc/<pid>/stat. */
export function processCpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Field 2 (comm) may contain spaces: count fields after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) / TICKS_PER_SECOND) * 1000;
}

export function processRssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

/** Direct children of this process whose command is `comm`. */
function childPids(comm) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (name === comm && ppid === process.pid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/**
 * Waits until a process has been (nearly) idle for `quietMs`: background work (alarms, webhook
 * deliveries, index updates) has drained. Gives up after `maxMs`.
 */
export async function waitForIdle(pid, { quietMs = 1000, maxMs = 60_000, busyShare = 0.05 } = {}) {
  const started = Date.now();
  let last = processCpuMs(pid);
  let quietSince = Date.now();
  while (Date.now() - started < maxMs) {
    await new Promise((r) => setTimeout(r, 250));
    const now = processCpuMs(pid);
    if (now - last > 250 * busyShare) quietSince = Date.now();
    last = now;
    if (Date.now() - quietSince >= quietMs) return { drained: true, waitedMs: Date.now() - started };
  }
  return { drained: false, waitedMs: Date.now() - started };
}
