// The two other server-side SDKs people point at a Segment-compatible endpoint, unmodified, against the
// real worker: RudderStack's Node SDK (v3, the worker as its data plane; it gzips every batch and its
// axios labels the body application/x-www-form-urlencoded) and the classic Segment `analytics-node` 6
// (plain JSON). Their identify and track reach a lead that scores, read back through the operator API.
// A recording proxy in front of the worker shows what each SDK really put on the wire.

import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import RudderAnalytics from "@rudderstack/rudder-sdk-node";
// analytics-node 6 ships no type declarations; its API is the one its README documents.
// @ts-ignore
import ClassicAnalytics from "analytics-node";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { ADMIN_TOKEN, contribution, operatorApi, removeDir, startWorker, tailLogs, tempDir, type LocalWorker } from "../support/e2e";

const SITE = "sdkshop";
const WRITE_KEY = `${SITE}.wk_3a9d0c5e7f1b2468`;

/** No decay and no caps that bind, so expected scores are exact sums. */
const CONFIG = {
  writeKey: { env: "SDKSHOP_WRITE_KEY" },
  models: [
    {
      id: "b2b",
      rules: [
        { id: "cart", event: "cart_add", points: 25, cap: { max: 100 } },
        { id: "webinar", event: "Webinar Attended", points: 7, cap: { max: 100 } },
        { id: "title", trait: "title", match: { pattern: "head|vp|director", flags: "i" }, points: 15 },
        { id: "size", trait: "companySize", match: { gte: 200 }, points: 4 },
      ],
      labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
    },
  ],
};

interface Seen {
  path: string;
  encoding?: string;
  contentType?: string;
  status: number;
}

/** Forwards every request to the worker byte for byte, and records its headers and the answer's status. */
function startRecordingProxy(target: () => string): Promise<{ url: string; seen: Seen[]; close(): void }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const upstream = httpRequest(new URL(req.url!, target()), { method: req.method, headers: req.headers }, (answer) => {
      seen.push({ path: req.url!, encoding: req.headers["content-encoding"], contentType: req.headers["content-type"], status: answer.statusCode! });
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => server.close() })),
  );
}

describe("unmodified server-side SDKs other than @segment/analytics-node", () => {
  let worker: LocalWorker;
  let proxy: Awaited<ReturnType<typeof startRecordingProxy>>;
  let dir: string;
  const api = operatorApi(() => worker.url);

  beforeAll(async () => {
    dir = tempDir("sdks");
    worker = await startWorker({ persistTo: dir, vars: { ADMIN_TOKEN, SDKSHOP_WRITE_KEY: WRITE_KEY } });
    const put = await api.putConfig(SITE, CONFIG);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    proxy = await startRecordingProxy(() => worker.url);
  });

  afterAll(async () => {
    proxy?.close();
    await worker?.stop();
    removeDir(dir);
  });

  it("RudderStack's Node SDK: a gzip batch labelled x-www-form-urlencoded, identify and track scored", async () => {
    onTestFailed(() => console.error(`--- worker log ---\n${tailLogs(worker)}\n--- proxy ---\n${JSON.stringify(proxy.seen)}`));
    const user = "rudder@example.com";
    const errors: unknown[] = [];
    // What RudderStack's docs tell a user to set: the write key and the data plane URL.
    const client = new RudderAnalytics(WRITE_KEY, { dataPlaneUrl: proxy.url, flushAt: 20, flushInterval: 60_000, retryCount: 0, logLevel: "error", errorHandler: (e) => errors.push(e) });
    const before = proxy.seen.length;
    client.identify({ userId: user, traits: { title: "VP Sales", companySize: 250 } });
    client.track({ userId: user, event: "Product Added", properties: { sku: "C1" } });
    client.track({ userId: user, event: "Webinar Attended" });
    await client.flush();

    expect(errors).toEqual([]);
    // The SDK sends its first call at once and the rest on flush: one or more batches, each gzipped.
    const sent = proxy.seen.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const request of sent) {
      expect(request).toEqual({ path: "/v1/batch", encoding: "gzip", contentType: expect.stringMatching(/^application\/x-www-form-urlencoded/), status: 200 });
    }
    const lead = (await api.getLead(SITE, user)).body;
    expect(lead.traits).toMatchObject({ title: "VP Sales", companySize: 250 });
    expect(lead.score).toBe(15 + 4 + 25 + 7);
    expect(contribution(lead, "cart")).toMatchObject({ count: 1, points: 25 });
    expect(contribution(lead, "webinar")).toMatchObject({ count: 1, points: 7 });
  });

  it("the classic analytics-node 6: identify and track scored", async () => {
    onTestFailed(() => console.error(`--- worker log ---\n${tailLogs(worker)}\n--- proxy ---\n${JSON.stringify(proxy.seen)}`));
    const user = "classic@example.com";
    const errors: unknown[] = [];
    const client = new ClassicAnalytics(WRITE_KEY, { host: proxy.url, flushAt: 20, flushInterval: 60_000, errorHandler: (e: unknown) => errors.push(e) });
    const before = proxy.seen.length;
    client.identify({ userId: user, traits: { title: "Head of IT", companySize: 1200 } });
    client.track({ userId: user, event: "Product Added" });
    await client.flush();

    expect(errors).toEqual([]);
    const sent = proxy.seen.slice(before);
    expect(sent.length).toBeGreaterThanOrEqual(1);
    for (const request of sent) expect(request).toEqual({ path: "/v1/batch", encoding: undefined, contentType: expect.stringMatching(/^application\/json/), status: 200 });
    const lead = await api.getLead(SITE, user);
    expect(lead.status).toBe(200);
    expect(lead.body.score).toBe(15 + 4 + 25);
    expect(contribution(lead.body, "title")).toMatchObject({ kind: "fit", points: 15 });
  });
});
