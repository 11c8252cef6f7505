// The real, unmodified @segment/analytics-node client, pointed at the real worker (host/path only),
// scores leads through the Segment-compatible endpoints (CONTRACT section 2).

import { Analytics } from "@segment/analytics-node";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import {
  baseVars,
  basicAuth,
  contribution,
  eventually,
  operatorApi,
  postSegment,
  removeDir,
  startReceiver,
  startWorker,
  tailLogs,
  tempDir,
  WEBHOOK_SECRET,
  type Inspector,
  type LocalWorker,
} from "../support/e2e";

const SITE = "segshop";
const WRITE_KEY = `${SITE}.wk_8c1f0a7d3e5b9264`;

/** No decay, so every expected score is exact. Points are distinct so a wrong rule shows in the sum. */
function siteConfig(hooksUrl: string) {
  return {
    writeKey: { env: "SEGSHOP_WRITE_KEY" },
    webhooks: [{ id: "crm", url: `${hooksUrl}/segment`, types: ["lead.label_changed"], secret: { env: "SEGSHOP_WEBHOOK_SECRET" } }],
    models: [
      {
        id: "b2b",
        rules: [
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 30, cap: "once" },
          // Segment's spec names map to the standard ones: "Email Opened" -> email_open, "Product Added" -> cart_add.
          { id: "email-open", event: "email_open", points: 2, cap: { max: 100 } },
          { id: "cart", event: "cart_add", points: 25, cap: { max: 100 } },
          { id: "webinar", event: "Webinar Attended", points: 7, cap: { max: 100 } },
          { id: "title", trait: "title", match: { pattern: "head|vp|director", flags: "i" }, points: 15 },
          { id: "big-company", trait: "employees", match: { gte: 200 }, points: 4 },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
      },
    ],
  };
}

/** A client configured with nothing but what the Segment docs tell a user to set. */
function client(writeKey: string, url: string, options: { flushAt?: number; maxRetries?: number } = {}) {
  return new Analytics({ writeKey, host: url, path: "/v1/batch", flushAt: options.flushAt ?? 1, flushInterval: 60_000, maxRetries: options.maxRetries ?? 0 });
}

/** The client's own per-call callback resolves once the worker answered the batch holding the call. */
function delivered(call: (cb: (err?: unknown) => void) => void): Promise<void> {
  return new Promise((resolve, reject) => call((err) => (err ? reject(err) : resolve())));
}

