// The snippet ships to every visitor of every customer: its gzip size is a budget, not a statistic.
import { gzipSync } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";

interface Built {
  code: string;
  minified: number;
  gzipped: number;
}
let built: Built;
let budget: number;

beforeAll(async () => {
  // scripts/build.mjs is plain JavaScript; importing it by URL keeps one definition of the build.
  const build = await import(new URL("../../../scripts/build.mjs", import.meta.url).href);
  built = await build.buildSnippet();
  budget = build.SIZE_BUDGET;
});

describe("leadscore.js", () => {
  it("stays within its 1,700-byte gzip budget", () => {
    expect(budget).toBe(1700);
    expect(gzipSync(built.code, { level: 9 }).length).toBe(built.gzipped);
    expect(built.gzipped).toBeLessThanOrEqual(budget);
  });

  it("is one self-contained IIFE with no module syntax", () => {
    const code = built.code.trim();
    expect(code.startsWith("(()=>{")).toBe(true);
    expect(code.endsWith("})();")).toBe(true);
    expect(code).not.toMatch(/\bimport\s*[({"'\w*]|\bexport\s|\brequire\s*\(/);
    expect(() => new Function(code)).not.toThrow();
  });

  it("keeps the names the page relies on", () => {
    for (const name of ["leadscore", "data-leadscore-event", "data-leadscore-prop-", "data-leadscore-identify", "/e", "page_view"]) {
      expect(built.code).toContain(name);
    }
  });
});
