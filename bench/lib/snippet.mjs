// The snippet's size as it ships: minified bytes and gzip -9 bytes of dist/leadscore.js (the same
// measure scripts/build.mjs enforces), next to the published sizes of two well-known trackers.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { SIZE_BUDGET } from "../../scripts/build.mjs";
import { ROOT } from "./runtime.mjs";

/** The gzip budget scripts/build.mjs enforces: one figure, kept there. */
export const SNIPPET_BUDGET_BYTES = SIZE_BUDGET;

export function snippetSizes() {
  const code = readFileSync(join(ROOT, "dist/leadscore.js"));
  const trackers = JSON.parse(readFileSync(join(ROOT, "bench/trackers.json"), "utf8"));
  return {
    file: "dist/leadscore.js",
    minifiedBytes: code.length,
    gzipBytes: gzipSync(code, { level: 9 }).length,
    brotliBytes: brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    budgetBytes: SNIPPET_BUDGET_BYTES,
    published: trackers,
  };
}
