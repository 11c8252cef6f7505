// Makes `npm start` and `npm test` work on a fresh clone with nothing else run first: installs the
// locked dependencies when they are missing or older than the lockfile, and (for the tests) Debian's
// Chromium when it is absent. Idempotent and quick when everything is already there.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function run(command, args) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// npm writes node_modules/.package-lock.json on every install: older than the lockfile means stale.
const installed = join(ROOT, "node_modules/.package-lock.json");
if (!existsSync(installed) || statSync(installed).mtimeMs < statSync(join(ROOT, "package-lock.json")).mtimeMs) {
  console.log("== Installing dependencies (npm ci)");
  run("npm", ["ci", "--no-audit", "--no-fund"]);
}

if (process.argv.includes("--browser") && !existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0 && existsSync("/usr/bin/apt-get")) {
    console.log("== Installing Debian's chromium for the browser tests");
    run("apt-get", ["update", "-qq"]);
    run("apt-get", ["install", "-y", "-qq", "chromium"]);
  } else {
    console.error(`The browser tests need Chromium at ${CHROMIUM}: install it (e.g. sudo apt-get install chromium) or set CHROMIUM_PATH.`);
    process.exit(1);
  }
}
