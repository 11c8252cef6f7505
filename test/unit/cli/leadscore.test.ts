// The leadscore command line, spawned as a real process against a real local HTTP server that plays
// the worker's operator API: what it sends, what it prints, and its exit codes.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "../../../cli/leadscore.mjs");
const TOKEN = "cli-test-token";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: any;
}

type Handler = (req: Seen) => { status: number; body?: unknown; headers?: Record<string, string> };

let server: Server;
let url = "";
let seen: Seen[] = [];
let routes: Record<string, Handler> = {};
let dir = "";

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? "", ...env }, cwd: dir }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

const withTarget = (...args: string[]) => [...args, "--site", "shop", "--url", url, "--token", TOKEN];
const CONFIG = { models: [{ id: "shop", rules: [{ id: "pricing", event: "page_view", points: 25 }], labels: [{ name: "cold" }, { name: "hot", min: 50 }] }] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "leadscore-cli-"));
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (chunk) => (text += chunk));
    req.on("end", () => {
      const request: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: text ? JSON.parse(text) : undefined };
      seen.push(request);
      const handler = routes[`${req.method} ${req.url!.split("?")[0]}`];
      const answer = req.headers.authorization !== `Bearer ${TOKEN}` ? { status: 401, body: { error: { code: "unauthorized", message: "Bad token", issues: [] } } } : handler ? handler(request) : { status: 404, body: { error: { code: "not_found", message: "No route", issues: [] } } };
      res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
      res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  seen = [];
  routes = {};
});

describe("leadscore push", () => {
  it("saves over the version in force (If-Match) and prints the new version and each warning at its path", async () => {
    routes["GET /v1/sites/shop/config"] = () => ({ status: 200, body: CONFIG, headers: { etag: '"v3"' } });
    routes["PUT /v1/sites/shop/config"] = () => ({
      status: 200,
      body: { version: 4, savedAt: "2026-12-01T12:00:00.000Z", summary: "models: shop", config: CONFIG, warnings: [{ path: "$.models[0].rules[0].event", code: "segment_event_name", message: 'did you mean "email_open"?' }] },
    });
    const result = await run(withTarget("push", file("config.json", CONFIG)));
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const put = seen.find((s) => s.method === "PUT")!;
    expect(put.headers["if-match"]).toBe('"v3"');
    expect(put.body).toEqual(CONFIG);
    expect(result.stdout).toContain("as version 4 (over \"v3\"): models: shop");
    expect(result.stdout).toContain('$.models[0].rules[0].event  did you mean "email_open"? (segment_event_name)');
  });

  it("exits 1 on a 422 and prints every mistake with its JSON path", async () => {
    routes["GET /v1/sites/shop/config"] = () => ({ status: 200, body: CONFIG, headers: { etag: '"v3"' } });
    routes["PUT /v1/sites/shop/config"] = () => ({
      status: 422,
      body: { error: { code: "invalid_config", message: "The config has 2 mistakes", issues: [{ path: "$.models[0].rules[0].points", message: "expected number" }, { path: "$.models[0].labels", message: "bands out of order" }] } },
    });
    const result = await run(withTarget("push", file("bad.json", CONFIG)));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain("422 invalid_config: The config has 2 mistakes");
    expect(result.stderr).toContain("$.models[0].rules[0].points  expected number");
    expect(result.stderr).toContain("$.models[0].labels  bands out of order");
  });

  it("with --patch and --if-match sends a merge patch over that version, and exits 1 when it is no longer in force (412)", async () => {
    routes["PATCH /v1/sites/shop/config"] = () => ({ status: 412, body: { error: { code: "precondition_failed", message: "The config in force is v5", issues: [] } } });
    const result = await run(withTarget("push", file("patch.json", { webhooks: [] }), "--patch", "--if-match", "3", "--no-notify"));
    expect(result.code).toBe(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: "PATCH", url: "/v1/sites/shop/config?notify=false", body: { webhooks: [] } });
    expect(seen[0]!.headers["if-match"]).toBe('"v3"');
    expect(seen[0]!.headers["content-type"]).toBe("application/merge-patch+json");
    expect(result.stderr).toContain("412 precondition_failed");
  });

  it("exits 1 on a file that is not JSON, before sending anything", async () => {
    const result = await run(withTarget("push", file("broken.json", "{ models: ")));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.json is not valid JSON/);
    expect(seen).toEqual([]);
  });
});

