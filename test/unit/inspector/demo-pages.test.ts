import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const DEMO = resolve(dirname(fileURLToPath(import.meta.url)), "../../../demo");
const MARKER = "<!--leadscore-->";
/** Served by the worker itself, not a file under demo/. */
const WORKER_PATHS = new Set(["/leadscore.js"]);
/** The worker serves demo/app.html for every /app/* path (the configurator routes with pushState). */
const SPA_PREFIX = "/app/";

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = walk(DEMO).map((f) => relative(DEMO, f).split("\\").join("/"));
// Pages are the HTML files a visitor can open; underscore files are partials.
const pages = files.filter((f) => f.endsWith(".html") && !posix.basename(f).startsWith("_"));
const snippetLines = readFileSync(join(DEMO, "_snippet.html"), "utf8").trimEnd();

/** Maps a URL path to the demo file the worker serves for it, or null when none. */
function fileFor(urlPath: string): string | null {
  if (WORKER_PATHS.has(urlPath)) return "(worker)";
  if (urlPath.startsWith(SPA_PREFIX)) return "app.html";
  const rel = urlPath.replace(/^\//, "");
  const candidate = rel === "" || rel.endsWith("/") ? `${rel}index.html` : rel;
  return files.includes(candidate) ? candidate : null;
}

describe("demo shop pages", () => {
  it("has the pages the README walks through", () => {
    for (const page of ["index.html", "products/grinder.html", "products/kettle.html", "products/beans.html", "pricing.html", "directions.html", "signup.html", "careers.html", "app.html"]) {
      expect(pages).toContain(page);
    }
  });

  it("keeps the two snippet lines in demo/_snippet.html", () => {
    const lines = snippetLines.split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^<script>window\.leadscore=window\.leadscore\|\|\{q:\[\]\};.*<\/script>$/);
    expect(lines[1]).toBe('<script defer src="/leadscore.js" data-site="demo"></script>');
  });

  it.each(pages)("%s carries the identical snippet lines right after the marker", (page) => {
    const html = readFileSync(join(DEMO, page), "utf8");
    expect(html.split(MARKER), `exactly one ${MARKER} marker`).toHaveLength(2);
    const afterMarker = html.slice(html.indexOf(MARKER) + MARKER.length).replace(/^\s*\n/, "");
    // If this fails after editing demo/_snippet.html, paste its two lines after the marker of every page.
    expect(afterMarker.startsWith(snippetLines + "\n"), "page must repeat demo/_snippet.html verbatim after the marker").toBe(true);
    // The stub must run before the snippet and before anything that calls leadscore.*
    expect(html.indexOf("/leadscore.js")).toBeLessThan(html.indexOf("/shop.js"));
  });

  it.each(pages)("every internal link and resource of %s resolves to a file in demo/", (page) => {
    const html = readFileSync(join(DEMO, page), "utf8");
    const refs = [...html.matchAll(/\b(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    // A link out (an outbound click the snippet reports) loads nothing until a visitor follows it.
    const linksOut = new Set([...html.matchAll(/<a [^>]*href="(https:[^"]*)"[^>]*data-outbound/g)].map((m) => m[1]!));
    for (const ref of refs) {
      if (linksOut.has(ref)) continue;
      // Pages load and link nothing else from elsewhere: the inspector is reached through the worker's
      // /inspector redirect, wherever `npm start` runs it.
      expect(ref, `${page}: external reference`).not.toMatch(/^(?:https?:|mailto:|tel:)/);
      if (ref === "/inspector") continue;
      if (ref.startsWith("#")) continue;
      const path = new URL(ref, `http://demo.test/${page}`).pathname;
      expect(fileFor(path), `${page}: ${ref} -> ${path}`).not.toBeNull();
    }
  });

  it("uses only absolute paths, because app.html is also served under /app/*", () => {
    for (const page of pages) {
      const html = readFileSync(join(DEMO, page), "utf8");
      for (const m of html.matchAll(/\b(?:href|src)="([^"]*)"/g)) {
        expect(m[1], `${page}`).toMatch(/^(?:\/|#|https?:|mailto:)/);
      }
    }
  });

  it("wires the tracked elements every page needs", () => {
    for (const page of pages) {
      const html = readFileSync(join(DEMO, page), "utf8");
      expect(html, page).toContain('data-leadscore-event="chat_open"');
      expect(html, page).toContain('data-leadscore-event="chat_message"');
      expect(html, page).toContain("data-lead-badge");
      expect(html, page).toContain('href="/shop.css"');
    }
    for (const product of ["grinder", "kettle", "beans"]) {
      const html = readFileSync(join(DEMO, `products/${product}.html`), "utf8");
      expect(html).toMatch(/data-leadscore-event="cart_add" data-leadscore-prop-sku="[^"]+" data-leadscore-prop-price="\d+(\.\d+)?"/);
    }
    const signup = readFileSync(join(DEMO, "signup.html"), "utf8");
    expect(signup).toMatch(/<form[^>]*data-leadscore-identify/);
    for (const field of ["email", "name", "company", "age", "city", "occupation", "password"]) {
      expect(signup).toContain(`name="${field}"`);
    }
  });

  it("has no stray files the worker would serve by accident", () => {
    for (const f of files) expect(f, f).toMatch(/^(?:[\w-]+\/)*[\w.-]+\.(?:html|css|js|svg|pdf)$/);
    expect(existsSync(join(DEMO, "leadscore.js")), "demo/leadscore.js would shadow the worker's snippet").toBe(false);
  });
});
