// What the orchestrator and the profiler both do around a running target: where its storage goes,
// saving the bench site's config, and running the load generator (bench/load.mjs) as a process of its own.

import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./runtime.mjs";
import { BENCH_SITE } from "./workload.mjs";

/**
 * Durable Object storage goes to tmpfs when there is one, else to `fallback`. Local workerd keeps each
 * object in its own SQLite file; on a virtual disk creating and syncing those files costs ~6 ms of kernel
 * time per new object and would swamp what the bench is after (Cloudflare's storage works nothing like a
 * local file system).
 *
 * @example const root = tmpfsOr("bench/.tmp") // "/dev/shm"
 */
export function tmpfsOr(fallback) {
  try {
    accessSync("/dev/shm", constants.W_OK);
    return "/dev/shm";
  } catch {
    return fallback;
  }
}

/**
 * Saves `config` as the bench site's config through the operator API.
 *
 * @example await putSiteConfig(worker.url, ADMIN_TOKEN, benchSiteConfig({ webhookUrl }))
 */
export async function putSiteConfig(url, adminToken, config) {
  const res = await fetch(`${url}/v1/sites/${BENCH_SITE}/config`, {
    method: "PUT",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify(config),
  });
  if (res.status !== 200) throw new Error(`PUT config answered ${res.status}: ${await res.text()}`);
}

/**
 * Runs bench/load.mjs as a child process and resolves to its result.
 *
 * @example const load = await runLoadProcess({ url, origin, site, batch: 1, leads: 1000, requests: 20000, concurrency: 8, prefix: "t1" })
 */
export function runLoadProcess(spec) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "bench/load.mjs"), JSON.stringify(spec)], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("exit", (code) => {
      if (code !== 0) return reject(new Error(`load generator exited with ${code}: ${stderr}`));
      resolve(JSON.parse(stdout));
    });
  });
}
