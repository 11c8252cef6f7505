// scripts/build.mjs also turns demo/ into worker/generated/assets.ts; the worker serves those strings.
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let readDemoFiles: (dir: string) => Promise<Record<string, { body: string; type: string; base64?: true }>>;
let dir: string;

beforeAll(async () => {
  ({ readDemoFiles } = await import(new URL("../../../scripts/build.mjs", import.meta.url).href));
  dir = await mkdtemp(join(tmpdir(), "leadscore-demo-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readDemoFiles", () => {
  it("answers nothing for a missing demo folder", async () => {
    expect(await readDemoFiles(join(dir, "absent"))).toEqual({});
  });

  it("keys files by URL path, nested folders included, with content types by extension", async () => {
    const demo = join(dir, "demo");
    await mkdir(join(demo, "products"), { recursive: true });
    await writeFile(join(demo, "index.html"), "<h1>Café</h1>");
    await writeFile(join(demo, "products", "coffee.html"), "<p>coffee</p>");
    await writeFile(join(demo, "app.js"), "console.log(1)");
    await writeFile(join(demo, "logo.png"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]));
    const files = await readDemoFiles(demo);
    expect(Object.keys(files)).toEqual(["/app.js", "/index.html", "/logo.png", "/products/coffee.html"]);
    expect(files["/index.html"]).toEqual({ body: "<h1>Café</h1>", type: "text/html; charset=utf-8" });
    expect(files["/products/coffee.html"]!.type).toBe("text/html; charset=utf-8");
    expect(files["/app.js"]!.type).toBe("text/javascript; charset=utf-8");
    // Binary files cannot travel as text: base64, and marked so.
    expect(files["/logo.png"]).toEqual({ body: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]).toString("base64"), type: "image/png", base64: true });
  });
});
