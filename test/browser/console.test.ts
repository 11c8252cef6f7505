// The operator console in real Chromium against the real local worker (DEMO=1) and a real webhook
// receiver: sign in with the one-click link, watch a lead of the demo shop turn hot without a
// reload (the polling driven by Playwright's clock), read why, break and fix the config, redeliver a
// dead letter, sign out. With UPDATE_SCREENSHOTS=1 it also writes the README's screenshots.

import { mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import {
  ADMIN_TOKEN,
  baseVars,
  postSegment,
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

const DEMO_WEBHOOK_SECRET = "whsec_Y29uc29sZS1lMmUtdGVzdHMtZm9yLWxlYWRzY29yZQ==";
const DEMO_WRITE_KEY = "demo.wk_console_e2e_7c2d";
/** The console's polling interval (console/src/pages/Leads.tsx POLL_MS). */
const POLL_MS = 5_000;
const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), "../../docs/screenshots");
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };

/** Nothing sticks out sideways: the page reads at this width without scrolling horizontally. */
async function expectNoSidewaysScroll(page: Page, what: string): Promise<void> {
  const { scrollWidth, width, culprits } = await page.evaluate(() => {
    const width = window.innerWidth;
    // The innermost elements that end past the right edge: what to fix when this fails.
    const past = [...document.body.querySelectorAll("*")].filter((el) => el.getBoundingClientRect().right > width + 0.5);
    const innermost = past.filter((el) => !past.some((other) => other !== el && el.contains(other)));
    const culprits = innermost.slice(0, 5).map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).trim().split(/\s+/).join(".")}` : ""} (${Math.round(el.getBoundingClientRect().right)} px)`);
    return { scrollWidth: document.documentElement.scrollWidth, width, culprits };
  });
  expect(scrollWidth, `${what} at ${width} px; past the edge: ${culprits.join(", ") || "nothing found"}`).toBeLessThanOrEqual(width);
}

/** Checks the page's layout at 1280 px and at phone width, and writes its screenshots when asked to. */
async function screenshot(page: Page, name: string, { phone = false }: { phone?: boolean } = {}): Promise<void> {
  const write = process.env.UPDATE_SCREENSHOTS === "1";
  if (write) mkdirSync(SCREENSHOTS, { recursive: true });
  await expectNoSidewaysScroll(page, name);
  if (write) await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  await page.setViewportSize(PHONE);
  await expectNoSidewaysScroll(page, name);
  if (write && phone) await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(DESKTOP);
}

/**
 * A few known people sent by a site's back end through the Segment API, so the pages (and their
 * screenshots) show leads with e-mails, traits and several labels next to the demo shop's visitor.
 */
async function seedKnownLeads(workerUrl: string): Promise<void> {
  const people: Array<[string, Record<string, unknown>, Array<[string, Record<string, unknown>]>]> = [
    // Ada buys: the demo's models count a purchase as a conversion, so the overview's model report has an outcome.
    ["ada@example.com", { name: "Ada Lovelace", city: "Berlin", age: 36 }, [["cart_add", { sku: "LUM-GRINDER", price: 189 }], ["quote_request", {}], ["purchase", { total: 189 }]]],
    ["grace@example.com", { name: "Grace Hopper", city: "Arlington" }, [["download", { file: "brew-guide" }]]],
    ["linus@example.com", { name: "Linus", city: "Potsdam", income: 52000 }, [["plan_select", { plan: "monthly" }], ["chat_open", {}]]],
  ];
  for (const [userId, traits, events] of people) {
    expect((await postSegment(workerUrl, "/v1/identify", DEMO_WRITE_KEY, { userId, traits })).status).toBe(200);
    for (const [event, properties] of events) expect((await postSegment(workerUrl, "/v1/track", DEMO_WRITE_KEY, { userId, event, properties })).status).toBe(200);
  }
}

/** The data the lead page's score chart draws (the chart puts it on its element: tests read data, not pixels). */
async function chartSeries(page: Page): Promise<{ ts: number[]; scores: number[]; markers: Array<{ t: number; kind: string; text: string }> }> {
  const selector = "section[aria-labelledby=chart-title] [data-chart]";
  // The chart hands its series to its element once it has drawn.
  await page.waitForFunction((s) => (document.querySelector(s) as any)?.chartSeries !== undefined, selector);
  return page.locator(selector).evaluate((el: any) => el.chartSeries);
}

/** Runs the demo shop's journey that makes a visitor hot; answers the visitor's anonymous id. */
async function hotJourney(shop: Page, workerUrl: string): Promise<string> {
  await shop.goto(`${workerUrl}/pricing.html`);
  await shop.click('nav.site-nav a[href="/directions.html"]');
  await shop.waitForURL("**/directions.html");
  await shop.click('nav.site-nav a[href="/app/step-1"]');
  await shop.waitForURL("**/app/step-1");
  await shop.click('[data-view="step-1"] a[data-app-link][href="/app/step-2"]');
  await shop.click('[data-view="step-2"] a[data-app-link][href="/app/done"]');
  await shop.waitForURL("**/app/done");
  await shop.click("[data-add-to-cart]");
  await shop.click("[data-chat-launcher]");
  // The promo toast shows once the worker answered "hot": the journey has been scored.
  await shop.locator("[data-toast] [data-promo-code]").waitFor({ state: "visible", timeout: 20_000 });
  return shop.evaluate(() => JSON.parse(localStorage.getItem("leadscore")!).a as string);
}

