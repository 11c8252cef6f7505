// Real Chromium on the demo shop served by the real worker (DEMO=1), with a real webhook receiver:
// what a visitor does reaches the worker, moves the lead's label, is delivered as signed webhooks,
// and comes back to the page as a promo; identifying later keeps the anonymous history.

import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import {
  baseVars,
  contribution,
  DESKTOP_CHROME_UA,
  eventually,
  launchChromium,
  operatorApi,
  removeDir,
  startReceiver,
  startWorker,
  tailLogs,
  tempDir,
  type Inspector,
  type LocalWorker,
} from "../support/e2e";
import type { CollectBatch as WireBatch, WireEvent } from "../../worker/routes/collect-schema";

const DEMO_WEBHOOK_SECRET = "whsec_Zm9yLXRoZS1kZW1vLXNob3AtZTJlLXRlc3Rz";
const DEMO_WRITE_KEY = "demo.wk_e2e_5d1c9a3f";


/**
 * Every batch the pages of a context post to the worker's /e, as the browser sent it. Listening on
 * the context (not one page) also catches keepalive batches flushed while a page unloads.
 */
function recordBatches(context: BrowserContext, workerUrl: string) {
  const batches: Array<{ body: WireBatch; at: number }> = [];
  const answers: Array<{ status: number; body: any }> = [];
  const isCollect = (method: string, url: string) => method === "POST" && url === `${workerUrl}/e`;
  context.on("request", (req) => {
    if (isCollect(req.method(), req.url())) batches.push({ body: JSON.parse(req.postData() ?? "null"), at: Date.now() });
  });
  context.on("response", async (res) => {
    if (!isCollect(res.request().method(), res.url())) return;
    answers.push({ status: res.status(), body: await res.json().catch(() => null) });
  });
  return {
    batches,
    answers,
    /** Events with the ids of the batch that carried them. */
    events: () => batches.flatMap(({ body }) => body.e.map((e) => ({ ...e, a: body.a, u: body.u }))),
  };
}

function pathOf(url: string | undefined): string {
  return url ? new URL(url).pathname : "";
}

/** The anonymous id the snippet stored for this browser. */
async function storedIds(page: Page): Promise<{ a?: string; u?: string; c?: boolean } | null> {
  return page.evaluate(() => {
    const raw = localStorage.getItem("leadscore");
    return raw ? JSON.parse(raw) : null;
  });
}

