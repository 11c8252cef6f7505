// The leadscore command line against the real local worker (wrangler dev, DEMO=1): a journey's
// timeline, a push with a mistake refused at its path (exit 1), a push that saves over the version in
// force, one refused because the version it was reviewed against is no longer in force, and a backtest
// printed side by side.

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { ADMIN_TOKEN, baseVars, eventually, postSegment, removeDir, startReceiver, startWorker, tailLogs, tempDir, WEBHOOK_SECRET, type Inspector, type LocalWorker } from "../support/e2e";

const DEMO_WRITE_KEY = "demo.wk_cli_e2e_5d1a";
const CLI = fileURLToPath(new URL("../../cli/leadscore.mjs", import.meta.url));

describe("the leadscore command line against a local worker", () => {
  let receiver: Inspector;
  let worker: LocalWorker;
  let dir: string;
  let files: string;

  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [CLI, ...args, "--site", "demo"], { env: { PATH: process.env.PATH ?? "", LEADSCORE_URL: worker.url, LEADSCORE_TOKEN: ADMIN_TOKEN } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
  const file = (name: string, content: unknown) => {
    const path = join(files, name);
    writeFileSync(path, JSON.stringify(content, null, 2));
    return path;
  };
  const config = async () => {
    const res = await fetch(`${worker.url}/v1/sites/demo/config`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { etag: res.headers.get("etag"), body: (await res.json()) as any };
  };

  beforeAll(async () => {
    receiver = await startReceiver();
    dir = tempDir("cli");
    files = mkdtempSync(join(tmpdir(), "leadscore-cli-files-"));
    worker = await startWorker({ persistTo: dir, vars: baseVars(receiver, { DEMO: "1", DEMO_WEBHOOK_URL: `${receiver.hooksUrl}/demo`, DEMO_WEBHOOK_SECRET: WEBHOOK_SECRET, DEMO_WRITE_KEY }) });
  });

  afterAll(async () => {
    await worker?.stop();
    await receiver?.close();
    removeDir(dir);
    rmSync(files, { recursive: true, force: true });
  });

  it("simulates a journey and prints its timeline", async () => {
    onTestFailed(() => console.error(tailLogs(worker)));
    const at = Date.UTC(2026, 10, 30, 9, 0, 0);
    const journey = [
      { name: "page_view", path: "/pricing.html", timestamp: new Date(at).toISOString() },
      { name: "cart_add", props: { sku: "LUM-BUNDLE-HOME", price: 259 }, timestamp: new Date(at + 60_000).toISOString() },
    ];
    const result = await run(["simulate", file("journey.json", journey)]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const rows = result.stdout.split("\n").filter((l) => l.startsWith("2026-11-30T"));
    // The demo's pricing rule is worth 20; a minute later the cart add earns cart-add 20 and big-basket 10
    // on top of the pricing view's 20, decayed by a minute: a little under 20 + 20 + 10.
    expect(rows[0]).toMatch(/^2026-11-30T09:00:00Z\s+page_view\s+20\s+cold\s/);
    const [, score, label] = /^2026-11-30T09:01:00Z\s+cart_add\s+([\d.]+)\s+(\w+)/.exec(rows[1]!)!;
    expect(Number(score)).toBeLessThan(20 + 20 + 10);
    expect(Number(score)).toBeGreaterThan(20 + 20 + 10 - 1);
    expect(label).toBe("warm");
  });

  it("simulates the README's example journey: warm, hot, then decay back to cold by the day's end", async () => {
    onTestFailed(() => console.error(tailLogs(worker)));
    const result = await run(["simulate", fileURLToPath(new URL("../../examples/journey.json", import.meta.url))]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const changes = result.stdout.split("\n").filter((l) => l.includes("label_changed")).map((l) => /label_changed (\w+ → \w+)/.exec(l)![1]);
    expect(changes).toEqual(["cold → warm", "warm → hot", "hot → warm", "warm → cold"]);
    expect(result.stdout).toMatch(/^2026-12-01T09:04:00Z\s+cart_add\s+[\d.]+\s+hot\s/m);
    expect(result.stdout).toMatch(/\(decay\)/);
  });

  it("refuses a push with a mistake (exit 1, the path printed) and saves nothing, then saves a good one over the version in force", async () => {
    onTestFailed(() => console.error(tailLogs(worker)));
    const { body: demo, etag } = await config();
    expect(etag).toBe('"v0"');
    const broken = structuredClone(demo);
    broken.models[0].labels = [{ name: "cold" }, { name: "hot", min: 60 }, { name: "warm", min: 30 }];
    const refused = await run(["push", file("broken.json", broken)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/422 invalid_config/);
    expect(refused.stderr).toMatch(/\$\.models\[0\]\.labels/);
    expect((await config()).etag).toBe('"v0"');

    const changed = structuredClone(demo);
    changed.models.find((m: any) => m.id === "shop").rules.find((r: any) => r.id === "pricing").points = 25;
    const saved = await run(["push", file("changed.json", changed)]);
    expect(saved.stderr).toBe("");
    expect(saved.code).toBe(0);
    expect(saved.stdout).toContain('as version 1 (over "v0")');
    const after = await config();
    expect(after.etag).toBe('"v1"');
    expect(after.body.models.find((m: any) => m.id === "shop").rules.find((r: any) => r.id === "pricing").points).toBe(25);

    // Reviewed against version 0, which is no longer in force: refused (412), version 1 stays.
    const stale = await run(["push", file("changed.json", changed), "--if-match", "v0"]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/412/);
    expect((await config()).etag).toBe('"v1"');
  });

  it("backtests a candidate: both reports side by side, and the lead whose label it would change", async () => {
    onTestFailed(() => console.error(tailLogs(worker)));
    // A known person (no company: the shop model) who viewed pricing once: 25 points under version 1, cold (warm starts at 30).
    expect((await postSegment(worker.url, "/v1/page", DEMO_WRITE_KEY, { userId: "ada@example.com", properties: { url: `${worker.url}/pricing.html` } })).status).toBe(200);
    const lead = await eventually(async () => {
      const res = await fetch(`${worker.url}/v1/sites/demo/leads`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      return ((await res.json()) as any).leads.find((l: any) => l.userId === "ada@example.com");
    }, { what: "ada in the lead index" });
    expect(lead.label).toBe("cold");
    const { body: inForce } = await config();
    const candidate = structuredClone(inForce);
    candidate.models.find((m: any) => m.id === "shop").rules.find((r: any) => r.id === "pricing").points = 40;

    const result = await run(["backtest", file("candidate.json", candidate)]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toMatch(/^Backtest of .*candidate\.json on site demo: .* 1 leads replayed\.$/);
    expect(lines.some((l) => /^figure\s+current\s+candidate\s+change$/.test(l))).toBe(true);
    expect(lines).toContain("Leads whose label would change: 1");
    // Her score under both: the pricing view's 25 and 40 points, decayed alike since she viewed it.
    const [, now, then] = /cold → warm\s+([\d.]+) → ([\d.]+)$/.exec(lines.find((l) => l.startsWith(lead.leadId))!)!;
    expect(Number(then) - Number(now)).toBeCloseTo(40 - 25, 0);
    // Nothing was saved: version 1 is still in force.
    expect((await config()).etag).toBe('"v1"');
  });
});
