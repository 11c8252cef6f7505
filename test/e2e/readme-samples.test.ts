// The README's shell samples, run as written against a real local worker (`wrangler dev`, DEMO=1, as
// `npm start` runs it). The samples are read from the README on every run: each ```sh block preceded
// by a `<!-- sample … -->` comment, so editing a command there is what this test checks.
//
// Each sample gets a fresh worker (fresh Durable Object storage): a sample must work on its own, right
// after `npm start`, whatever the samples before it changed.

import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { ADMIN_TOKEN, baseVars, removeDir, startReceiver, startWorker, tailLogs, tempDir, WEBHOOK_SECRET, type Inspector, type LocalWorker } from "../support/e2e";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const README = readFileSync(join(ROOT, "README.md"), "utf8");
const SAMPLE = /<!-- sample\b[^>]*-->\s*\n```sh\n([\s\S]*?)```/g;
/** The heading above each sample names it in the test output. */
const samples = [...README.matchAll(SAMPLE)].map((m) => {
  const before = README.slice(0, m.index);
  const heading = [...before.matchAll(/^#+ (.+)$/gm)].at(-1)?.[1] ?? "README";
  return { name: `${heading}: ${m[1]!.split("\n")[0]!.slice(0, 60)}`, script: m[1]! };
});

/** What the README tells the reader to export (the worker's URL and what `npm start` puts in .dev.vars), with the test's values. */
const DEMO_WRITE_KEY = "demo.wk_readme_samples_1f4e";

// Every curl fails on an HTTP error (with the answer's body on stdout), and ends its output with a
// newline, so each answer is one line of JSON. Set through curl's own config file, not by editing the
// commands.
const CURLRC = ["fail-with-body", "silent", "show-error", 'write-out = "\\n"'].join("\n");

function runBash(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // -u: a variable the README never told the reader to set (a typo, a renamed secret) fails the sample.
    // --norc: Debian's bash reads /etc/bash.bashrc when its stdin is a socket, as Node's pipes are.
    execFile("bash", ["--norc", "--noprofile", "-euo", "pipefail", "-c", script], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe("the README's shell samples, against a local worker", () => {
  let receiver: Inspector;
  let home: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    home = tempDir("readme-home");
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, ".curlrc"), CURLRC);
  });

  afterAll(async () => {
    await receiver?.close();
    removeDir(home);
  });

  it("finds the samples, and the README tells the reader to set what this test sets", () => {
    // The Segment-compatible track and the config change, at least.
    expect(samples.length).toBeGreaterThanOrEqual(2);
    expect(README).toContain("export LEADSCORE_URL=http://127.0.0.1:8787");
    expect(README).toMatch(/set -a; \. \.\/\.dev\.vars; set \+a/);
  });

  it.each(samples)("$name", async ({ script }) => {
    const dir = tempDir("readme-sample");
    let worker: LocalWorker | undefined;
    try {
      worker = await startWorker({
        persistTo: dir,
        vars: baseVars(receiver, { DEMO: "1", DEMO_WEBHOOK_URL: `${receiver.hooksUrl}/demo`, DEMO_WEBHOOK_SECRET: WEBHOOK_SECRET, DEMO_WRITE_KEY }),
      });
      const env = {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        CURL_HOME: home,
        LEADSCORE_URL: worker.url,
        ADMIN_TOKEN,
        DEMO_WRITE_KEY,
        DEMO_WEBHOOK_SECRET: WEBHOOK_SECRET,
      };
      const result = await runBash(script, env, ROOT);
      onTestFailed(() => console.error(`--- sample ---\n${script}\n--- stdout ---\n${result.stdout}\n--- stderr ---\n${result.stderr}\n--- worker log ---\n${tailLogs(worker)}`));
      expect(result.code, result.stderr || result.stdout).toBe(0);
      const answers = result.stdout.split("\n").filter((line) => line.trim() !== "");
      // One JSON answer per curl in the sample.
      expect(answers).toHaveLength(script.match(/\bcurl\b/g)?.length ?? 0);
      for (const answer of answers) expect(() => JSON.parse(answer), answer).not.toThrow();
    } finally {
      await worker?.stop();
      removeDir(dir);
    }
  });
});
