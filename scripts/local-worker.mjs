// Runs the Leadscore worker on local workerd (through `wrangler dev`) for `npm start`, browser tests,
// benchmarks and crash/restart tests.
//
// Why a child process rather than wrangler's programmatic `unstable_startWorker`: a restart test needs to
// kill the runtime the way a crash would (SIGKILL, no cleanup), and wrangler runs workerd as a grandchild.
// Spawning `wrangler dev` as the leader of its own process group lets `kill()` take the whole tree down
// with one signal, and keeps wrangler's globals (logger, file watchers, signal handlers) out of the
// caller's process.

import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { devNull } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HOST = "127.0.0.1";
const DEFAULT_READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 5_000;
const MAX_LOG_CHARS = 200_000;
// Printed by wrangler when its bundler fails; it then waits for a file change instead of exiting.
const ANSI = /\x1b\[[0-9;]*m/g;
const TOO_NEW_DATE = /requires compatibility date "([\d-]+)", but the newest date supported by this server binary is "([\d-]+)"/;
const BUILD_FAILED = /Build failed|Could not resolve|\[ERROR\].*(?:No such module|Uncaught)/;

/** Process groups started by this module that have not been stopped yet (killed if the caller exits). */
const LIVE_GROUPS = new Set();
let exitHookInstalled = false;

/**
 * Starts the worker described by `wrangler.jsonc` on local workerd, listening on 127.0.0.1.
 *
 * Durable Object state lives in SQLite files under `persistTo`, so a second start with the same directory
 * sees what the first one stored (also after `kill()`).
 *
 * @example
 *   const worker = await startLocalWorker({ vars: { DEMO: "1", ADMIN_TOKEN: "t" }, persistTo: tmpDir });
 *   const res = await fetch(`${worker.url}/leadscore.js`);
 *   await worker.stop();
 *
 * @param {object} [options]
 * @param {number} [options.port] port to listen on; 0 (default) picks a free one
 * @param {Record<string, string>} [options.vars] vars and secrets, passed as `--var K:V` (override wrangler.jsonc and .dev.vars)
 * @param {string} [options.persistTo] directory for Durable Object storage; default `.wrangler/state`
 * @param {boolean} [options.quiet] true (default): keep wrangler's output in a buffer, printed only on failure
 * @param {string} [options.config] wrangler config path, default `wrangler.jsonc` at the repository root
 * @param {number} [options.readyTimeoutMs] how long to wait for the first HTTP answer
 * @param {string} [options.readyPath] path polled until it answers (any status counts)
 * @param {"debug"|"info"|"log"|"warn"|"error"|"none"} [options.logLevel] wrangler's log level, default "log"
 * @param {boolean} [options.devVars] false: ignore the repository's .dev.vars (only `vars` apply); default true
 * @param {string} [options.compatibilityDate] overrides wrangler.jsonc's (e.g. when it is newer than the installed workerd)
 * @returns {Promise<{ url: string, port: number, pid: number, logs(): string, onOutput(listener: (text: string) => void): () => void, stop(): Promise<void>, kill(): Promise<void> }>}
 */
export async function startLocalWorker({
  port = 0,
  vars = {},
  persistTo = join(ROOT, ".wrangler", "state"),
  quiet = true,
  config = join(ROOT, "wrangler.jsonc"),
  readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS,
  readyPath = "/",
  logLevel = "log",
  compatibilityDate,
  devVars = true,
} = {}) {
  // A fixed port that is taken would make the readiness probe talk to whoever holds it.
  if (port && !(await isPortFree(port))) throw new Error(`port ${HOST}:${port} is already in use`);
  const listenPort = port || (await freePort());
  const inspectorPort = await freePort();
  const args = [
    wranglerBin(),
    "dev",
    "--config", config,
    "--local",
    "--ip", HOST,
    "--port", String(listenPort),
    "--inspector-port", String(inspectorPort),
    "--inspector-ip", HOST,
    "--persist-to", resolve(persistTo),
    "--log-level", logLevel,
    "--show-interactive-dev-session=false",
  ];
  if (compatibilityDate) args.push("--compatibility-date", compatibilityDate);
  // wrangler reads .dev.vars only when no --env-file is given: an empty one isolates tests from a
  // developer's local secrets.
  if (!devVars) args.push("--env-file", devNull);
  for (const [key, value] of Object.entries(vars)) {
    if (value === undefined || value === null) continue;
    // wrangler splits on the first ":" only, so values like "127.0.0.1:8788" survive.
    args.push("--var", `${key}:${value}`);
  }

  const log = createLogBuffer(quiet ? null : process.stderr);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    // Leader of a new process group: kill(-pid) reaches wrangler, esbuild and workerd together.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_HIDE_BANNER: "true",
      NO_UPDATE_NOTIFIER: "1",
      FORCE_COLOR: "0",
      NO_COLOR: "1",
    },
  });
  const pgid = child.pid;
  trackGroup(pgid);
  child.stdout.on("data", (chunk) => log.write(chunk));
  child.stderr.on("data", (chunk) => log.write(chunk));

  let exited = false;
  const exitPromise = new Promise((resolveExit) => {
    child.once("exit", (code, signal) => {
      exited = true;
      resolveExit({ code, signal });
    });
  });

  const url = `http://${HOST}:${listenPort}`;
  try {
    await waitUntilReady({ url: url + readyPath, timeoutMs: readyTimeoutMs, log, hasExited: () => exited, exitPromise });
  } catch (error) {
    await killGroup(pgid, exitPromise);
    const tooNew = TOO_NEW_DATE.exec(log.text());
    if (tooNew && !compatibilityDate) {
      // The installed workerd predates wrangler.jsonc's compatibility_date; run on the newest date it
      // knows rather than not at all, and say so (the fix is to update wrangler or lower the date).
      process.stderr.write(
        `local-worker: wrangler.jsonc asks for compatibility date ${tooNew[1]} but the installed workerd ` +
          `supports up to ${tooNew[2]}; starting with ${tooNew[2]}.\n`,
      );
      return startLocalWorker({ port, vars, persistTo, quiet, config, readyTimeoutMs, readyPath, logLevel, devVars, compatibilityDate: tooNew[2] });
    }
    const message = `${error.message}\n--- wrangler output ---\n${log.text() || "(none)"}\n--- end ---`;
    throw new Error(message, { cause: error });
  }

  let stopped = false;
  return {
    url,
    port: listenPort,
    /** Chrome DevTools protocol of the worker (profiling, debugging). */
    inspectorPort,
    pid: pgid,
    logs: () => log.text(),
    /** Calls `listener` with each further chunk of wrangler's output; returns an unsubscribe function. */
    onOutput: (listener) => log.subscribe(listener),
    /** Asks wrangler to shut down cleanly (it disposes workerd), then makes sure nothing is left. */
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        try {
          process.kill(pgid, "SIGINT");
        } catch {
          // already gone
        }
        await Promise.race([exitPromise, delay(STOP_GRACE_MS)]);
      }
      await killGroup(pgid, exitPromise);
    },
    /** Kills wrangler and workerd at once with SIGKILL, as a crash would: no flush, no cleanup. */
    async kill() {
      stopped = true;
      await killGroup(pgid, exitPromise);
    },
  };
}