describe("the operator console in real Chromium", () => {
  let receiver: Inspector;
  let worker: LocalWorker;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  /** What the receiver answers while set (503: deliveries fail and end as dead letters; 410: gone). */
  let answer: number | undefined;
  let hotVisitor = "";
  /** Script errors and console errors of the console's page (a CSP refusal would show here). */
  const pageErrors: string[] = [];
  const api = operatorApi(() => worker.url);
  const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const apiGet = async (path: string): Promise<any> => (await fetch(`${worker.url}${path}`, { headers: bearer })).json();

  beforeAll(async () => {
    receiver = await startReceiver({ secret: DEMO_WEBHOOK_SECRET, respond: () => answer });
    dir = tempDir("console");
    worker = await startWorker({
      persistTo: dir,
      vars: baseVars(receiver, {
        DEMO: "1",
        DEMO_WEBHOOK_URL: `${receiver.hooksUrl}/demo`,
        DEMO_WEBHOOK_SECRET,
        DEMO_WRITE_KEY,
        // The day-long retry schedule in about a third of a second: failures become dead letters at once.
        WEBHOOK_RETRY_SCALE: "0.00001",
      }),
    });
    await seedKnownLeads(worker.url);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: DESKTOP });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    // Failed requests the console handles (401, 404 history, 422) are logged by Chromium too; they are not errors here.
    page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && pageErrors.push(m.text()));
    // Fake timers from the first page on: the leads page polls on them, and the test moves them on.
    await page.clock.install();
  });

  afterAll(async () => {
    await browser?.close();
    await worker?.stop();
    await receiver?.close();
    removeDir(dir);
  });

  function dumpOnFailure() {
    onTestFailed(() => console.error(`--- worker log ---\n${tailLogs(worker)}\n--- page errors ---\n${pageErrors.join("\n")}`));
  }

  /** A new visitor who opens the shop's pricing page and leaves; answers its anonymous id. */
  async function pricingVisitor(): Promise<string> {
    const visitorContext = await browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    const visitor = await visitorContext.newPage();
    await visitor.goto(`${worker.url}/pricing.html`);
    const anon = await visitor.evaluate(() => JSON.parse(localStorage.getItem("leadscore")!).a as string);
    await visitorContext.close();
    return anon;
  }

  async function nav(name: string) {
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name }).click();
    await page.getByRole("heading", { level: 1, name }).waitFor();
  }

  it("signs in with the one-click link, and keeps the token out of the address bar and storage", async () => {
    dumpOnFailure();
    await page.goto(`${worker.url}/console/#token=${encodeURIComponent(ADMIN_TOKEN)}`);
    await page.getByRole("heading", { level: 1, name: "Choose a site" }).waitFor();
    expect(page.url()).toBe(`${worker.url}/console/`);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie + history.length);
    expect(stored).not.toContain(ADMIN_TOKEN);
    const [cookie] = await context.cookies(worker.url);
    expect(cookie).toMatchObject({ name: "leadscore_session", httpOnly: true, sameSite: "Strict", path: "/" });
    expect(cookie!.value).not.toContain(ADMIN_TOKEN);
    // The site id field checks what the API accepts (a pattern the browser could not compile would check nothing).
    const siteField = page.getByLabel("Site id");
    const mismatch = async (value: string) => {
      await siteField.fill(value);
      return siteField.evaluate((input: HTMLInputElement) => input.validity.patternMismatch);
    };
    expect(await mismatch("bad site!")).toBe(true);
    expect(await mismatch("-demo")).toBe(true);
    expect(await mismatch("shop-2_eu")).toBe(false);
    await page.getByRole("link", { name: "open the demo site" }).click();
    await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
  });

  it("shows a lead of the demo shop turning hot on the leads page, without a reload", async () => {
    dumpOnFailure();
    await nav("Leads");
    await page.evaluate(() => ((window as any).__sameDocument = true));
    const shopContext = await browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    hotVisitor = await hotJourney(await shopContext.newPage(), worker.url);
    await shopContext.close();

    const row = page.locator("tr[data-lead]", { hasText: hotVisitor });
    // Each turn moves the page's clock one polling interval on; the leads page asks again each time.
    await eventually(
      async () => {
        await page.clock.runFor(POLL_MS);
        return (await row.getAttribute("data-label", { timeout: 200 }).catch(() => null)) === "hot";
      },
      { what: "the visitor listed as hot", timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(await row.locator('[data-badge="label"]').textContent()).toBe("hot");
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true);
    await row.locator('[data-col="Top reasons"]', { hasText: "+" }).waitFor();
    await screenshot(page, "leads", { phone: true });

    // Highest score now first, in the order the API lists them.
    const scores = await page.locator("tr[data-lead]").evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-score"))));
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const ids = await page.locator("tr[data-lead]").evaluateAll((els) => els.map((el) => el.getAttribute("data-lead")));
    expect(ids).toEqual((await api.listLeads("demo", "limit=25")).body.leads.map((l: { leadId: string }) => l.leadId));
    // The label filter asks the API for that label only, and the URL says so.
    await page.getByLabel("Label").selectOption("hot");
    await eventually(async () => {
      const labels = await page.locator("tr[data-lead]").evaluateAll((els) => els.map((el) => el.getAttribute("data-label")));
      return labels.length > 0 && labels.every((l) => l === "hot");
    }, { what: "only hot leads listed" });
    expect(new URL(page.url()).searchParams.get("label")).toBe("hot");
    await page.getByLabel("Label").selectOption("");
    // A prefix that is no lead's e-mail lists the leads it starts, on the page itself.
    await page.getByLabel("Search by e-mail or id").fill("grace@");
    await page.getByRole("button", { name: "Find" }).click();
    await eventually(async () => {
      const who = await page.locator('tr[data-lead] [data-col="Who"]').allTextContents();
      return who.length === 1 && who[0]!.includes("grace@example.com");
    }, { what: "the search listing grace only" });
    await page.getByLabel("Search by e-mail or id").fill("");
    await page.getByRole("button", { name: "Find" }).click();
    await page.locator("tr[data-lead]", { hasText: hotVisitor }).waitFor();
  });

  it("explains the lead: the rule bars add up to its score, with its events, ids and promo code", async () => {
    dumpOnFailure();
    await page.locator("tr[data-lead]", { hasText: hotVisitor }).getByRole("link").click();
    await page.getByRole("heading", { level: 1, name: hotVisitor }).waitFor();
    const score = Number(await page.locator("[data-score]").first().getAttribute("data-score"));
    const bars = await page.locator(".contributions > .bars > .bar").evaluateAll((els) => els.map((el) => [el.getAttribute("data-rule"), Number(el.getAttribute("data-points"))] as const));
    expect(bars.map(([rule]) => rule)).toEqual(expect.arrayContaining(["pricing", "directions", "cart-add", "big-basket", "chat-open"]));
    const sum = bars.reduce((a, [, p]) => a + p, 0);
    expect(Math.round(sum * 100)).toBe(Math.round(score * 100));
    expect(Number(await page.locator("[data-total]").getAttribute("data-total"))).toBe(score);
    // The same numbers the API gives.
    const lead = (await api.getLead("demo", hotVisitor)).body;
    expect(lead.label).toBe("hot");
    expect(await page.locator("[data-anonymous-ids]").textContent()).toContain(hotVisitor);
    // An anonymous visitor is known by its own browser id: nothing was merged into it.
    expect(lead.userId).toBeNull();
    expect(await page.locator("dt", { hasText: "Browser ids" }).count()).toBe(1);
    expect(await page.locator("dt", { hasText: "Anonymous ids merged" }).count()).toBe(0);
    expect(await page.locator("[data-promo]").textContent()).toBe(lead.promo);
    // Each event says what it earned: the cart add earned cart-add and big-basket.
    const cart = page.locator("tr[data-event]", { hasText: "cart_add" });
    expect(await cart.locator('[data-col="Earned"]').textContent()).toMatch(/cart-add \+20.*big-basket \+10|big-basket \+10.*cart-add \+20/);
    // The chart marks each label change and each webhook sent about the lead, and the page lists those webhooks as delivered.
    const series = await chartSeries(page);
    const history = await apiGet(`/v1/sites/demo/leads/${lead.id}/history`);
    expect(series.markers.filter((m) => m.kind === "label").map((m) => m.t)).toEqual(history.transitions.filter((t: any) => t.kind === "label").map((t: any) => t.t));
    const { deliveries } = await apiGet(`/v1/sites/demo/leads/${lead.id}/deliveries`);
    expect(deliveries.filter((d: any) => d.type === "lead.label_changed").map((d: any) => d.current).sort()).toEqual(["hot", "warm"]);
    await page.locator('[data-deliveries] tr[data-state="delivered"]').first().waitFor();
    expect(await page.locator("[data-deliveries] tr[data-delivery]").count()).toBe(deliveries.length);
    expect(series.markers.filter((m) => m.kind === "webhook").map((m) => m.t).sort()).toEqual(deliveries.map((d: any) => d.at).sort());
  });

  it("draws a lead's score chart from its history: exact at each event, the decay curve between, contributions adding up to the score", async () => {
    dumpOnFailure();
    // A person the shop's back end imported in one batch: a sign-up 6 h ago, a cart add 5 h ago, a quote
    // request 3 h ago, a chat 1 h ago. (Sent one by one, now, each would count at its arrival instead.)
    const now = Date.now();
    const ago = (hours: number) => new Date(now - hours * 3_600_000).toISOString();
    const userId = "marie@example.com";
    const batch = [
      { type: "identify", userId, traits: { name: "Marie Curie", city: "Paris" }, timestamp: ago(6) },
      { type: "track", userId, event: "cart_add", properties: { sku: "LUM-GRINDER", price: 189 }, timestamp: ago(5) },
      { type: "track", userId, event: "quote_request", properties: {}, timestamp: ago(3) },
      { type: "track", userId, event: "chat_open", properties: {}, timestamp: ago(1) },
    ];
    expect((await postSegment(worker.url, "/v1/batch", DEMO_WRITE_KEY, { batch })).status).toBe(200);
    await page.goto(`${worker.url}/console/demo/leads/${encodeURIComponent(userId)}`);
    await page.getByRole("heading", { level: 1, name: userId }).waitFor();
    const series = await chartSeries(page);
    const lead = (await api.getLead("demo", userId)).body;
    // A known lead names the visitors merged into it (none here: only the back end spoke of it).
    expect(await page.locator("dt", { hasText: "Anonymous ids merged" }).count()).toBe(1);
    expect(await page.locator("[data-anonymous-ids]").textContent()).toBe("none");
    const history = await apiGet(`/v1/sites/demo/leads/${lead.id}/history`);
    const events = history.points.filter((p: any) => p.cause?.kind === "event" && p.cause.event.name !== "identify");
    expect(events.map((p: any) => p.cause.event.name)).toEqual(["cart_add", "quote_request", "chat_open"]);
    // Exact at each event: the chart passes through the recorded score at its instant.
    for (const p of events) expect(series.scores[series.ts.indexOf(p.t)]).toBe(p.score);
    // Between the cart add and the quote request (2 h, one half-life of the shop model): the curve falls
    // sample after sample (what decays halves), then the quote request lifts it by its 25 points.
    const [cart, quote] = events;
    const gap = series.ts.flatMap((t, i) => (t > cart.t && t < quote.t ? [series.scores[i]!] : []));
    expect(gap.length).toBeGreaterThanOrEqual(8);
    for (let i = 1; i < gap.length; i++) expect(gap[i]!).toBeLessThan(gap[i - 1]!);
    expect(gap.at(-1)!).toBeLessThan(cart.score * 0.75);
    expect(quote.score).toBeCloseTo(gap.at(-1)! + 25, 1);
    // The chart's last sample is the score now, and the rule bars add up to it.
    const score = Number(await page.locator("[data-score]").first().getAttribute("data-score"));
    expect(score).toBe(lead.score);
    const bars = await page.locator(".contributions > .bars > .bar").evaluateAll((els) => els.map((el) => Number(el.getAttribute("data-points"))));
    expect(Math.round(bars.reduce((a, b) => a + b, 0) * 100)).toBe(Math.round(score * 100));
    expect(series.scores.at(-1)).toBeCloseTo(score, 1);
    await screenshot(page, "lead");
    // On a phone each rule's bar still has room to show its share: the track spans the card.
    await page.setViewportSize(PHONE);
    const tracks = await page.locator(".contributions > .bars > .bar").evaluateAll((els) =>
      els.map((el) => el.querySelector(".bar-track")!.getBoundingClientRect().width / el.getBoundingClientRect().width),
    );
    await page.setViewportSize(DESKTOP);
    expect(tracks.length).toBeGreaterThan(0);
    for (const share of tracks) expect(share).toBeGreaterThan(0.9);
  });

  it("works from the keyboard: finds a lead by e-mail, exports it as JSON and erases it after confirming", async () => {
    dumpOnFailure();
    await nav("Leads");
    // Before the brand link comes the skip link, which jumps past the navigation to the page itself.
    await page.locator("a.brand").focus();
    await page.keyboard.press("Shift+Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    await page.keyboard.press("Enter");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("main");
    await page.getByLabel("Search by e-mail or id").focus();
    await page.keyboard.type("grace@example.com");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "grace@example.com" }).waitFor();

    const download = page.waitForEvent("download");
    await page.getByRole("button", { name: "Export JSON" }).focus();
    await page.keyboard.press("Enter");
    const file = await download;
    const exported = JSON.parse(readFileSync((await file.path())!, "utf8"));
    expect(exported).toMatchObject({ userId: "grace@example.com", traits: { name: "Grace Hopper" } });
    // The export is the lead as the API answers it, with its score history.
    const { history, ...described } = exported;
    expect(described).toEqual((await api.getLead("demo", "grace@example.com")).body);
    expect(history.points.filter((p: any) => p.cause).map((p: any) => p.cause.kind)).toContain("event");

    // Escape cancels the confirmation and keeps the lead; only the dialog's own button erases.
    await page.getByRole("button", { name: "Erase…" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Erase grace@example.com?" });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect((await api.getLead("demo", "grace@example.com")).status).toBe(200);
    await page.getByRole("button", { name: "Erase…" }).click();
    await dialog.getByRole("button", { name: "Erase everything" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { level: 1, name: "Leads" }).waitFor();
    expect((await api.getLead("demo", "grace@example.com")).status).toBe(404);
  });

  it("shows a config mistake at its field while typing and a worker-found one after save, and saves neither", async () => {
    dumpOnFailure();
    await nav("Scoring");
    const editor = page.getByLabel("Site config (JSON)");
    const original = JSON.parse(await editor.inputValue());
    const shop = original.models.findIndex((m: any) => m.id === "shop");
    const pricing = original.models[shop].rules.findIndex((r: any) => r.id === "pricing");

    // A wrong type: the browser's JSON Schema check names the field and marks its line.
    const typo = structuredClone(original);
    typo.models[shop].rules[pricing].points = "twenty";
    const typoText = JSON.stringify(typo, null, 2);
    await editor.fill(typoText);
    const path = `$.models[${shop}].rules[${pricing}].points`;
    const issue = page.locator(`[data-issue-path="${path}"]`);
    await issue.waitFor();
    expect(await issue.getAttribute("data-issue-source")).toBe("editor");
    const line = typoText.split("\n").findIndex((l) => l.includes('"points": "twenty"')) + 1;
    expect(Number(await issue.getAttribute("data-issue-line"))).toBe(line);
    expect(await page.locator(`.gutter-line[data-line="${line}"]`).getAttribute("class")).toContain("has-issue");
    expect(await page.getByRole("button", { name: "Save and publish" }).isDisabled()).toBe(true);

    // Bands out of order pass the schema; the worker's 422 names them and the editor marks the line.
    const unordered = structuredClone(original);
    unordered.models[shop].labels = [{ name: "cold" }, { name: "hot", min: 60 }, { name: "warm", min: 30 }];
    await editor.fill(JSON.stringify(unordered, null, 2));
    await page.getByText("No mistakes found.").waitFor();
    await page.getByRole("button", { name: "Save and publish" }).click();
    await page.getByText("Not saved: the config in force is unchanged").waitFor();
    const fromWorker = page.locator('[data-issue-source="worker"]');
    expect(await fromWorker.count()).toBeGreaterThan(0);
    expect(await fromWorker.first().getAttribute("data-issue-path")).toMatch(new RegExp(`^\\$\\.models\\[${shop}\\]\\.labels`));
    // The mistake's line is marked in the gutter, and its "Line N" puts the cursor there.
    const workerLine = Number(await fromWorker.first().getAttribute("data-issue-line"));
    expect(await page.locator(`.gutter-line[data-line="${workerLine}"]`).getAttribute("class")).toContain("has-issue");
    await fromWorker.first().getByRole("button", { name: `Line ${workerLine}` }).click();
    expect(await editor.evaluate((el: HTMLTextAreaElement) => el.value.slice(0, el.selectionStart).split("\n").length)).toBe(workerLine);
    await screenshot(page, "scoring-error");
    // The demo's shipped config is version 0: nothing was saved.
    expect((await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer })).headers.get("etag")).toBe('"v0"');
    await page.getByRole("button", { name: "Discard changes" }).click();
  });

  it("tries a change on a journey, publishes it, and the next event is scored with it", async () => {
    dumpOnFailure();
    const editor = page.getByLabel("Site config (JSON)");
    const config = JSON.parse(await editor.inputValue());
    const shop = config.models.find((m: any) => m.id === "shop");
    const pricing = shop.rules.find((r: any) => r.id === "pricing");
    expect(pricing.points).toBe(20);
    pricing.points = 35;
    // Legal, but Segment's "Email Opened" reaches the worker as email_open: the save warns, and saves.
    shop.rules.push({ id: "newsletter-open", event: "Email Opened", points: 2 });
    const warnedPath = `$.models[${config.models.indexOf(shop)}].rules[${shop.rules.length - 1}].event`;
    await editor.fill(JSON.stringify(config, null, 2));

    // The sample journey opens with /pricing.html: scored with the unsaved config, that is 35.
    await page.getByLabel("Follow decay afterwards").selectOption({ label: "1 day" });
    await page.getByRole("button", { name: "Run" }).click();
    const first = page.locator('[data-simulation] [data-step="0"] [data-score]');
    await first.waitFor();
    expect(Number(await first.getAttribute("data-score"))).toBe(35);
    // The chart draws the decay between events (a falling, non-linear curve), not straight lines.
    const series = await page.locator("[data-simulation] [data-chart]").evaluate((el: any) => el.chartSeries);
    const tail = series.scores.slice(-5);
    expect(tail).toEqual([...tail].sort((a: number, b: number) => b - a));
    expect(tail[0] - tail[1]).toBeGreaterThan(tail[3] - tail[4]);

    // A real lead's recent events as the journey: the hot visitor's, from its first page view on /pricing.html.
    await page.getByLabel("A real lead's recent events (e-mail or id)").fill(hotVisitor);
    await page.getByRole("button", { name: "Load events" }).click();
    const journey = page.getByLabel(/^Journey/);
    await eventually(async () => (await journey.inputValue()).includes("cart_add"), { what: "the hot visitor's events in the journey" });
    expect(JSON.parse(await journey.inputValue())[0]).toMatchObject({ name: "page_view", path: "/pricing.html" });
    await page.getByRole("button", { name: "Run" }).click();
    await eventually(async () => Number(await first.getAttribute("data-score")) === 35 && (await page.locator("[data-simulation] [data-step]").count()) > 4, { what: "the hot visitor's journey re-scored" });

    // A visitor who only viewed pricing is cold under the config in force (20 points, warm starts at 30).
    const coldAnon = await pricingVisitor();
    const cold = await eventually(async () => {
      const r = await api.getLead("demo", coldAnon);
      return r.status === 200 && r.body.explanation.contributions.some((c: any) => c.rule === "pricing") ? r.body : undefined;
    }, { what: "the pricing-only visitor scored" });
    expect(cold.label).toBe("cold");
    // The preview walks the site's lead index: wait until the visitor's entry, sent right after it was scored, is there.
    await eventually(async () => {
      const listed = (await (await fetch(`${worker.url}/v1/sites/demo/leads?q=${encodeURIComponent(cold.id)}`, { headers: bearer })).json()) as any;
      return listed.leads?.some((l: any) => l.leadId === cold.id) ? true : undefined;
    }, { what: "the pricing-only visitor in the lead index" });

    // The first save shows the impact on the real leads and saves nothing: with pricing at 35 that visitor turns warm.
    await page.getByRole("button", { name: "Save and publish" }).click();
    const impact = page.locator("[data-impact]");
    await impact.waitFor();
    expect(Number(await impact.getAttribute("data-label-changes"))).toBeGreaterThanOrEqual(1);
    const preview = (await (await fetch(`${worker.url}/v1/sites/demo/rescore/preview`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ config, limit: 500 }) })).json()) as any;
    expect(Number(await impact.getAttribute("data-total"))).toBe(preview.total);
    expect(Number(await impact.getAttribute("data-label-changes"))).toBe(preview.changed.label);
    const moved = impact.locator(`tr[data-impact-lead="${cold.id}"]`);
    await moved.waitFor();
    expect(await moved.locator('[data-col="Label"] [data-badge="label"]').allTextContents()).toEqual(["cold", "warm"]);
    expect((await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer })).headers.get("etag")).toBe('"v0"');
    await screenshot(page, "scoring");

    // The second save publishes what the impact was shown for; the re-score then does what the preview said.
    await page.getByRole("button", { name: "Save and publish" }).click();
    await page.getByText("Published as version 1.").waitFor();
    await impact.waitFor({ state: "detached" });
    await eventually(async () => (await api.getLead("demo", coldAnon)).body.label === "warm", { what: "the previewed visitor re-scored warm" });
    const warning = page.locator(`[data-issue-source="warning"][data-issue-path="${warnedPath}"]`);
    await warning.waitFor();
    expect(await warning.getAttribute("data-warning-code")).toBe("segment_event_name");
    expect(await warning.textContent()).toContain('did you mean "email_open"?');
    const savedText = await editor.inputValue();
    const warnedLine = savedText.split("\n").findIndex((l) => l.includes('"event": "Email Opened"')) + 1;
    expect(Number(await warning.getAttribute("data-issue-line"))).toBe(warnedLine);
    expect(await page.locator(`.gutter-line[data-line="${warnedLine}"]`).getAttribute("class")).toContain("has-warning");
    // A warning is no mistake: nothing is listed as one, and the version was saved with the rule.
    await page.getByText("No mistakes found.").waitFor();
    const inForce = (await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer })) as Response;
    expect(inForce.headers.get("etag")).toBe('"v1"');
    expect(((await inForce.json()) as any).models.find((m: any) => m.id === "shop").rules.some((r: any) => r.event === "Email Opened")).toBe(true);

    const shopContext = await browser.newContext({ userAgent: DESKTOP_CHROME_UA });
    const visitor = await shopContext.newPage();
    await visitor.goto(`${worker.url}/pricing.html`);
    const anon = await visitor.evaluate(() => JSON.parse(localStorage.getItem("leadscore")!).a as string);
    const lead = await eventually(async () => {
      const r = await api.getLead("demo", anon);
      return r.status === 200 && r.body.explanation.contributions.find((c: any) => c.rule === "pricing") ? r.body : undefined;
    }, { what: "the new visitor's pricing view scored" });
    expect(lead.explanation.contributions.find((c: any) => c.rule === "pricing").rawPoints).toBe(35);
    await shopContext.close();
  });

  it("lists the saved versions and rolls one back after confirming: the editor shows its rule's points again", async () => {
    dumpOnFailure();
    const editor = page.getByLabel("Site config (JSON)");
    const config = JSON.parse(await editor.inputValue());
    const pricingOf = (c: any) => c.models.find((m: any) => m.id === "shop").rules.find((r: any) => r.id === "pricing").points;
    expect(pricingOf(config)).toBe(35);
    config.models.find((m: any) => m.id === "shop").rules.find((r: any) => r.id === "pricing").points = 50;
    await editor.fill(JSON.stringify(config, null, 2));
    // First its impact, then the save.
    await page.getByRole("button", { name: "Save and publish" }).click();
    await page.locator("[data-impact]").waitFor();
    await page.getByRole("button", { name: "Save and publish" }).click();
    await page.getByText("Published as version 2.").waitFor();

    const versions = page.locator("[data-versions]");
    const v1 = versions.locator('tr[data-version="1"]');
    await versions.locator('tr[data-version="2"]', { hasText: "in force" }).waitFor();
    expect(await v1.locator('[data-col="Summary"]').textContent()).toBe("models: shop");
    // Cancel keeps version 2; only the dialog's own button rolls back.
    await v1.getByRole("button", { name: "Roll back to this version" }).click();
    const dialog = page.getByRole("dialog", { name: "Roll back to version 1?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect((await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer })).headers.get("etag")).toBe('"v2"');
    await v1.getByRole("button", { name: "Roll back to this version" }).click();
    // Before anything is published, the dialog says what version 1 would do to the leads: the re-score preview of its document.
    const rollbackImpact = dialog.locator("[data-rollback-impact]");
    await rollbackImpact.waitFor();
    const v1Config = (await apiGet("/v1/sites/demo/config/versions/1")).config;
    const previewRes = await fetch(`${worker.url}/v1/sites/demo/rescore/preview`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ config: v1Config, limit: 5 }) });
    const preview = (await previewRes.json()) as any;
    expect(Number(await rollbackImpact.getAttribute("data-label-changes"))).toBe(preview.changed.label);
    expect(Number(await rollbackImpact.getAttribute("data-stage-changes"))).toBe(preview.changed.stage);
    expect(await rollbackImpact.textContent()).toContain(`Of ${preview.total} lead`);
    expect(await rollbackImpact.locator("[data-rollback-lead]").evaluateAll((els) => els.map((el) => el.getAttribute("data-rollback-lead")))).toEqual(preview.leads.map((l: any) => l.leadId));
    expect((await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer })).headers.get("etag")).toBe('"v2"');
    await screenshot(page, "scoring-rollback");
    await dialog.getByRole("button", { name: "Roll back" }).click();

    // Version 1's document, saved again as version 3: pricing is back at 35, in the editor and in force.
    await page.getByText("Rolled back to version 1: published as version 3.").waitFor();
    expect(pricingOf(JSON.parse(await editor.inputValue()))).toBe(35);
    const inForce = await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer });
    expect(inForce.headers.get("etag")).toBe('"v3"');
    expect(pricingOf(await inForce.json())).toBe(35);
    expect(await versions.locator('tr[data-version="3"] [data-col="Summary"]').textContent()).toBe("rollback to version 1: models: shop");
    // Version 1's warning comes back with it.
    await page.locator('[data-issue-source="warning"][data-warning-code="segment_event_name"]').waitFor();
    await screenshot(page, "scoring-versions");
  });

  it("redelivers a dead letter from the webhooks page, sends a test message, and re-enables an endpoint gone with 410", async () => {
    dumpOnFailure();
    answer = 503;
    // A visitor who turns warm (pricing is 35 now, warm starts at 30): its webhook fails until it is a dead letter.
    const anon = await pricingVisitor();
    const letter = await eventually(async () => {
      const res = await fetch(`${worker.url}/v1/sites/demo/webhooks/inspector/dead-letters`, { headers: bearer });
      const body = (await res.json()) as { deadLetters: any[] };
      return body.deadLetters.find((l: any) => l.payload.data.lead.anonymousIds.includes(anon));
    }, { what: "a dead letter for the warm visitor" });
    answer = undefined;

    await nav("Webhooks");
    const endpoint = page.locator('[data-endpoint="inspector"]');
    const row = endpoint.locator(`tr[data-message="${letter.messageId}"]`);
    await row.waitFor();
    expect(await endpoint.getAttribute("data-state")).toBe("active");
    await screenshot(page, "webhooks");
    await row.getByRole("button", { name: "Redeliver" }).click();
    const delivered = await receiver.waitFor((h) => h.id === letter.messageId && h.status === 204);
    expect(delivered.verified).toBe(true);
    expect(delivered.payload.data.lead.anonymousIds).toContain(anon);
    await row.waitFor({ state: "detached" });

    await endpoint.getByRole("button", { name: "Send a test message" }).click();
    await endpoint.getByText(/Test message msg_\w+ delivered/).waitFor();
    const test = await receiver.waitFor((h) => h.type === "lead.test");
    expect(test.verified).toBe(true);

    // The endpoint answers 410 Gone: the worker disables it; the console shows it and enables it again.
    answer = 410;
    const goneAnon = await pricingVisitor();
    await eventually(async () => {
      const body = (await (await fetch(`${worker.url}/v1/sites/demo/webhooks`, { headers: bearer })).json()) as { endpoints: Array<{ state: string }> };
      return body.endpoints[0]?.state === "disabled";
    }, { what: "the endpoint disabled by its 410" });
    // The message answered with 410 is what the endpoint missed.
    const gone = await eventually(async () => {
      const res = await fetch(`${worker.url}/v1/sites/demo/webhooks/inspector/dead-letters`, { headers: bearer });
      return ((await res.json()) as { deadLetters: any[] }).deadLetters.find((l: any) => l.payload.data.lead.anonymousIds.includes(goneAnon));
    }, { what: "a dead letter for the visitor the endpoint answered 410 to" });
    answer = undefined;
    await page.getByRole("button", { name: "Refresh" }).click();
    await page.locator('[data-endpoint="inspector"][data-state="disabled"]').waitFor();
    await endpoint.getByRole("button", { name: "Re-enable" }).click();
    await page.locator('[data-endpoint="inspector"][data-state="active"]').waitFor();
    const enabled = endpoint.getByText(/^Enabled again\. While disabled it missed \d+ messages?, kept as dead letters below\.$/);
    await enabled.waitFor();
    const missed = Number(/missed (\d+)/.exec((await enabled.textContent())!)![1]);
    expect(missed).toBeGreaterThanOrEqual(1);
    await endpoint.getByRole("button", { name: `Redeliver what it missed (${missed})` }).click();
    const caughtUp = await receiver.waitFor((h) => h.id === gone.messageId && h.status === 204);
    expect(caughtUp.verified).toBe(true);
    await endpoint.getByText(`Redelivering ${missed} message${missed === 1 ? "" : "s"} it missed.`).waitFor();
    await endpoint.locator(`tr[data-message="${gone.messageId}"]`).waitFor({ state: "detached" });
  });

  it("shows the overview with leads per label, label changes per day and conversion by band", async () => {
    dumpOnFailure();
    await nav("Overview");
    const hot = page.locator('[data-label-count="hot"] .tile-number');
    await hot.waitFor();
    expect(Number(await hot.textContent())).toBeGreaterThanOrEqual(1);
    // Label changes per day: the chart's own data, 30 days ending today, with the hot visitor's moves in it.
    const chart = page.locator('[data-chart="label-changes"]');
    await chart.waitFor();
    const series = (await chart.evaluate((el) => (el as unknown as { chartSeries: unknown }).chartSeries)) as { days: number[]; counts: Record<string, number[]>; total: number };
    expect(series.days).toHaveLength(30);
    expect(series.days.at(-1)).toBe(Date.parse(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`));
    expect(series.counts.hot!.at(-1)).toBeGreaterThanOrEqual(1);
    // Conversion by band, from the model report: Ada's purchase is an outcome (her outbox may still be delivering it).
    const table = page.locator('table[data-report-status="ok"]');
    // The reports load after the page: wait for one to show (ok or not) before asking whether it is ok.
    const shown = page.locator("[data-report-status]").first();
    await shown.waitFor();
    for (let attempt = 0; attempt < 20 && !(await table.isVisible()); attempt++) {
      await page.reload();
      await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
      await shown.waitFor();
    }
    const converted = await table.locator("tr[data-band] td[data-col='Converted']").allTextContents();
    expect(converted.map(Number).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    await screenshot(page, "overview");
  });

  it("suggests points fitted to the site's outcomes, puts them in the editor, and shows their impact before anything is saved", async () => {
    dumpOnFailure();
    // Sixty visitors of two months ago, so their 30-day horizons are over, in three groups of twenty:
    // pricing and a cart add (14 bought three days later), pricing only (8 bought), a product only (5 bought).
    const DAY = 86_400_000;
    const start = Date.now() - 60 * DAY;
    const at = (i: number, offset: number) => new Date(start + i * 60_000 + offset).toISOString();
    const batch = Array.from({ length: 60 }, (_, i) => {
      const anonymousId = `console-suggest-${String(i).padStart(2, "0")}`;
      const page = (path: string, offset: number) => ({ type: "page", anonymousId, messageId: `${anonymousId}-${path}`, timestamp: at(i, offset), properties: { url: `${worker.url}${path}` } });
      const track = (event: string, offset: number) => ({ type: "track", anonymousId, event, messageId: `${anonymousId}-${event}`, timestamp: at(i, offset) });
      const group = i % 3;
      const bought = Math.floor(i / 3) < [14, 8, 5][group]!;
      const visit = [[page("/pricing.html", 0), track("cart_add", 60_000)], [page("/pricing.html", 0)], [page("/products/grinder", 0)]][group]!;
      return bought ? [...visit, track("purchase", 3 * DAY)] : visit;
    }).flat();
    expect((await postSegment(worker.url, "/v1/batch", DEMO_WRITE_KEY, { batch })).status).toBe(200);
    const suggested = await eventually(async () => {
      const res = await fetch(`${worker.url}/v1/sites/demo/suggest`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: JSON.stringify({ model: "shop" }) });
      const body = (await res.json()) as any;
      return body.leads.decided >= 60 ? body : undefined;
    }, { what: "the sixty visitors decided in the index" });
    expect(suggested.candidate).not.toBeNull();

    await nav("Scoring");
    await page.getByLabel("Model").selectOption("shop");
    await page.getByRole("button", { name: "Suggest points" }).click();
    const panel = page.locator("[data-suggestion]");
    await panel.waitFor();
    expect(Number(await panel.getAttribute("data-auc-suggested"))).toBe(suggested.auc.suggested);
    const cart = suggested.rules.find((r: any) => r.rule === "cart-add");
    expect(Number(await panel.locator('tr[data-suggested-rule="cart-add"]').getAttribute("data-suggested"))).toBe(cart.suggested);

    // In the editor, unsaved: the first save shows its impact and saves nothing.
    const editor = page.getByLabel("Site config (JSON)");
    const before = (await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer })).headers.get("etag");
    await panel.getByRole("button", { name: "Put in the editor" }).click();
    expect(JSON.parse(await editor.inputValue())).toEqual(suggested.candidate);
    await page.getByRole("button", { name: "Save and publish" }).click();
    await page.locator("[data-impact]").waitFor();
    expect((await fetch(`${worker.url}/v1/sites/demo/config`, { headers: bearer })).headers.get("etag")).toBe(before);
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, "scoring-suggest");
    await page.getByRole("button", { name: "Discard changes" }).click();
  });

  it("signs out: the console asks for the token again and the API refuses the very same cookie", async () => {
    dumpOnFailure();
    const [cookie] = await context.cookies(worker.url);
    const withCookie = { cookie: `${cookie!.name}=${cookie!.value}` };
    expect((await fetch(`${worker.url}/v1/sites/demo/leads`, { headers: withCookie })).status).toBe(200);
    // A write riding on the cookie from another origin is refused even while the session lives.
    const crossSite = await fetch(`${worker.url}/v1/sites/demo/webhooks/inspector/dead-letters/redeliver`, { method: "POST", headers: { ...withCookie, origin: "https://evil.example", "content-type": "application/json" }, body: "{}" });
    expect(crossSite.status).toBe(403);

    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("heading", { level: 1, name: "Sign in to Leadscore" }).waitFor();
    await page.getByText("You are signed out.").waitFor();
    const after = await fetch(`${worker.url}/v1/sites/demo/leads`, { headers: withCookie });
    expect(after.status).toBe(401);
    expect((await fetch(`${worker.url}/v1/session`, { headers: withCookie })).status).toBe(401);
    await screenshot(page, "sign-in");
    // Nothing the console did on any page raised a script error or broke its Content-Security-Policy.
    expect(pageErrors).toEqual([]);
  });
});
