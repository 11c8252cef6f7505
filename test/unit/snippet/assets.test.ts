// scripts/build-assets.mjs lays out the Workers Static Assets directory the worker serves from.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let buildAssets: (options: { snippet: string; outDir: string; demoDir: string; withConsole?: boolean }) => Promise<{ demoFiles: number; console: any }>;
let dir: string;

beforeAll(async () => {
  ({ buildAssets } = await import(new URL("../../../scripts/build-assets.mjs", import.meta.url).href));
  dir = await mkdtemp(join(tmpdir(), "leadscore-assets-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("buildAssets", () => {
  it("writes the snippet, copies the demo shop under demo/ with nested folders, and builds the console", async () => {
    const demo = join(dir, "demo");
    await mkdir(join(demo, "products"), { recursive: true });
    await writeFile(join(demo, "index.html"), "<h1>Café</h1>");
    await writeFile(join(demo, "products", "coffee.html"), "<p>coffee</p>");
    await writeFile(join(demo, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]));
    const out = join(dir, "out");
    const result = await buildAssets({ snippet: "(()=>{})();\n", outDir: out, demoDir: demo });
    expect(result.demoFiles).toBe(3);
    expect(readFileSync(join(out, "leadscore.js"), "utf8")).toBe("(()=>{})();\n");
    expect(readFileSync(join(out, "demo/index.html"), "utf8")).toBe("<h1>Café</h1>");
    expect(readFileSync(join(out, "demo/products/coffee.html"), "utf8")).toBe("<p>coffee</p>");
    // Binary files are copied byte for byte.
    expect([...readFileSync(join(out, "demo/logo.png"))]).toEqual([0x89, 0x50, 0x4e, 0x47, 0xff]);
    expect(readFileSync(join(out, "console/index.html"), "utf8")).toContain("/console/_/app.js");
    expect(existsSync(join(out, "console/_/app.js"))).toBe(true);
    // Preact, uPlot, the JSON Schema validator, jsonc-parser and the pages: 55 KB gzipped today.
    expect(result.console.js.gzipped).toBeGreaterThan(0);
    expect(result.console.js.gzipped).toBeLessThanOrEqual(80 * 1024);
  });

  it("drops demo files that no longer exist, and builds without a demo folder", async () => {
    const out = join(dir, "out");
    const result = await buildAssets({ snippet: "x", outDir: out, demoDir: join(dir, "absent"), withConsole: false });
    expect(result.demoFiles).toBe(0);
    expect(existsSync(join(out, "demo"))).toBe(false);
  });
});
