// Where the figures come from: the machine, the runtime versions, and how busy the machine was.

import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg, release, totalmem } from "node:os";
import { runtimeVersions } from "./runtime.mjs";

export function machineInfo() {
  const cpuinfo = readFileSync("/proc/cpuinfo", "utf8");
  return {
    nproc: availableParallelism(),
    cpuModel: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    ...runtimeVersions(),
  };
}

/** 1-minute load average: other processes on a 2-core machine move the figures, so every run records it. */
export function load1() {
  return Math.round(loadavg()[0] * 100) / 100;
}

/** CPU time (ms) all processes have used since boot, from /proc/stat: with our own processes' time
 * subtracted, what is left over a run is what other work on the machine took from it. */
export function systemBusyMs() {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return (user + nice + system + irq + softirq + steal) * 10; // USER_HZ = 100
}

/**
 * Which code was measured: the commit, and whether the files that make up the worker and the snippet
 * had uncommitted changes (read-only git commands; the tree is shared with other work).
 */
export function sourceInfo(root) {
  const git = (...args) => {
    try {
      return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return null;
    }
  };
  const changed = git("status", "--porcelain", "--", "worker", "snippet", "wrangler.jsonc", "package-lock.json", "examples");
  return {
    commit: git("rev-parse", "--short=12", "HEAD"),
    subject: git("log", "-1", "--format=%s"),
    uncommitted: changed ? changed.split("\n").map((l) => l.slice(3)) : [],
  };
}
