// Builds the operator console (console/) into static files for Workers Static Assets:
// dist/assets/console/index.html and dist/assets/console/_/app.{js,css}, Preact, uPlot and the
// JSON Schema validator bundled in (nothing is loaded from a CDN at run time).
import { build } from "esbuild";
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Bundles console/src/main.tsx into `outDir/_/app.js` and `app.css`, copies index.html beside them,
 * and answers the sizes (bytes, minified and gzipped).
 *
 * @example const sizes = await buildConsole(join(ROOT, "dist/assets/console")) // { js: { minified, gzipped }, css: {...} }
 */
export async function buildConsole(outDir) {
  await rm(outDir, { recursive: true, force: true });
  const result = await build({
    entryPoints: { app: join(ROOT, "console/src/main.tsx") },
    outdir: join(outDir, "_"),
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: join(ROOT, "console/tsconfig.json"),
    sourcemap: "linked",
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
  });
  await mkdir(outDir, { recursive: true });
  await copyFile(join(ROOT, "console/index.html"), join(outDir, "index.html"));
  const sizes = {};
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    const kind = file.endsWith(".js") ? "js" : file.endsWith(".css") ? "css" : null;
    if (!kind) continue;
    // metafile paths are relative to the working directory
    const bytes = await readFile(resolve(file));
    sizes[kind] = { minified: info.bytes, gzipped: gzipSync(bytes, { level: 9 }).length };
  }
  return { sizes, metafile: result.metafile };
}