/** Resolves to a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

function isPortFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.once("error", () => resolveFree(false));
    server.listen(port, HOST, () => server.close(() => resolveFree(true)));
  });
}

function wranglerBin() {
  const require = createRequire(join(ROOT, "package.json"));
  const pkgPath = require.resolve("wrangler/package.json");
  const pkg = JSON.parse(readFileSync(pkgPath, "utf8"));
  const bin = typeof pkg.bin === "string" ? pkg.bin : pkg.bin.wrangler;
  return join(dirname(pkgPath), bin);
}

async function waitUntilReady({ url, timeoutMs, log, hasExited, exitPromise }) {
  const deadline = Date.now() + timeoutMs;
  exitPromise.then(() => {}); // observed below through hasExited()
  while (Date.now() < deadline) {
    if (hasExited()) {
      const { code, signal } = await exitPromise;
      throw new Error(`wrangler dev exited before answering (code ${code}, signal ${signal})`);
    }
    if (BUILD_FAILED.test(log.text())) throw new Error("wrangler dev could not build the worker");
    try {
      // Any HTTP answer means workerd is serving the worker; a 404 from the worker is still "ready".
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000), redirect: "manual" });
      await res.arrayBuffer().catch(() => {});
      return;
    } catch {
      await delay(150);
    }
  }
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs} ms`);
}

async function killGroup(pgid, exitPromise) {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone
  }
  await Promise.race([exitPromise, delay(STOP_GRACE_MS)]);
  // workerd may outlive wrangler for a moment; wait until no live member of the group is left.
  const deadline = Date.now() + STOP_GRACE_MS;
  while (groupAlive(pgid) && Date.now() < deadline) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      break;
    }
    await delay(50);
  }
  LIVE_GROUPS.delete(pgid);
}

/**
 * Whether any non-zombie process still belongs to the group. A container's PID 1 may never reap orphans,
 * and `kill(-pgid, 0)` succeeds on zombies, so on Linux read /proc instead.
 */
function groupAlive(pgid) {
  if (process.platform === "linux" && existsSync("/proc/self/stat")) {
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let stat;
      try {
        stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      } catch {
        continue;
      }
      // The command name (field 2) may contain spaces and parentheses: parse after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const state = fields[0];
      const group = Number(fields[2]);
      if (group === pgid && state !== "Z" && state !== "X") return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function trackGroup(pgid) {
  LIVE_GROUPS.add(pgid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that throws before stop() must not leave workerd running behind it.
  process.once("exit", () => {
    for (const group of LIVE_GROUPS) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // gone
      }
    }
  });
}

function createLogBuffer(echo) {
  let text = "";
  const listeners = new Set();
  return {
    write(chunk) {
      // wrangler colours its errors even with NO_COLOR; keep the buffer readable.
      const s = chunk.toString().replace(ANSI, "");
      if (echo) echo.write(s);
      for (const listener of listeners) listener(s);
      text += s;
      if (text.length > MAX_LOG_CHARS) text = text.slice(-MAX_LOG_CHARS);
    },
    text: () => text,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function delay(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
