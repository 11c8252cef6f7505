// The snippet in real Chromium, against two local HTTP servers: a "site" that serves test pages and
// a stand-in "worker" (another origin, like production) that serves the freshly built leadscore.js,
// records every request to /e and answers as the test asks. Each test uses its own site id, so
// requests never mix between tests.
import { existsSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CollectBatch as Batch, WireEvent } from "../../worker/routes/collect-schema";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const STUB =
  'window.leadscore=window.leadscore||{q:[]};"track page identify consent reset on".split(" ").forEach(function(m){leadscore[m]=leadscore[m]||function(){leadscore.q.push([m,arguments])}})';

interface Recorded {
  method: string;
  site?: string;
  batch?: Batch;
  contentType?: string;
  origin?: string;
}
type Answer = (batch: Batch, nth: number) => { status: number; body?: unknown };

let browser: Browser;
let context: BrowserContext;
let snippet: string;
let siteServer: Server;
let workerServer: Server;
let siteOrigin: string;
let workerOrigin: string;
const pages = new Map<string, string>();
const recorded: Recorded[] = [];
const answers = new Map<string, Answer>();
let siteCounter = 0;

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<[Server, string]> {
  const server = createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve([server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`])),
  );
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return text;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
  // The same build the worker serves, made fresh so the test never runs a stale dist/.
  const build = await import(new URL("../../scripts/build.mjs", import.meta.url).href);
  snippet = (await build.buildSnippet()).code;

  [siteServer, siteOrigin] = await listen((req, res) => {
    const html = pages.get(new URL(req.url!, "http://x").pathname);
    res.writeHead(html ? 200 : 404, { "Content-Type": "text/html; charset=utf-8" }).end(html ?? "not found");
  });
  [workerServer, workerOrigin] = await listen(async (req, res) => {
    const cors = { "Access-Control-Allow-Origin": req.headers.origin ?? "*", Vary: "Origin" };
    if (req.url === "/leadscore.js") {
      res.writeHead(200, { "Content-Type": "text/javascript", "Cache-Control": "no-store" }).end(snippet);
      return;
    }
    if (req.method === "OPTIONS") {
      recorded.push({ method: "OPTIONS", origin: req.headers.origin });
      res.writeHead(204, { ...cors, "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "Content-Type" }).end();
      return;
    }
    if (req.method === "POST" && req.url === "/e") {
      const batch = JSON.parse(await readBody(req)) as Batch;
      recorded.push({ method: "POST", site: batch.s, batch, contentType: req.headers["content-type"], origin: req.headers.origin });
      const nth = recorded.filter((r) => r.site === batch.s).length;
      const answer = answers.get(batch.s)?.(batch, nth) ?? { status: 200, body: { lead: { id: "l1", score: 1, label: "cold", stage: "lead" }, actions: [] } };
      // Status 0: a network failure, the connection dropped without an answer.
      if (answer.status === 0) return void req.socket.destroy();
      res.writeHead(answer.status, { ...cors, "Content-Type": "application/json" }).end(JSON.stringify(answer.body ?? {}));
      return;
    }
    res.writeHead(404).end();
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  siteServer?.close();
  workerServer?.close();
});

afterEach(async () => {
  await context?.close();
});

/** A fresh site id, so that this test's requests are its own. */
function newSite(): string {
  return `t${++siteCounter}`;
}

/** Serves a page with the snippet tag (plus extra attributes) and `head`/`body` HTML around it. */
function servePage(path: string, site: string, options: { attrs?: string; head?: string; body?: string } = {}): string {
  pages.set(
    path,
    `<!doctype html><html><head><title>t</title>${options.head ?? ""}` +
      `<script defer src="${workerOrigin}/leadscore.js" data-site="${site}" ${options.attrs ?? ""}></script>` +
      `</head><body>${options.body ?? ""}</body></html>`,
  );
  return siteOrigin + path;
}

/**
 * Counts the page's fetches (started, and settled one way or the other), so a test can wait for the
 * positive signal "every request the snippet made was answered" instead of sleeping.
 */
const FETCH_PROBE = `(() => {
  const real = window.fetch, count = (window.__fetches = { started: 0, settled: 0 });
  window.fetch = function () { count.started++; return real.apply(this, arguments).finally(() => count.settled++); };
})()`;

async function open(url: string, init?: string): Promise<Page> {
  context = await browser.newContext();
  // A fake clock that flows like the real one until a test runs it forward (quiet()).
  await context.clock.install();
  await context.addInitScript(FETCH_PROBE);
  const page = await context.newPage();
  if (init) await page.addInitScript(init);
  await page.goto(url);
  return page;
}

const batches = (site: string) => recorded.filter((r) => r.site === site).map((r) => r.batch!);
const events = (site: string) => batches(site).flatMap((b) => b.e);
const names = (site: string) => events(site).map((e) => e.n);

async function waitFor<T>(probe: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForPage<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The snippet's longest timer: its last retry, 4 s after the third attempt (snippet/queue.ts); its send window is 1 s. */
const SNIPPET_TIMERS_MS = 5_000;

const fetchCount = (page: Page) => page.evaluate(() => (window as any).__fetches as { started: number; settled: number });

/** Until every request the page started has been answered (answered means the stand-in worker recorded it). */
const answered = (page: Page) => waitForPage(async () => ((c) => c.started === c.settled && c)(await fetchCount(page)), "the page's requests to be answered");

/**
 * Proves that nothing more will be sent: runs the page's clock past every timer the snippet can have
 * armed and waits until what that sent was answered, round after round, until a round sends nothing.
 */
async function quiet(page: Page): Promise<void> {
  for (;;) {
    const before = (await answered(page)).started;
    await page.clock.runFor(SNIPPET_TIMERS_MS);
    if ((await answered(page)).started === before) return;
  }
}

/** Waits until the site has sent `count` events, then until the page is quiet (nothing else on its way). */
async function eventsAfter(page: Page, site: string, count: number): Promise<WireEvent[]> {
  await waitFor(() => events(site).length >= count, `${count} events from ${site}`);
  await quiet(page);
  return events(site);
}

const pageViewPaths = (site: string) => events(site).filter((e) => e.n === "page_view").map((e) => new URL(e.l!).pathname + new URL(e.l!).search);

describe("leadscore.js in Chromium", { timeout: 60_000 }, () => {
  it("sends a page_view on load to the script's origin as a CORS-simple text/plain POST", async () => {
    const site = newSite();
    const url = servePage("/load", site);
    await open(url);
    const [batch] = await waitFor(() => batches(site).length > 0 && batches(site), "the first batch");
    expect(batch!.s).toBe(site);
    expect(batch!.a).toMatch(/^[\w-]{8,64}$/);
    expect(batch!.u).toBeUndefined();
    expect(batch!.e).toHaveLength(1);
    expect(batch!.e[0]).toMatchObject({ k: "p", n: "page_view", l: url });
    expect(batch!.e[0]!.i).toMatch(/^[\w-]{1,64}$/);
    expect(typeof batch!.e[0]!.t).toBe("number");
    const request = recorded.find((r) => r.site === site)!;
    expect(request.contentType).toMatch(/^text\/plain/);
    expect(request.origin).toBe(siteOrigin);
    expect(recorded.filter((r) => r.method === "OPTIONS")).toEqual([]);
  });

  it("posts to data-endpoint when given", async () => {
    const site = newSite();
    // The endpoint is the stand-in worker either way; what matters is that the attribute is used
    // (a wrong one would send nothing to it).
    await open(servePage("/endpoint", site, { attrs: `data-endpoint="${workerOrigin}"` }));
    await waitFor(() => events(site).length, "a page view");
  });

  it("counts real path changes from pushState, replaceState and popstate, not query or hash changes", async () => {
    const site = newSite();
    const page = await open(servePage("/spa/a", site));
    await waitFor(() => events(site).length, "the load's page view");
    await page.evaluate(() => history.pushState({}, "", "/spa/b"));
    await page.evaluate(() => history.pushState({}, "", "/spa/b?tab=2"));
    await page.evaluate(() => (location.hash = "#section"));
    await page.evaluate(() => history.replaceState({}, "", "/spa/c"));
    await page.evaluate(() => history.replaceState({ same: 1 }, "", "/spa/c"));
    await page.evaluate(() => history.back());
    await eventsAfter(page, site, 4);
    // back() returns to the entry the query-only push made: a path change from /spa/c, with its query.
    expect(pageViewPaths(site)).toEqual(["/spa/a", "/spa/b", "/spa/c", "/spa/b?tab=2"]);
  });

  it("counts query-string-only changes with data-track-query", async () => {
    const site = newSite();
    const page = await open(servePage("/q", site, { attrs: "data-track-query" }));
    await waitFor(() => events(site).length, "the load's page view");
    await page.evaluate(() => history.pushState({}, "", "/q?page=2"));
    await page.evaluate(() => history.pushState({}, "", "/q?page=2#top"));
    await eventsAfter(page, site, 2);
    expect(pageViewPaths(site)).toEqual(["/q", "/q?page=2"]);
  });

  it("counts a back-forward-cache restore as a page view", async () => {
    const site = newSite();
    const page = await open(servePage("/bfcache", site));
    await waitFor(() => events(site).length, "the load's page view");
    // What Chromium dispatches when it restores the page from the cache.
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true })));
    await page.evaluate(() => dispatchEvent(new PageTransitionEvent("pageshow", { persisted: false })));
    await eventsAfter(page, site, 2);
    expect(pageViewPaths(site)).toEqual(["/bfcache", "/bfcache"]);
  });

  it("tracks a click inside a data-leadscore-event element with its data-leadscore-prop-* props", async () => {
    const site = newSite();
    const body = `<div data-leadscore-event="too_far"><div><div><div><div><div><div><span id="deep">deep</span></div></div></div></div></div></div></div>
      <button data-leadscore-event="quote_request" data-leadscore-prop-plan="pro" data-leadscore-prop-seat-count="5" data-other="x">
        <span><b id="inner">Get a quote</b></span></button>`;
    const page = await open(servePage("/click", site, { body }));
    await waitFor(() => events(site).length, "the load's page view");
    await page.click("#inner");
    await page.click("#deep");
    await eventsAfter(page, site, 2);
    const tracked = events(site).filter((e) => e.k === "t");
    expect(tracked).toHaveLength(1);
    expect(tracked[0]).toMatchObject({ n: "quote_request", p: { plan: "pro", "seat-count": "5" } });
    expect(tracked[0]!.l).toContain("/click");
  });

  it("tracks clicks on file links as download and on other hosts' links as outbound_click, untagged", async () => {
    const site = newSite();
    const body = `<a id="pdf" href="/files/Brew%20Card.PDF" target="_blank">card</a> <a id="zip" href="/kit.zip" target="_blank" download>kit</a>
      <a id="out" href="https://elsewhere.example/page?q=1" target="_blank">out</a> <a id="mail" href="mailto:a@b.example">mail</a>
      <a id="same" href="/other" target="_blank">same host</a>
      <a id="tagged" href="/guide.pdf" data-leadscore-event="guide_download" target="_blank"><span id="tagged-inner">guide</span></a>`;
    const page = await open(servePage("/links", site, { body }));
    await page.context().route("https://elsewhere.example/**", (route) => route.fulfill({ status: 200, body: "ok" }));
    await waitFor(() => events(site).length, "the load's page view");
    // Links open in new tabs here, so every event is sent by this page; the demo shop test follows links in place.
    for (const id of ["#zip", "#out", "#mail", "#same", "#tagged-inner", "#pdf"]) await page.click(id);
    await waitFor(() => events(site).length >= 5, `the link events (so far ${JSON.stringify(events(site).map((e) => [e.n, e.p]))})`);
    const tracked = events(site).filter((e) => e.k === "t").map((e) => [e.n, e.p]);
    expect(tracked).toEqual([
      ["download", { file: "kit.zip" }],
      ["outbound_click", { host: "elsewhere.example" }],
      ["guide_download", {}],
      ["download", { file: "Brew%20Card.PDF" }],
    ]);
  });

  it("captures no downloads with data-no-downloads and no outbound clicks with data-no-outbound", async () => {
    const site = newSite();
    const body = `<a id="pdf" href="/a.pdf" target="_blank">pdf</a> <a id="out" href="https://elsewhere.example/" target="_blank">out</a>
      <button id="marker" data-leadscore-event="marker">marker</button>`;
    const page = await open(servePage("/no-links", site, { body, attrs: "data-no-downloads data-no-outbound" }));
    await page.context().route("https://elsewhere.example/**", (route) => route.fulfill({ status: 200, body: "ok" }));
    await waitFor(() => events(site).length, "the load's page view");
    await page.click("#pdf");
    await page.click("#out");
    // Clicked last, sent in the same batch as anything the two links would have queued.
    await page.click("#marker");
    await waitFor(() => names(site).includes("marker"), "the marker click");
    await quiet(page);
    expect(names(site)).toEqual(["page_view", "marker"]);
  });

  it("identifies from a data-leadscore-identify form, never reading secret fields", async () => {
    const site = newSite();
    const body = `<form data-leadscore-identify onsubmit="event.preventDefault()">
      <input name="work_email" type="email" value="  Ada@Example.COM ">
      <input name="company" value="Acme">
      <input name="account" value="acct-1">
      <select name="size"><option>1-10</option><option selected>11-50</option></select>
      <input type="checkbox" name="newsletter" value="yes" checked>
      <input type="checkbox" name="unchecked" value="no">
      <input name="nickname" value="">
      <input type="password" name="pw" value="hunter2">
      <input type="hidden" name="csrf" value="tok">
      <input name="card_number" value="4242424242424242">
      <input name="number" autocomplete="cc-number" value="4242424242424242">
      <input name="cvv" value="123">
      <input name="cc" value="4111">
      <input name="iban" value="DE89370400440532013000">
      <input name="code" autocomplete="one-time-code" value="999999">
      <button id="send">Send</button></form>
      <form id="plain" onsubmit="event.preventDefault()"><input name="email" value="not-me@example.com"><button id="plain-send">Go</button></form>`;
    const page = await open(servePage("/form", site, { body }));
    await waitFor(() => events(site).length, "the load's page view");
    await page.click("#plain-send");
    await page.click("#send");
    await eventsAfter(page, site, 2);
    const identify = events(site).filter((e) => e.k === "i");
    expect(identify).toHaveLength(1);
    expect(identify[0]!.n).toBe("identify");
    expect(identify[0]!.tr).toEqual({ company: "Acme", account: "acct-1", size: "11-50", newsletter: "yes" });
    const batch = batches(site).find((b) => b.e.some((e) => e.k === "i"))!;
    expect(batch.u).toBe("ada@example.com");
    // Later batches carry the user id too, also after a reload.
    await page.evaluate(() => (window as any).leadscore.track("after"));
    await waitFor(() => batches(site).some((b) => b.e.some((e) => e.n === "after") && b.u === "ada@example.com"), "a later batch with u");
    await page.reload();
    await waitFor(() => batches(site).filter((b) => b.e.some((e) => e.n === "page_view")).length === 2, "the reload's page view");
    expect(batches(site).at(-1)!.u).toBe("ada@example.com");
  });

  it("identifies from a form whose submit navigates away", async () => {
    const site = newSite();
    servePage("/thanks", newSite());
    const body = `<form data-leadscore-identify action="/thanks"><input name="email" value="Lin@Example.org"><input name="role" value="CTO"><button id="go">Go</button></form>`;
    const page = await open(servePage("/form-nav", site, { body }));
    await waitFor(() => events(site).length, "the load's page view");
    await Promise.all([page.waitForURL(/\/thanks/), page.click("#go")]);
    await waitFor(() => batches(site).find((b) => b.e.some((e) => e.k === "i")), "the identify sent while leaving");
    const batch = batches(site).find((b) => b.e.some((e) => e.k === "i"))!;
    expect(batch.u).toBe("lin@example.org");
    expect(batch.e.find((e) => e.k === "i")!.tr).toEqual({ role: "CTO" });
  });

  it("replays calls queued by the stub in order, in one batch with the load's page view", async () => {
    const site = newSite();
    const head = `<script>${STUB}</script><script>
      leadscore.on("label", function (label) { (window.seen = window.seen || []).push("label:" + label) });
      leadscore.track("early", { n: 1 });
      leadscore.identify(" Grace@Example.com ", { plan: "pro" });
      leadscore.track("late");
    </script>`;
    const page = await open(servePage("/stub", site, { head }));
    await eventsAfter(page, site, 4);
    expect(batches(site)).toHaveLength(1);
    expect(batches(site)[0]!.u).toBe("grace@example.com");
    expect(names(site)).toEqual(["page_view", "early", "identify", "late"]);
    expect(events(site)[1]!.p).toEqual({ n: 1 });
    expect(events(site)[2]!.tr).toEqual({ plan: "pro" });
    expect(await page.evaluate(() => (window as any).seen)).toEqual(["label:cold"]);
  });

  it("batches a burst of events into one request", async () => {
    const site = newSite();
    const page = await open(servePage("/burst", site));
    await waitFor(() => events(site).length, "the load's page view");
    await page.evaluate(() => {
      const ls = (window as any).leadscore;
      ls.track("a");
      setTimeout(() => ls.track("b"), 100);
      setTimeout(() => ls.track("c", { x: true }), 300);
    });
    await eventsAfter(page, site, 4);
    expect(batches(site).map((b) => b.e.map((e) => e.n))).toEqual([["page_view"], ["a", "b", "c"]]);
  });

  it("sends at most 50 events a request", async () => {
    const site = newSite();
    const page = await open(servePage("/many", site));
    await waitFor(() => events(site).length, "the load's page view");
    await page.evaluate(() => {
      for (let i = 0; i < 120; i++) (window as any).leadscore.track("e" + i);
    });
    await eventsAfter(page, site, 121);
    // The load's page view went first; the three batches of one flush leave together and may arrive in any order.
    const [first, ...rest] = batches(site).map((b) => b.e.length);
    expect(first).toBe(1);
    expect(rest.sort((a, b) => b - a)).toEqual([50, 50, 120 - 2 * 50]);
    expect(new Set(events(site).map((e) => e.i)).size).toBe(121);
  });

  it("flushes on pagehide: an event tracked just before leaving arrives", async () => {
    const site = newSite();
    const page = await open(servePage("/leave", site));
    const elsewhere = servePage("/elsewhere", newSite());
    await waitFor(() => events(site).length, "the load's page view");
    // Tracked, then the page is left at once: only the pagehide flush can carry it (its send window is 1 s).
    // Navigating from outside the page keeps Playwright from waiting on a context the navigation destroys.
    await page.evaluate(() => (window as any).leadscore.track("leaving"));
    await page.goto(elsewhere);
    await waitFor(() => names(site).includes("leaving"), "the event sent on pagehide");
  });

  it("with data-consent=required sends and stores nothing until consent(true), then sends what waited", async () => {
    const site = newSite();
    const url = servePage("/consent", site, { attrs: 'data-consent="required"' });
    const page = await open(url);
    await page.evaluate(() => (window as any).leadscore.track("before_consent"));
    await quiet(page);
    expect(batches(site)).toEqual([]);
    expect(await page.evaluate(() => [localStorage.length, document.cookie])).toEqual([0, ""]);

    await page.evaluate(() => (window as any).leadscore.consent(true));
    await eventsAfter(page, site, 2);
    expect(names(site)).toEqual(["page_view", "before_consent"]);
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem("leadscore")))!)).toMatchObject({ a: batches(site)[0]!.a, c: true });

    // The choice is remembered: the next page load sends at once, under the same anonymous id.
    await page.reload();
    await waitFor(() => events(site).length === 3, "the reload's page view");
    expect(batches(site).at(-1)!.a).toBe(batches(site)[0]!.a);
  });

  it("consent(false) drops what waited, keeps dropping, and erases what was stored", async () => {
    const site = newSite();
    const page = await open(servePage("/refuse", site, { attrs: 'data-consent="required"' }));
    await page.evaluate(() => {
      const ls = (window as any).leadscore;
      ls.track("dropped");
      ls.consent(false);
      ls.track("also_dropped");
    });
    await quiet(page);
    await page.evaluate(() => {
      (window as any).leadscore.consent(true);
      (window as any).leadscore.track("kept");
    });
    await eventsAfter(page, site, 1);
    expect(names(site)).toEqual(["kept"]);
    await page.evaluate(() => (window as any).leadscore.consent(false));
    expect(await page.evaluate(() => localStorage.getItem("leadscore"))).toBeNull();
  });

  it("treats Global Privacy Control like data-consent=required", async () => {
    const site = newSite();
    const page = await open(servePage("/gpc", site), "Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true })");
    await quiet(page);
    expect(batches(site)).toEqual([]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    await page.evaluate(() => (window as any).leadscore.consent(true));
    await waitFor(() => events(site).length, "the page view after consent");
  });

  it("keeps the anonymous id across loads, and reset() starts a new one without the user id", async () => {
    const site = newSite();
    const page = await open(servePage("/reset", site));
    await waitFor(() => events(site).length, "the load's page view");
    await page.reload();
    await waitFor(() => events(site).length === 2, "the reload's page view");
    const [first, second] = batches(site);
    expect(second!.a).toBe(first!.a);

    await page.evaluate(() => {
      const ls = (window as any).leadscore;
      ls.identify("someone@example.com");
      ls.track("before_reset");
      ls.reset();
      ls.track("after_reset");
    });
    await eventsAfter(page, site, 5);
    const before = batches(site).find((b) => b.e.some((e) => e.n === "before_reset"))!;
    const after = batches(site).find((b) => b.e.some((e) => e.n === "after_reset"))!;
    expect(before).toMatchObject({ a: first!.a, u: "someone@example.com" });
    expect(after.a).not.toBe(first!.a);
    expect(after.u).toBeUndefined();
    expect(JSON.parse((await page.evaluate(() => localStorage.getItem("leadscore")))!)).toEqual({ a: after.a });
  });

  it("fires label listeners when the label changes and action listeners for each action", async () => {
    const site = newSite();
    const labels = ["warm", "warm", "hot"];
    answers.set(site, (_batch, nth) => ({
      status: 200,
      body: {
        lead: { id: "l1", score: nth * 10, label: labels[nth - 1] ?? "hot", stage: "lead" },
        actions: nth === 3 ? [{ type: "promo", code: "HOT-1" }] : [],
      },
    }));
    const head = `<script>${STUB}</script><script>
      window.seen = [];
      leadscore.on("label", function (label, lead) { seen.push("label:" + label + ":" + lead.score) });
      leadscore.on("action", function (action) { seen.push("action:" + action.code) });
    </script>`;
    const page = await open(servePage("/answers", site, { head }));
    await waitFor(() => batches(site).length === 1, "the first answer");
    await page.evaluate(() => (window as any).leadscore.identify("x@example.com"));
    await waitFor(() => batches(site).length === 2, "the second answer");
    await page.evaluate(() => (window as any).leadscore.identify("x@example.com"));
    await waitFor(() => batches(site).length === 3, "the third answer");
    await page.waitForFunction(() => (window as any).seen.length >= 3);
    expect(await page.evaluate(() => (window as any).seen)).toEqual(["label:warm:10", "label:hot:30", "action:HOT-1"]);
  });

  it("retries a failed batch with the same event ids", async () => {
    const site = newSite();
    answers.set(site, (_batch, nth) => (nth === 1 ? { status: 500, body: { error: { code: "boom", message: "boom" } } } : { status: 200, body: { lead: { label: "cold" }, actions: [] } }));
    await open(servePage("/retry", site));
    await waitFor(() => batches(site).length >= 2, "the retry");
    const [failed, retried] = batches(site);
    expect(retried).toEqual(failed);
    expect(retried!.e.map((e) => e.i)).toEqual(failed!.e.map((e) => e.i));
  });

  it("retries after a network failure and a 429, then stops once answered", async () => {
    const site = newSite();
    answers.set(site, (_batch, nth) => (nth === 1 ? { status: 0 } : nth === 2 ? { status: 429, body: {} } : { status: 200, body: { lead: { label: "cold" }, actions: [] } }));
    const page = await open(servePage("/retry-network", site));
    await waitFor(() => batches(site).length >= 3, "two retries");
    await quiet(page);
    const sent = batches(site);
    expect(sent).toHaveLength(3);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[2]).toEqual(sent[0]);
  });

  it("does not retry a batch the worker rejected as invalid", async () => {
    const site = newSite();
    answers.set(site, () => ({ status: 400, body: { error: { code: "invalid", message: "no" } } }));
    const page = await open(servePage("/rejected", site));
    await waitFor(() => batches(site).length, "the first request");
    await quiet(page);
    expect(batches(site)).toHaveLength(1);
  });

  it("says once in the console why the worker refused the page's batches, in the worker's words", async () => {
    const site = newSite();
    const message = `Events for "${site}" are not accepted from ${siteOrigin}: add "${siteOrigin}" to the origins of the site config`;
    // Three refusals, then an answer with a label: its listener runs after every earlier answer was handled.
    answers.set(site, (_batch, nth) =>
      nth <= 3
        ? { status: 403, body: { error: { code: "origin_not_allowed", message, issues: [] } } }
        : { status: 200, body: { lead: { id: "l1", score: 1, label: "cold", stage: "lead" }, actions: [] } },
    );
    const head = `<script>${STUB}</script><script>leadscore.on("label", function (label) { window.labelSeen = label })</script>`;
    context = await browser.newContext();
    const page = await context.newPage();
    const warnings: string[] = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    // Each batch goes once the previous answer's body has arrived, so the page reads the answers in order.
    const answered = () => page.waitForEvent("requestfinished", (r) => r.method() === "POST" && r.url() === `${workerOrigin}/e`);
    let finished = answered();
    await page.goto(servePage("/refused", site, { head }));
    for (let nth = 2; nth <= 4; nth++) {
      await finished;
      finished = answered();
      await page.evaluate(() => {
        (window as any).leadscore.track("again");
        dispatchEvent(new Event("pagehide"));
      });
    }
    await finished;
    await page.waitForFunction(() => (window as any).labelSeen === "cold");
    expect(batches(site)).toHaveLength(4);
    expect(warnings).toEqual([message]);
  });

  it("tracks form_submit with the form's id, name and action path besides the identify, in the same batch", async () => {
    const site = newSite();
    // Fields named like the form's own properties must not leak into the props.
    const body = `<form id="trial" name="trial-form" action="signup/thanks?plan=pro" data-leadscore-identify onsubmit="event.preventDefault()">
      <input name="email" value="ada@example.com"><input name="name" value="Ada"><input name="action" value="x"><input name="id" value="7">
      <button id="go">Go</button></form>
      <form data-leadscore-identify onsubmit="event.preventDefault()"><input name="email" value=""><button id="no-email">Go</button></form>
      <form id="plain" onsubmit="event.preventDefault()"><input name="email" value="not-me@example.com"><button id="plain-go">Go</button></form>`;
    const page = await open(servePage("/forms/start", site, { body }));
    await waitFor(() => events(site).length, "the load's page view");
    await page.click("#plain-go");
    await page.click("#go");
    await waitFor(() => events(site).some((e) => e.n === "form_submit"), "the first form_submit");
    await page.click("#no-email");
    await waitFor(() => events(site).filter((e) => e.n === "form_submit").length === 2, "the second form_submit");

    const batch = batches(site).find((b) => b.e.some((e) => e.k === "i"))!;
    expect(batch.u).toBe("ada@example.com");
    expect(batch.e.map((e) => [e.k, e.n])).toEqual([
      ["i", "identify"],
      ["t", "form_submit"],
    ]);
    expect(batch.e[0]!.tr).toEqual({ name: "Ada", action: "x", id: "7" });
    // "signup/thanks" is relative to /forms/start; the query is not part of the path.
    expect(batch.e[1]!.p).toEqual({ id: "trial", name: "trial-form", action: "/forms/signup/thanks" });
    // A form without its e-mail filled still counts as submitted, with no identify; a plain form sends nothing.
    const [, second] = events(site).filter((e) => e.n === "form_submit");
    expect(second!.p).toEqual({ id: null, name: null, action: "/forms/start" });
    expect(events(site).filter((e) => e.k === "i")).toHaveLength(1);
  });

  it("hooks chat widgets present on the page: Intercom, Crisp, Drift, HubSpot and Tawk", async () => {
    const site = newSite();
    // Minimal stand-ins with each widget's documented subscription API.
    const head = `<script>
      window.Intercom = function (cmd, cb) { if (cmd === "onShow") window.openIntercom = cb };
      window.$crisp = [];
      window.drift = { on: function (ev, cb) { if (ev === "chatOpen") window.openDrift = cb } };
      window.Tawk_API = {};
      setTimeout(function () {
        window.HubSpotConversations = { on: function (ev, cb) { if (ev === "conversationStarted") window.openHubSpot = cb } };
      }, 500);
    </script>`;
    const page = await open(servePage("/chat", site, { head }));
    await waitFor(() => events(site).length, "the load's page view");
    await page.waitForFunction(() => (window as any).openHubSpot, undefined, { timeout: 10_000 });
    await page.evaluate(() => {
      const w = window as any;
      w.openIntercom();
      w.$crisp.find((c: unknown[]) => c[0] === "on" && c[1] === "chat:opened")[2]();
      w.openDrift();
      w.openHubSpot();
      w.Tawk_API.onChatStarted({});
    });
    await eventsAfter(page, site, 6);
    expect(names(site)).toEqual(["page_view", "chat_open", "chat_open", "chat_open", "chat_open", "chat_open"]);
    // Hooked once each, although the page was scanned twice.
    expect(await page.evaluate(() => (window as any).$crisp.length)).toBe(1);
  });

  it("runs once when the script is on the page twice", async () => {
    const site = newSite();
    const tag = `<script defer src="${workerOrigin}/leadscore.js" data-site="${site}"></script>`;
    const page = await open(servePage("/twice", site, { head: tag }));
    await eventsAfter(page, site, 1);
    expect(names(site)).toEqual(["page_view"]);
  });
});