describe("the demo shop in real Chromium", () => {
  let receiver: Inspector;
  let worker: LocalWorker;
  let browser: Browser;
  let dir: string;
  const api = operatorApi(() => worker.url);
  /** What the journey test saw, for the promo check that follows it. */
  let journey: { anon: string; email: string; code: string; known: any; answers: Array<{ status: number; body: any }> } | undefined;

  beforeAll(async () => {
    receiver = await startReceiver({ secret: DEMO_WEBHOOK_SECRET });
    dir = tempDir("demo");
    worker = await startWorker({
      persistTo: dir,
      vars: baseVars(receiver, {
        DEMO: "1",
        DEMO_WEBHOOK_URL: `${receiver.hooksUrl}/demo`,
        DEMO_INSPECTOR_URL: `${receiver.url}/`,
        DEMO_WEBHOOK_SECRET,
        DEMO_WRITE_KEY,
        DEMO_IDENTITY_SECRET: "demo-identity-secret-for-tests",
      }),
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await receiver?.close();
    removeDir(dir);
  });

  /** The demo lead of an anonymous id, once the worker shows the rule's contribution. */
  function leadWith(anonymousId: string, rule: string): Promise<any> {
    return eventually(
      async () => {
        const r = await api.getLead("demo", anonymousId);
        return r.status === 200 && contribution(r.body, rule) ? r.body : undefined;
      },
      { what: `the ${rule} contribution of ${anonymousId}` },
    );
  }

  function dumpOnFailure(extra: () => string = () => "") {
    onTestFailed(() => console.error(`--- worker log ---\n${tailLogs(worker)}\n${extra()}`));
  }

  it("scores a visitor who browses, turns hot, gets a promo, and keeps the points after signing up", async () => {
    const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    const net = recordBatches(context, worker.url);
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    dumpOnFailure(() => `--- batches ---\n${JSON.stringify(net.batches.map((b) => b.body), null, 1).slice(-6000)}\n--- page errors ---\n${pageErrors.join("\n")}`);
    const viewOf = (path: string) => () => net.events().find((e) => e.n === "page_view" && pathOf(e.l) === path);

    try {
      // The snippet is the built one, served by the worker.
      const script = await fetch(`${worker.url}/leadscore.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get("content-type")).toMatch(/javascript/);

      // --- the configurator, a single-page app: pushState navigations are page views ----------------
      await page.goto(`${worker.url}/app/step-1`);
      const firstView = await eventually(viewOf("/app/step-1"), { what: "page_view /app/step-1 at the worker" });
      const anon = firstView.a;
      expect(anon).toMatch(/^[0-9-]{5,}$/);
      expect(firstView.u).toBeUndefined();

      await page.evaluate(() => ((window as any).__sameDocument = true));
      await page.click('[data-view="step-1"] a[data-app-link][href="/app/step-2"]');
      await page.waitForURL("**/app/step-2");
      const step2 = await eventually(viewOf("/app/step-2"), { what: "page_view /app/step-2 at the worker" });
      // A history.pushState navigation, not a document load.
      expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
      expect(step2).toMatchObject({ k: "p", a: anon });

      // --- pricing and directions: real link clicks, real page loads --------------------------------
      await page.click('nav.site-nav a[href="/pricing.html"]');
      await page.waitForURL("**/pricing.html");
      await eventually(viewOf("/pricing.html"), { what: "page_view /pricing.html at the worker" });
      await page.click('nav.site-nav a[href="/directions.html"]');
      await page.waitForURL("**/directions.html");
      await eventually(viewOf("/directions.html"), { what: "page_view /directions.html at the worker" });

      // --- back to the configurator's last step: add the bundle to the cart, open the chat -----------
      await page.click('nav.site-nav a[href="/app/step-1"]');
      await page.waitForURL("**/app/step-1");
      await page.click('[data-view="step-1"] a[data-app-link][href="/app/step-2"]');
      await page.click('[data-view="step-2"] a[data-app-link][href="/app/done"]');
      await page.waitForURL("**/app/done");
      // What the worker answers reaches the page through leadscore.on('action').
      await page.evaluate(() => {
        const w = window as any;
        w.__actions = [];
        w.leadscore.on("action", (a: unknown) => w.__actions.push(a));
      });
      await page.click("[data-add-to-cart]");
      await page.click("[data-chat-launcher]");

      // The promo: shown by the demo's toast and handed to the page's own listener.
      const promo = page.locator("[data-toast] [data-promo-code]");
      await promo.waitFor({ state: "visible", timeout: 20_000 });
      const code = (await promo.textContent())!.trim();
      expect(code).toMatch(/^HOT-/);
      expect(await page.locator("[data-toast]").textContent()).toContain("10% off");
      // On a phone the toast keeps the code on one line and clear of the chat launcher.
      const viewport = page.viewportSize()!;
      await page.setViewportSize({ width: 390, height: 844 });
      const layout = await page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)!.getBoundingClientRect();
        const toast = box("[data-toast]");
        const launcher = box("[data-chat-launcher]");
        const overlaps = !(toast.bottom <= launcher.top || launcher.bottom <= toast.top || toast.right <= launcher.left || launcher.right <= toast.left);
        return { codeLines: document.querySelector("[data-toast] [data-promo-code]")!.getClientRects().length, overlaps: launcher.width > 0 && overlaps };
      });
      await page.setViewportSize(viewport);
      expect(layout).toEqual({ codeLines: 1, overlaps: false });
      const actions = await page.evaluate(() => (window as any).__actions);
      expect(actions).toContainEqual({ type: "promo", code });

      // Every event the page captured reached the worker under the same anonymous id.
      const events = net.events();
      expect(new Set(events.map((e) => e.a))).toEqual(new Set([anon]));
      expect(events.filter((e) => e.n === "cart_add")).toEqual([
        expect.objectContaining({ k: "t", p: expect.objectContaining({ sku: "LUM-BUNDLE-HOME", price: "259.00" }) }),
      ]);
      await eventually(() => net.events().find((e) => e.n === "chat_open"), { what: "chat_open at the worker" });

      // --- the webhooks: hot, and the promo, both signed and verified by standardwebhooks ------------
      const forThisVisitor = (h: { payload: any }) => h.payload?.data?.lead?.anonymousIds?.includes(anon);
      const hot = await receiver.waitFor((h) => h.type === "lead.label_changed" && h.payload?.data?.current === "hot" && forThisVisitor(h));
      expect(hot.verified).toBe(true);
      expect(hot.headers["webhook-id"]).toBe(hot.id);
      expect(hot.payload.data).toMatchObject({ site: "demo", previous: "warm", current: "hot", cause: { kind: "event", event: { name: "cart_add" } } });
      const issued = await receiver.waitFor((h) => h.type === "lead.promo_issued" && forThisVisitor(h));
      expect(issued.verified).toBe(true);
      expect(issued.payload.data.promo.code).toBe(code);

      // --- the operator's view of the anonymous lead -----------------------------------------------
      const anonymous = await eventually(
        async () => {
          const r = await api.getLead("demo", anon);
          return r.status === 200 && contribution(r.body, "chat-open") ? r.body : undefined;
        },
        { what: "the anonymous lead with its chat_open" },
      );
      expect(anonymous).toMatchObject({ label: "hot", promo: code, userId: null });
      expect(anonymous.anonymousIds).toEqual([anon]);
      for (const [rule, raw] of [["pricing", 20], ["directions", 20], ["cart-add", 20], ["big-basket", 10], ["chat-open", 10]] as const) {
        expect(contribution(anonymous, rule), rule).toMatchObject({ rawPoints: raw, count: 1 });
      }
      const seenPaths = anonymous.recentEvents.filter((e: any) => e.name === "page_view").map((e: any) => e.path);
      expect(seenPaths).toEqual(expect.arrayContaining(["/app/step-1", "/app/step-2", "/app/done", "/pricing.html", "/directions.html"]));
      const anonymousScore: number = anonymous.score;
      expect(anonymousScore).toBeGreaterThan(60);

      // --- sign up: the identifying form makes the visitor a known lead, history included ------------
      await page.click('nav.site-nav a[href="/signup.html"]');
      await page.waitForURL("**/signup.html");
      const form = page.locator("form[data-signup-form]");
      await form.locator('input[name="email"]').fill("Ada.Lovelace@Example.com");
      await form.locator('input[name="name"]').fill("Ada Lovelace");
      await form.locator('input[name="age"]').fill("36");
      await form.locator('input[name="city"]').fill("Berlin");
      await form.locator('select[name="occupation"]').selectOption("Café owner");
      await form.locator('input[name="password"]').fill("correct-horse-battery");
      await form.locator('button[type="submit"]').click();
      await page.locator("[data-signup-done]").waitFor({ state: "visible" });

      const email = "ada.lovelace@example.com";
      const identify = await eventually(() => net.events().find((e) => e.n === "identify"), { what: "identify at the worker" });
      expect(identify).toMatchObject({ k: "i", a: anon, u: email, tr: { name: "Ada Lovelace", age: "36", city: "Berlin", occupation: "Café owner" } });
      // The shop's stand-in back end signs the new user id, and the page's identify carries the token.
      const signedIdentify = await eventually(() => net.events().find((e) => e.n === "identify" && e.o?.signature), { what: "the signed identify" });
      expect(signedIdentify).toMatchObject({ u: email, o: { signature: expect.stringMatching(/^\d+\.[0-9a-f]{64}$/) } });
      // The password never leaves the page.
      expect(JSON.stringify(net.batches.map((b) => b.body))).not.toContain("correct-horse-battery");
      expect(identify.tr).not.toHaveProperty("password");

      const known = await eventually(
        async () => {
          const r = await api.getLead("demo", email);
          return r.status === 200 && contribution(r.body, "signup") ? r.body : undefined;
        },
        { what: "the known lead with its signup" },
      );
      expect(known.userId).toBe(email);
      expect(known.anonymousIds).toContain(anon);
      expect(known.traits).toMatchObject({ email, name: "Ada Lovelace", city: "Berlin" });
      expect(known.label).toBe("hot");
      // The anonymous points came along: every rule the anonymous visitor earned, and more on top.
      for (const rule of ["pricing", "directions", "cart-add", "big-basket", "chat-open"]) {
        expect(contribution(known, rule), rule).toMatchObject({ count: 1 });
      }
      expect(contribution(known, "local")).toMatchObject({ kind: "fit", points: 10 });
      expect(known.score).toBeGreaterThan(anonymousScore);
      expect(known.recentEvents.map((e: any) => e.path)).toContain("/app/step-2");

      // The anonymous id now answers with the known lead.
      const viaAnonymous = await api.getLead("demo", anon);
      expect(viaAnonymous.body.id).toBe(known.id);

      expect(net.answers.filter((a) => a.status !== 200)).toEqual([]);
      expect(pageErrors).toEqual([]);
      journey = { anon, email, code, known, answers: net.answers };
    } finally {
      await context.close();
    }
  });

  it("keeps the promo issued before sign-up as the person's only code", async () => {
    // CONTRACT 5: promo codes are "unique per lead, issued once". Uses the journey of the test above.
    expect(journey, "the journey test above did not get this far").toBeDefined();
    const { anon, email, code, known, answers } = journey!;
    const codesAnswered = answers.flatMap((a) => (a.body?.actions ?? []).filter((x: any) => x.type === "promo").map((x: any) => x.code));
    const codesDelivered = receiver.received
      .filter((h) => h.type === "lead.promo_issued" && (h.payload?.data?.lead?.anonymousIds?.includes(anon) || h.payload?.data?.lead?.userId === email))
      .map((h) => h.payload.data.promo.code);
    expect({ lead: known.promo, answered: codesAnswered, delivered: codesDelivered }).toEqual({ lead: code, answered: [code], delivered: [code] });
  });

  it("captures a PDF download and an outbound link with no tagging, and both still navigate", async () => {
    const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA, acceptDownloads: true });
    const net = recordBatches(context, worker.url);
    // The outbound site is not on this machine: the browser's request to it is answered here, which is
    // also the proof that the click really navigated there.
    const outboundHits: string[] = [];
    await context.route("https://sca.coffee/**", (route) => {
      outboundHits.push(route.request().url());
      return route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: "<!doctype html><title>SCA</title>standards" });
    });
    const page = await context.newPage();
    dumpOnFailure(() => `--- batches ---\n${JSON.stringify(net.batches.map((b) => b.body))}`);
    try {
      await page.goto(`${worker.url}/brew-guide.html`);
      await eventually(() => net.events().find((e) => e.n === "page_view"), { what: "the guide's page view" });

      // A PDF link: Chromium either shows it or downloads it; either way the browser fetched the file.
      const pdfResponse = page.context().waitForEvent("response", (r) => r.url() === `${worker.url}/brew-card.pdf`);
      await page.click("a[data-brew-card]");
      const pdf = await pdfResponse;
      expect(pdf.status()).toBe(200);
      expect(pdf.headers()["content-type"]).toBe("application/pdf");
      const download = await eventually(() => net.events().find((e) => e.n === "download"), { what: "the download event at the worker" });
      expect(download).toMatchObject({ k: "t", p: { file: "brew-card.pdf" } });

      if (!page.url().endsWith("/brew-guide.html")) await page.goto(`${worker.url}/brew-guide.html`);
      await Promise.all([page.waitForURL("https://sca.coffee/research/coffee-standards"), page.click("a[data-outbound]")]);
      expect(outboundHits).toEqual(["https://sca.coffee/research/coffee-standards"]);
      const outbound = await eventually(() => net.events().find((e) => e.n === "outbound_click"), { what: "the outbound click at the worker" });
      expect(outbound).toMatchObject({ k: "t", p: { host: "sca.coffee" } });

      // The shop model scores the PDF download (rule brew-card on ext "pdf", which the engine reads from the file name).
      const lead = await leadWith(download.a!, "brew-card");
      expect(contribution(lead, "brew-card")).toMatchObject({ rawPoints: 5, count: 1 });
    } finally {
      await context.close();
    }
  });

  it('sends and stores nothing before leadscore.consent(true) on a page with data-consent="required"', async () => {
    // Two visitors side by side on the worker's own origin (allowed for the demo site): one page
    // requires consent, the other is the control that shows when an unconsented batch would have gone.
    const page = (consent: boolean) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Consent</title>
<script defer src="/leadscore.js" data-site="demo"${consent ? ' data-consent="required"' : ""}></script>
</head><body>
<button id="quote" type="button" data-leadscore-event="quote_request" data-leadscore-prop-plan="office">Request a quote</button>
</body></html>`;
    const open = async (path: string, html: string) => {
      const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA });
      await context.route(`${worker.url}${path}`, (route) => route.fulfill({ status: 200, contentType: "text/html; charset=utf-8", body: html }));
      const net = recordBatches(context, worker.url);
      const tab = await context.newPage();
      await tab.goto(`${worker.url}${path}`);
      // The snippet replaced nothing (no stub on these pages): a real instance exists once it ran.
      await tab.waitForFunction(() => typeof (window as any).leadscore?.consent === "function");
      return { context, net, tab };
    };

    const gated = await open("/e2e-consent-required.html", page(true));
    const control = await open("/e2e-consent-not-required.html", page(false));
    dumpOnFailure(() => `--- gated batches ---\n${JSON.stringify(gated.net.batches)}\n--- control batches ---\n${JSON.stringify(control.net.batches)}`);
    try {
      await gated.tab.click("#quote");
      await control.tab.click("#quote");

      // The control's click went out within the snippet's batching delay; the gated page, clicked
      // first, would have sent by now too if it were not waiting for consent.
      await eventually(() => control.net.events().find((e) => e.n === "quote_request"), { what: "the control page's click at the worker" });
      await gated.tab.evaluate(() => new Promise((r) => setTimeout(r, 0)));
      expect(gated.net.batches).toEqual([]);
      const keysBefore = await gated.tab.evaluate(() => Object.keys(localStorage));
      expect(keysBefore.filter((k) => /leadscore/i.test(k))).toEqual([]);
      expect(await gated.tab.evaluate(() => document.cookie)).toBe("");

      const consentAt = Date.now();
      await gated.tab.evaluate(() => (window as any).leadscore.consent(true));
      const sent = await eventually(() => gated.net.events().find((e) => e.n === "quote_request"), { what: "the gated page's click after consent" });
      // What was captured before consent waited in memory and went out now, page view included.
      const events = gated.net.events();
      expect(events.map((e) => e.n)).toEqual(expect.arrayContaining(["page_view", "quote_request"]));
      expect(sent.t).toBeLessThanOrEqual(consentAt);
      expect(sent.p).toEqual({ plan: "office" });

      const stored = await eventually(() => storedIds(gated.tab), { what: "the snippet's localStorage entry after consent" });
      expect(stored).toMatchObject({ a: sent.a, c: true });

      await eventually(() => gated.net.answers.length > 0, { what: "the worker's answer" });
      expect(gated.net.answers[0]!.status).toBe(200);
      const lead = await leadWith(sent.a!, "quote-request");
      expect(contribution(lead, "quote-request")).toMatchObject({ rawPoints: 25, count: 1 });
    } finally {
      await gated.context.close();
      await control.context.close();
    }
  });

  it("links the footer to the inspector the worker was started with, whatever its port", async () => {
    const context = await browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    try {
      const page = await context.newPage();
      await page.goto(`${worker.url}/pricing.html`);
      await Promise.all([page.waitForURL(`${receiver.url}/`), page.click('footer a[href="/inspector"]')]);
      expect(await page.title()).toMatch(/inspector/i);
    } finally {
      await context.close();
    }
  });
});
