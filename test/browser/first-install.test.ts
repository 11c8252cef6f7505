// A first install on a real site, in real Chromium against the real worker: the site's page lives on
// another origin than the worker, as in production. Until the origin is in the site config's `origins`
// the worker refuses every batch and the snippet says why, once, in the page's console; once it is
// allowed, a plain identify form scores through the shipped B2B model's form rule.

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { ADMIN_TOKEN, contribution, DESKTOP_CHROME_UA, eventually, launchChromium, operatorApi, removeDir, startWorker, tailLogs, tempDir, type LocalWorker } from "../support/e2e";

const SITE = "firstshop";
const B2B = JSON.parse(readFileSync(new URL("../../examples/b2b.json", import.meta.url), "utf8")) as { models: unknown[] };

describe("a first install in real Chromium", () => {
  let worker: LocalWorker;
  let browser: Browser;
  let site: Server;
  let siteOrigin: string;
  let dir: string;
  const api = operatorApi(() => worker.url);

  beforeAll(async () => {
    dir = tempDir("first-install");
    worker = await startWorker({ persistTo: dir, vars: { ADMIN_TOKEN } });
    // The shipped B2B models and nothing else: `origins` is left at its default, as a new user does.
    const put = await api.putConfig(SITE, { models: B2B.models });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    site = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(
        `<!doctype html><html><head><title>Contact</title>
        <script defer src="${worker.url}/leadscore.js" data-site="${SITE}"></script>
        <script>window.leadscore=window.leadscore||{q:[]};"track page identify consent reset on".split(" ").forEach(function(m){leadscore[m]=leadscore[m]||function(){leadscore.q.push([m,arguments])}});
        leadscore.on("label", function (label) { window.labelSeen = label })</script></head>
        <body><form id="contact" action="/contact/thanks" data-leadscore-identify onsubmit="event.preventDefault()">
        <input name="email" value="grace@acme.example"><input name="jobTitle" value="CTO"><button id="send">Send</button></form></body></html>`,
      );
    });
    await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
    siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    site?.close();
    removeDir(dir);
  });

  it("is refused until the origin is allowed, says so once with the fix, then scores the identify form's form_submit", async () => {
    onTestFailed(() => console.error(`--- worker log ---\n${tailLogs(worker)}`));
    const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    const page = await context.newPage();
    const warnings: string[] = [];
    const statuses: number[] = [];
    page.on("console", (m) => m.type() === "warning" && warnings.push(m.text()));
    const isCollect = (r: { method(): string; url(): string }) => r.method() === "POST" && r.url() === `${worker.url}/e`;
    page.on("response", (r) => isCollect(r.request()) && statuses.push(r.status()));
    const answered = () => page.waitForEvent("requestfinished", isCollect);
    const sendNow = () =>
      page.evaluate(() => {
        (window as any).leadscore.track("again");
        dispatchEvent(new Event("pagehide"));
      });

    // --- refused: two batches, one warning, naming this page's origin and the fix ----------------------
    let finished = answered();
    await page.goto(`${siteOrigin}/contact`);
    await finished;
    finished = answered();
    await sendNow();
    await finished;
    expect(statuses).toEqual([403, 403]);
    const anonymousId = await page.evaluate(() => JSON.parse(localStorage.getItem("leadscore")!).a as string);
    expect((await api.getLead(SITE, anonymousId)).status).toBe(404);

    // --- the fix the message names ---------------------------------------------------------------------
    const put = await api.putConfig(SITE, { origins: [siteOrigin], models: B2B.models });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    finished = answered();
    await sendNow();
    await finished;
    // The label listener runs on the first accepted answer, after both refusals were read.
    await page.waitForFunction(() => (window as any).labelSeen);
    expect(statuses).toEqual([403, 403, 200]);
    expect(warnings).toEqual([`Events for "${SITE}" are not accepted from ${siteOrigin}: add "${siteOrigin}" to the origins of the site config`]);

    // --- a plain identify form: identify and form_submit are scored -----------------------------------
    // The site has no identity secret, so the e-mail is an unverified claim: for an e-mail without a
    // lead it creates the known lead, marked verified: false until the site confirms it (SECURITY.md,
    // "Impersonation"); the visitor's anonymous history joins it.
    await page.click("#send");
    const lead = await eventually(
      async () => {
        const r = await api.getLead(SITE, "grace@acme.example");
        return r.status === 200 && contribution(r.body, "form-submit") ? r.body : undefined;
      },
      { what: "the known lead with its form_submit" },
    );
    expect(contribution(lead, "form-submit")).toMatchObject({ rawPoints: 10, count: 1 });
    expect(contribution(lead, "title-exec")).toMatchObject({ kind: "fit", points: 20 });
    expect(lead).toMatchObject({ userId: "grace@acme.example", verified: false, anonymousIds: [anonymousId] });
    expect(lead.traits.email).toBe("grace@acme.example");
    expect(lead.traits.claimedUserId).toBeUndefined();
    const submit = lead.recentEvents.find((e: any) => e.name === "form_submit");
    expect(submit.props).toEqual({ id: "contact", name: null, action: "/contact/thanks" });
    await context.close();
  });
});
