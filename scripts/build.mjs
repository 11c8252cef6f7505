// Builds what the worker serves: the browser snippet (dist/leadscore.js, with a size report and a hard
// gzip budget) and the Workers Static Assets directory dist/assets (the snippet, the operator console
// and the demo shop; see scripts/build-assets.mjs). Run by `npm run build`, `npm test` and `npm start`.
import { build } from "esbuild";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { minify } from "terser";
import { buildAssets } from "./build-assets.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Every visitor of every customer downloads the snippet: the budget is the gzip -9 size in bytes. */
export const SIZE_BUDGET = 1700;

/**
 * Bundles snippet/index.ts into one minified IIFE.
 *
 * @example const { code, gzipped } = await buildSnippet(); // code: "(()=>{…})();\n"
 */
export async function buildSnippet() {
  const result = await build({
    entryPoints: [join(ROOT, "snippet/index.ts")],
    bundle: true,
    minify: true,
    format: "iife",
    // ES2019 for `catch {}` without a binding (bytes in every visitor's download); every browser with
    // fetch keepalive, which the snippet needs anyway, has it.
    target: "es2019",
    platform: "browser",
    sourcemap: false,
    legalComments: "none",
    // The repository tsconfig's `strict` would add a "use strict" prologue: 13 bytes that change nothing
    // in a bundle whose code is all ours.
    tsconfigRaw: "{}",
    write: false,
    logLevel: "silent",
  });
  // terser then minifies the bundle as one scope: it joins the `var` statements each module left behind,
  // which esbuild cannot across module boundaries, and names variables by frequency, which gzip rewards
  // (about 45 bytes gzipped). Its default compress options keep the code's meaning.
  const { code } = await minify(result.outputFiles[0].text, { ecma: 2019, format: { comments: false } });
  return { code, minified: Buffer.byteLength(code), gzipped: gzipSync(code, { level: 9 }).length };
}

async function writeIfChanged(file, text) {
  const old = await readFile(file, "utf8").catch(() => null);
  // Rewriting an identical file would restart `wrangler dev` for nothing.
  if (old !== text) await mkdir(dirname(file), { recursive: true }), await writeFile(file, text);
}

async function main() {
  const { code, minified, gzipped } = await buildSnippet();
  await writeIfChanged(join(ROOT, "dist/leadscore.js"), code);
  console.log(`leadscore.js: ${minified} bytes minified, ${gzipped} bytes gzipped (budget ${SIZE_BUDGET})`);
  if (gzipped > SIZE_BUDGET) {
    console.error(`leadscore.js is ${gzipped - SIZE_BUDGET} bytes over its gzip budget`);
    process.exit(1);
  }

  const assets = await buildAssets({ snippet: code });
  console.log(`dist/assets: leadscore.js, ${assets.demoFiles} demo files, console (app.js ${assets.console.js.gzipped} bytes gzipped, app.css ${assets.console.css.gzipped})`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