describe("leadscore backtest", () => {
  it("posts the candidate and prints both reports side by side with the difference, and the leads that move", async () => {
    const report = (auc: number, hot: number, rate: number, median: number) => ({
      model: "shop", status: "ok", message: "200 leads whose horizon closed", horizon: "30d", leads: 200, conversions: 20, baseRate: 0.1, auc,
      labels: [{ name: "hot", leads: hot, conversions: 12, rate, lift: rate / 0.1, precision: rate, recall: 0.6, medianTimeToConversionMs: median }],
      stages: [], weeks: [{ week: "2026-11-02", leads: 50, conversions: 5, rate: 0.1, auc, complete: true }],
    });
    routes["POST /v1/sites/shop/backtest"] = () => ({
      status: 200,
      body: {
        site: "shop", leads: { total: 200, replayed: 200, failed: 0 },
        current: report(0.71, 30, 0.4, 3 * 86_400_000),
        candidate: report(0.78, 25, 0.52, 2.5 * 86_400_000),
        changed: { count: 3, leads: [{ leadId: "u_1", from: "hot", to: "warm", score: { current: 61, candidate: 45.5 } }], next: "u_1" },
      },
    });
    const result = await run(withTarget("backtest", file("candidate.json", CONFIG), "--sample", "500", "--from", "2026-11-01", "--model", "shop"));
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(seen[0]).toMatchObject({ method: "POST", url: "/v1/sites/shop/backtest", body: { config: CONFIG, sample: 500, from: "2026-11-01", model: "shop" } });
    const lines = result.stdout.split("\n");
    expect(lines).toContain("current: 200 leads whose horizon closed");
    // 0.78 - 0.71 = +0.07; 25 - 30 = -5; 0.52 - 0.4 = +0.12; lift 0.52 / 0.1 - 0.4 / 0.1 = +1.2
    expect(lines.find((l) => l.startsWith("auc "))).toMatch(/^auc\s+0\.71\s+0\.78\s+\+0\.07$/);
    expect(lines.find((l) => l.startsWith("labels.hot.leads"))).toMatch(/^labels\.hot\.leads\s+30\s+25\s+-5$/);
    expect(lines.find((l) => l.startsWith("labels.hot.rate"))).toMatch(/^labels\.hot\.rate\s+0\.4\s+0\.52\s+\+0\.12$/);
    expect(lines.find((l) => l.startsWith("labels.hot.lift"))).toMatch(/^labels\.hot\.lift\s+4\s+5\.2\s+\+1\.2$/);
    expect(lines.find((l) => l.startsWith("labels.hot.median"))).toMatch(/^labels\.hot\.medianTimeToConversionMs\s+3 d\s+2\.5 d$/);
    expect(lines.find((l) => l.startsWith("weeks.2026-11-02.auc"))).toMatch(/0\.71\s+0\.78\s+\+0\.07$/);
    expect(lines).toContain("Leads whose label would change: 3 (the first 1 listed; --limit for more)");
    expect(lines.find((l) => l.startsWith("u_1"))).toMatch(/^u_1\s+hot → warm\s+61 → 45\.5$/);
  });

  it("exits 2 on a --sample that is no number, before sending anything", async () => {
    const result = await run(withTarget("backtest", file("candidate.json", CONFIG), "--sample", "many"));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--sample takes a whole number");
    expect(seen).toEqual([]);
  });
});

describe("leadscore simulate", () => {
  it("prints the journey's timeline, decay crossings included, with the URL and token from the environment", async () => {
    const at = Date.UTC(2026, 11, 1, 12, 0, 0);
    routes["POST /v1/sites/shop/simulate"] = () => ({
      status: 200,
      body: {
        timeline: [
          { at, eventId: "sim_0", name: "page_view", score: 25, label: "cold", stage: "lead", changes: [] },
          { at: at + 60_000, eventId: "sim_1", name: "cart_add", score: 55, label: "hot", stage: "lead", changes: [{ type: "lead.label_changed", from: "cold", to: "hot" }] },
          { at: at + 86_400_000, score: 49.9, label: "cold", stage: "lead", changes: [{ type: "lead.label_changed", from: "hot", to: "cold" }] },
        ],
        webhooks: [],
      },
    });
    const journey = [{ name: "page_view", path: "/pricing", timestamp: at }, { name: "cart_add", timestamp: at + 60_000 }];
    const result = await run(["simulate", file("journey.json", { events: journey, until: at + 86_400_000 }), "--site", "shop"], { LEADSCORE_URL: url, LEADSCORE_TOKEN: TOKEN });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(seen[0]!.body).toEqual({ events: journey, until: at + 86_400_000 });
    const rows = result.stdout.split("\n").filter((l) => l.startsWith("2026-"));
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^2026-12-01T12:00:00Z\s+page_view\s+25\s+cold\s+lead$/);
    expect(rows[1]).toMatch(/cart_add\s+55\s+hot\s+lead\s+label_changed cold → hot$/);
    expect(rows[2]).toMatch(/\(decay\)\s+49\.9\s+cold\s+lead\s+label_changed hot → cold$/);
  });
});

describe("usage, credentials and the network", () => {
  it.each([
    { what: "no command", args: [], message: "Usage: leadscore" },
    { what: "an unknown command", args: ["deploy", "x.json", "--site", "shop"], message: 'Unknown command "deploy"' },
    { what: "no --site", args: ["push", "x.json", "--url", "http://127.0.0.1:1", "--token", "t"], message: "needs --site" },
    { what: "no URL or token", args: ["push", "x.json", "--site", "shop"], message: "needs --url (or LEADSCORE_URL), --token (or LEADSCORE_TOKEN)" },
    { what: "an unknown option", args: ["push", "x.json", "--site", "shop", "--force"], message: "Unknown option '--force'" },
    { what: "a file that is not there", args: ["push", "missing.json", "--site", "shop", "--url", "http://127.0.0.1:1", "--token", "t"], message: "Cannot read missing.json: no such file" },
  ])("exits 2 on $what", async ({ args, message }) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("exits 2 when the worker cannot be reached", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const result = await run(["push", file("config.json", CONFIG), "--site", "shop", "--url", `http://127.0.0.1:${port}`, "--token", TOKEN]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Could not reach http://127.0.0.1:${port}`);
  });

  it("exits 2 on a wrong token (401), printing the worker's message", async () => {
    const result = await run(["push", file("config.json", CONFIG), "--site", "shop", "--url", url, "--token", "wrong"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("401 unauthorized: Bad token");
  });

  it("prints the usage with --help and exits 0", async () => {
    const result = await run(["push", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("leadscore push config.json --site SITE");
  });
});
