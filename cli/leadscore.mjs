#!/usr/bin/env node
// leadscore: config as code against a Leadscore worker. Plain Node (18.3 or newer), no dependencies.
//
//   leadscore backtest my-config.json --site shop     the stored leads under the current and this config
//   leadscore simulate journey.json --site shop       a journey's timeline, storing nothing
//   leadscore push my-config.json --site shop         publish the config (If-Match), warnings and mistakes with paths
//
// Every command takes --url and --token (or LEADSCORE_URL / LEADSCORE_TOKEN) and --json for the raw answer.
// Exit codes: 0 done, 1 the worker refused the input (422 with each mistake's path, 412, …), 2 usage or network.

import { parseArgs } from "node:util";
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { CliError, EXIT } from "./api.mjs";
import { BACKTEST_OPTIONS, backtest } from "./commands/backtest.mjs";
import { PUSH_OPTIONS, push } from "./commands/push.mjs";
import { SIMULATE_OPTIONS, simulate } from "./commands/simulate.mjs";

const COMMON_OPTIONS = {
  site: { type: "string" },
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
};

const COMMANDS = {
  backtest: { run: backtest, options: BACKTEST_OPTIONS, file: "config.json", extra: "[--sample N] [--seed N] [--from DATE] [--to DATE] [--model ID] [--limit N]" },
  simulate: { run: simulate, options: SIMULATE_OPTIONS, file: "journey.json", extra: "[--config config.json] [--until ISO-8601]" },
  push: { run: push, options: PUSH_OPTIONS, file: "config.json", extra: '[--if-match \'"v3"\'] [--patch] [--no-notify]' },
};

export const USAGE = [
  "Usage: leadscore <command> <file> --site SITE [--url URL] [--token TOKEN] [--json]",
  "",
  ...Object.entries(COMMANDS).map(([name, c]) => `  leadscore ${name} ${c.file} --site SITE ${c.extra}`),
  "",
  "The worker's URL and admin token come from --url / --token or LEADSCORE_URL / LEADSCORE_TOKEN.",
  "Exit codes: 0 done, 1 the worker refused the input (e.g. 422: each mistake with its JSON path), 2 usage or network.",
].join("\n");

/**
 * Runs one command line and answers what to print and the exit code; never exits itself, so tests
 * and other tools can call it.
 *
 * @example const { code, stdout } = await main(["push", "shop.json", "--site", "shop"], process.env)
 */
export async function main(argv, env) {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") return { code: name === undefined ? EXIT.usage : EXIT.ok, stdout: name === undefined ? "" : USAGE, stderr: name === undefined ? USAGE : "" };
  const command = COMMANDS[name];
  if (!command) return { code: EXIT.usage, stdout: "", stderr: `Unknown command "${name}".\n\n${USAGE}` };
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: rest, options: { ...COMMON_OPTIONS, ...command.options }, allowPositionals: true, strict: true });
    } catch (err) {
      throw new CliError(`${err.message}\n\n${USAGE}`, EXIT.usage);
    }
    const { values, positionals } = parsed;
    if (values.help) return { code: EXIT.ok, stdout: USAGE, stderr: "" };
    const url = values.url ?? env.LEADSCORE_URL;
    const token = values.token ?? env.LEADSCORE_TOKEN;
    const missing = [positionals.length !== 1 && `one ${command.file}`, !values.site && "--site", !url && "--url (or LEADSCORE_URL)", !token && "--token (or LEADSCORE_TOKEN)"].filter(Boolean);
    if (missing.length > 0) throw new CliError(`leadscore ${name} needs ${missing.join(", ")}.\n\n${USAGE}`, EXIT.usage);
    if (!URL.canParse(url)) throw new CliError(`--url ${url} is not a URL`, EXIT.usage);
    const stdout = await command.run({ target: { url, token }, site: values.site, file: positionals[0], values });
    return { code: EXIT.ok, stdout, stderr: "" };
  } catch (err) {
    if (!(err instanceof CliError)) throw err;
    const issues = err.issues.map((i) => `  ${i.path}  ${i.message}`);
    return { code: err.exitCode, stdout: "", stderr: [err.message, ...(issues.length ? ["", ...issues] : [])].join("\n") };
  }
}

/** Run as a program (through npm's bin link too, hence the real path), not imported. */
function runAsProgram() {
  try {
    return import.meta.url === pathToFileURL(realpathSync(process.argv[1] ?? "")).href;
  } catch {
    return false;
  }
}

if (runAsProgram()) {
  const { code, stdout, stderr } = await main(process.argv.slice(2), process.env);
  if (stdout) process.stdout.write(`${stdout}\n`);
  if (stderr) process.stderr.write(`${stderr}\n`);
  process.exitCode = code;
}
