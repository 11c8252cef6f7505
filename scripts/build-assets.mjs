// Lays out what Workers Static Assets serves (wrangler.jsonc `assets.directory`):
//
//   dist/assets/leadscore.js        the snippet            -> /leadscore.js
//   dist/assets/console/…           the operator console   -> /console/…
//   dist/assets/demo/…              the demo shop (DEMO=1) -> /…
//
// The worker runs first for every request (`run_worker_first`), so it sets the snippet's CORS and
// cache headers, answers every /console/ path with the console's page, and serves demo/ only with
// DEMO=1: a deployed worker uploads the demo files but never answers with them.
import { cp, mkdir, rm, writeFile, readFile } from "node:fs/promises";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildConsole } from "./build-console.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const ASSETS_DIR = join(ROOT, "dist/assets");

/**
 * Writes the assets directory: the snippet as given, demo/ copied under demo/ (when there is one), the
 * console built under console/. Answers what it wrote, for the build's report.
 *
 * @example await buildAssets({ snippet: code }) // { demoFiles: 14, console: { js: { minified, gzipped }, css: {…} } }
 */
export async function buildAssets({ snippet, outDir = ASSETS_DIR, demoDir = join(ROOT, "demo"), withConsole = true }) {
  await mkdir(outDir, { recursive: true });
  const snippetPath = join(outDir, "leadscore.js");
  // Rewriting an identical file would restart `wrangler dev` for nothing.
  if ((await readFile(snippetPath, "utf8").catch(() => null)) !== snippet) await writeFile(snippetPath, snippet);
  // Copied afresh, so a page deleted from demo/ is not served from an old build.
  await rm(join(outDir, "demo"), { recursive: true, force: true });
  let demoFiles = 0;
  if (existsSync(demoDir)) {
    await cp(demoDir, join(outDir, "demo"), { recursive: true, filter: (src) => (statSync(src).isFile() && demoFiles++, true) });
  }
  const consoleBuild = withConsole ? await buildConsole(join(outDir, "console")) : null;
  return { demoFiles, console: consoleBuild?.sizes ?? null };
}