describe("an unmodified @segment/analytics-node client", () => {
  let worker: LocalWorker;
  let receiver: Inspector;
  let dir: string;
  const api = operatorApi(() => worker.url);

  beforeAll(async () => {
    receiver = await startReceiver();
    dir = tempDir("segment");
    worker = await startWorker({
      persistTo: dir,
      vars: baseVars(receiver, { SEGSHOP_WRITE_KEY: WRITE_KEY, SEGSHOP_WEBHOOK_SECRET: WEBHOOK_SECRET }),
    });
    const put = await api.putConfig(SITE, siteConfig(receiver.hooksUrl));
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  });

  afterAll(async () => {
    await worker?.stop();
    await receiver?.close();
    removeDir(dir);
  });

  function dumpLogsOnFailure() {
    onTestFailed(() => console.error(`--- worker log ---\n${tailLogs(worker)}`));
  }

  it("sends a track that the worker scores for the user", async () => {
    dumpLogsOnFailure();
    const analytics = client(WRITE_KEY, worker.url);
    const responses: number[] = [];
    analytics.on("http_response", (r) => responses.push(r.status));

    await delivered((cb) => analytics.track({ userId: "track@example.com", event: "Webinar Attended", properties: { topic: "espresso" } }, cb));
    await delivered((cb) => analytics.track({ userId: "track@example.com", event: "Webinar Attended", properties: { topic: "latte art" } }, cb));
    await analytics.closeAndFlush();

    expect(responses).toEqual([200, 200]);
    const lead = await api.getLead(SITE, "track@example.com");
    expect(lead.status).toBe(200);
    expect(lead.body.userId).toBe("track@example.com");
    expect(lead.body.score).toBe(14);
    expect(lead.body.label).toBe("cold");
    expect(contribution(lead.body, "webinar")).toMatchObject({ count: 2, points: 14 });
    expect(lead.body.recentEvents.map((e: any) => e.name)).toEqual(["Webinar Attended", "Webinar Attended"]);
    expect(lead.body.recentEvents.map((e: any) => e.props.topic).sort()).toEqual(["espresso", "latte art"]);
  });

  it("sends an identify whose traits the fit rules score", async () => {
    dumpLogsOnFailure();
    const analytics = client(WRITE_KEY, worker.url);
    await delivered((cb) => analytics.identify({ userId: " Grace@Example.com ", traits: { title: "Head of Operations", employees: 250, name: "Grace" } }, cb));
    await analytics.closeAndFlush();

    // An e-mail user id is one person whatever its case and spacing.
    const lead = await api.getLead(SITE, "grace@example.com");
    expect(lead.status).toBe(200);
    expect(lead.body.userId).toBe("grace@example.com");
    expect(lead.body.traits).toMatchObject({ title: "Head of Operations", employees: 250, name: "Grace", email: "grace@example.com" });
    expect(lead.body.score).toBe(19);
    expect(contribution(lead.body, "title")).toMatchObject({ kind: "fit", points: 15 });
    expect(contribution(lead.body, "big-company")).toMatchObject({ kind: "fit", points: 4 });
  });

  it("sends several calls as one batch on closeAndFlush, and the lead carries all of them", async () => {
    dumpLogsOnFailure();
    const user = "batch@example.com";
    const anonymousId = `anon-${Date.now().toString(36)}`;
    const analytics = client(WRITE_KEY, worker.url, { flushAt: 50 });
    const requests: Array<{ batch: any[] }> = [];
    const responses: number[] = [];
    analytics.on("http_request", (r) => requests.push(JSON.parse(r.body)));
    analytics.on("http_response", (r) => responses.push(r.status));
    const failures: unknown[] = [];
    analytics.on("error", (e) => failures.push(e));

    // Browsing anonymously, then identified: the anonymous history joins the known lead.
    analytics.track({ anonymousId, event: "Product Added", properties: { sku: "C1", price: 189 } });
    analytics.identify({ userId: user, anonymousId, traits: { title: "Purchasing director" } });
    analytics.page({ userId: user, name: "Pricing", properties: { path: "/pricing", url: "https://shop.example/pricing" } });
    analytics.track({ userId: user, event: "Email Opened", properties: { campaign: "spring" } });
    analytics.track({ userId: user, event: "Email Opened", properties: { campaign: "summer" } });
    // A retry of the same message (same messageId) is counted once.
    analytics.track({ userId: user, event: "Email Opened", messageId: "seg-msg-dup-1", properties: { campaign: "autumn" } });
    analytics.track({ userId: user, event: "Email Opened", messageId: "seg-msg-dup-1", properties: { campaign: "autumn" } });
    analytics.track({ userId: user, event: "Webinar Attended" });
    await analytics.closeAndFlush();

    expect(failures).toEqual([]);
    expect(responses).toEqual([200]);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.batch).toHaveLength(8);

    const lead = await api.getLead(SITE, user);
    expect(lead.status).toBe(200);
    // cart 25 + pricing 30 + 3 unique e-mail opens x 2 + webinar 7 + title 15
    expect(lead.body.score).toBe(83);
    expect(lead.body.label).toBe("hot");
    expect(lead.body.anonymousIds).toContain(anonymousId);
    expect(contribution(lead.body, "cart")).toMatchObject({ count: 1, points: 25 });
    expect(contribution(lead.body, "pricing")).toMatchObject({ count: 1, points: 30 });
    expect(contribution(lead.body, "email-open")).toMatchObject({ count: 3, points: 6 });
    expect(contribution(lead.body, "webinar")).toMatchObject({ count: 1, points: 7 });
    expect(contribution(lead.body, "title")).toMatchObject({ points: 15 });
    expect(lead.body.recentEvents.filter((e: any) => e.id === "seg-msg-dup-1")).toHaveLength(1);

    // The anonymous id now answers with the known lead.
    const viaAnonymous = await api.getLead(SITE, anonymousId);
    expect(viaAnonymous.status).toBe(200);
    expect(viaAnonymous.body.id).toBe(lead.body.id);

    // Server-side events move labels like browser ones: the CRM hears the lead went hot, signed.
    const hook = await receiver.waitFor((h) => h.type === "lead.label_changed" && h.payload?.data?.lead?.userId === user && h.payload?.data?.current === "hot");
    expect(hook.verified).toBe(true);
    expect(hook.payload.data.site).toBe(SITE);
  });

  it("is refused with 401 when its write key is wrong, and nothing is stored", async () => {
    dumpLogsOnFailure();
    const badKey = `${SITE}.wk_not-the-secret`;
    const analytics = client(badKey, worker.url, { maxRetries: 3 });
    const statuses: number[] = [];
    const errors: any[] = [];
    analytics.on("http_response", (r) => statuses.push(r.status));
    analytics.on("error", (e) => errors.push(e));

    const result = await new Promise<unknown>((resolve) => analytics.track({ userId: "intruder@example.com", event: "Webinar Attended" }, (err) => resolve(err)));
    await analytics.closeAndFlush();

    // 401 is final for the client: one request, no retries, a delivery failure on its error emitter.
    expect(statuses).toEqual([401]);
    expect(String(result)).toContain("401");
    expect(errors).toHaveLength(1);
    expect(errors[0].code).toBe("delivery_failure");
    expect(String(errors[0].reason)).toContain("401");

    // The same Basic auth form by hand: the contract's error body and Basic's challenge.
    const raw = await postSegment(worker.url, "/v1/track", badKey, { userId: "intruder@example.com", event: "Webinar Attended" });
    expect(raw.status).toBe(401);
    expect(raw.headers.get("www-authenticate")).toMatch(/^Basic/);
    expect(((await raw.json()) as any).error.code).toBe("unauthorized");

    // The public site id alone, or a key for a site that does not exist, is not a write key either.
    for (const key of [SITE, "nosuchsite.wk_8c1f0a7d3e5b9264"]) {
      const res = await fetch(`${worker.url}/v1/batch`, {
        method: "POST",
        headers: { authorization: basicAuth(key), "content-type": "application/json" },
        body: JSON.stringify({ batch: [{ type: "track", userId: "intruder@example.com", event: "Webinar Attended" }] }),
      });
      expect(res.status, key).toBe(401);
    }

    const lead = await api.getLead(SITE, "intruder@example.com");
    expect(lead.status).toBe(404);
  });

  it("keeps working for the right key right after a refused one (no state leaks between clients)", async () => {
    dumpLogsOnFailure();
    const analytics = client(WRITE_KEY, worker.url);
    await delivered((cb) => analytics.track({ userId: "intruder@example.com", event: "Email Opened" }, cb));
    await analytics.closeAndFlush();
    const lead = await eventually(async () => {
      const r = await api.getLead(SITE, "intruder@example.com");
      return r.status === 200 && r.body;
    }, { what: "the lead exists" });
    expect(lead.score).toBe(2);
  });
});
