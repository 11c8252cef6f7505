import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverWebhook, parseRetryAfter, USER_AGENT, type DeliverWebhookInput } from "../../../worker/webhooks/deliver";
import { buildWebhookBody, newMessageId } from "../../../worker/webhooks/payload";
import { generateSecret } from "../../../worker/webhooks/sign";
import { closedPort, startLocalReceiver, type LocalReceiver } from "./local-receiver";

const SECRET = generateSecret();
const NEXT_SECRET = generateSecret();
const BODY = buildWebhookBody({
  type: "lead.label_changed",
  at: Date.UTC(2025, 0, 1),
  data: {
    site: "demo",
    lead: { id: "lead_1", anonymousIds: ["anon_1"], score: 61, label: "hot", stage: "MOFU", traits: {} },
    previous: "warm",
    current: "hot",
    direction: "up",
    cause: { kind: "decay" },
    topContributions: [{ rule: "pricing_view", points: 20 }],
  },
});

let receiver: LocalReceiver;

beforeAll(async () => {
  receiver = await startLocalReceiver({
    "/ok": (res) => res.writeHead(204).end(),
    "/error": (res) => res.writeHead(500).end("boom"),
    "/gone": (res) => res.writeHead(410).end(),
    "/unauthorized": (res) => res.writeHead(401).end(),
    "/busy": (res) => res.writeHead(429, { "retry-after": "120" }).end(),
    "/busy-until": (res) => res.writeHead(503, { "retry-after": new Date(Date.now() + 90_000).toUTCString() }).end(),
    "/busy-no-header": (res) => res.writeHead(429).end(),
    "/unavailable": (res) => res.writeHead(503).end(),
    "/busy-for-a-year": (res) => res.writeHead(429, { "retry-after": String(365 * 86_400) }).end(),
    "/error-with-retry-after": (res) => res.writeHead(500, { "retry-after": "7" }).end(),
    "/redirect": (res) => res.writeHead(302, { location: "/ok" }).end(),
    // Never answers: the request stays open until the client gives up.
    "/hang": () => undefined,
  });
});

afterAll(() => receiver.close());

function attempt(path: string, overrides: Partial<DeliverWebhookInput> = {}) {
  return deliverWebhook({
    url: receiver.url(path),
    secrets: [SECRET],
    message: { id: newMessageId(Date.now()), body: BODY, type: "lead.label_changed" },
    now: Date.now(),
    fetch,
    allowHosts: [receiver.host],
    ...overrides,
  });
}

function lastRequestTo(path: string) {
  return receiver.received.filter((r) => r.path === path).at(-1);
}

describe("deliverWebhook against a real local server", () => {
  it("delivers on 2xx a signed POST that the reference package verifies", async () => {
    const result = await attempt("/ok");
    expect(result).toMatchObject({ outcome: "delivered", status: 204 });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const request = lastRequestTo("/ok")!;
    expect(request.method).toBe("POST");
    expect(request.body).toBe(BODY);
    expect(request.headers["content-type"]).toBe("application/json");
    expect(request.headers["user-agent"]).toBe(USER_AGENT);
    expect(new Webhook(SECRET).verify(request.body, request.headers as Record<string, string>)).toEqual(JSON.parse(BODY));
  });

  it("signs with both secrets during a rotation", async () => {
    await attempt("/ok", { secrets: [SECRET, NEXT_SECRET] });
    const request = lastRequestTo("/ok")!;
    for (const secret of [SECRET, NEXT_SECRET]) {
      expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    }
  });

  it("keeps the webhook-id and refreshes the timestamp across retries of one message", async () => {
    const message = { id: newMessageId(Date.now()), body: BODY, type: "lead.label_changed" };
    const first = Date.now();
    expect((await attempt("/error", { message, now: first })).outcome).toBe("retry");
    const failed = lastRequestTo("/error")!;
    expect((await attempt("/ok", { message, now: first + 65_000 })).outcome).toBe("delivered");
    const retried = lastRequestTo("/ok")!;
    expect(retried.headers["webhook-id"]).toBe(message.id);
    expect(failed.headers["webhook-id"]).toBe(message.id);
    expect(Number(retried.headers["webhook-timestamp"]) - Number(failed.headers["webhook-timestamp"])).toBe(65);
    expect(retried.headers["webhook-signature"]).not.toBe(failed.headers["webhook-signature"]);
  });

  it("retries on 500", async () => {
    expect(await attempt("/error")).toMatchObject({ outcome: "retry", status: 500, error: "HTTP 500" });
  });

  it("retries on a 4xx too, as Standard Webhooks asks", async () => {
    expect(await attempt("/unauthorized")).toMatchObject({ outcome: "retry", status: 401 });
  });

  it("reports Retry-After on 429", async () => {
    expect(await attempt("/busy")).toMatchObject({ outcome: "retry", status: 429, retryAfterMs: 120_000 });
  });

  it("reads Retry-After as an HTTP date", async () => {
    const result = await attempt("/busy-until");
    // toUTCString drops the milliseconds, so the wait is 89-90 s.
    expect(result).toMatchObject({ outcome: "retry", status: 503 });
    expect(result.retryAfterMs).toBeGreaterThan(88_000);
    expect(result.retryAfterMs).toBeLessThanOrEqual(90_000);
  });

  it("slows down on 429 and 503: at least twice the caller's next delay, or the receiver's ask if longer", async () => {
    expect(await attempt("/busy-no-header", { nextDelayMs: 300_000 })).toMatchObject({ status: 429, retryAfterMs: 2 * 300_000 });
    expect(await attempt("/unavailable", { nextDelayMs: 5_000 })).toMatchObject({ status: 503, retryAfterMs: 2 * 5_000 });
    expect(await attempt("/busy", { nextDelayMs: 5_000 })).toMatchObject({ retryAfterMs: 120_000 });
    expect(await attempt("/busy", { nextDelayMs: 300_000 })).toMatchObject({ retryAfterMs: 2 * 300_000 });
  });

  it("cuts a Retry-After to a day, honours it on other statuses, and adds nothing without one", async () => {
    expect(await attempt("/busy-for-a-year")).toMatchObject({ retryAfterMs: 24 * 60 * 60 * 1000 });
    expect(await attempt("/error-with-retry-after", { nextDelayMs: 5_000 })).toMatchObject({ status: 500, retryAfterMs: 7_000 });
    expect((await attempt("/error", { nextDelayMs: 5_000 })).retryAfterMs).toBeUndefined();
  });

  it("reports gone on 410, so the caller can disable the endpoint", async () => {
    expect(await attempt("/gone")).toMatchObject({ outcome: "gone", status: 410 });
  });

  it("does not follow a redirect, and retries", async () => {
    const before = receiver.received.filter((r) => r.path === "/ok").length;
    const result = await attempt("/redirect");
    expect(result).toMatchObject({ outcome: "retry", status: 302 });
    expect(result.error).toMatch(/redirect to \/ok not followed/);
    expect(receiver.received.filter((r) => r.path === "/ok").length).toBe(before);
  });

  it("gives up on a server that does not answer in time, and retries", async () => {
    const result = await attempt("/hang", { timeoutMs: 200 });
    expect(result).toMatchObject({ outcome: "retry", error: "timed out after 200 ms" });
    expect(result.status).toBeUndefined();
  });

  it("retries when the connection is refused", async () => {
    const port = await closedPort();
    const result = await attempt("/ok", { url: `http://127.0.0.1:${port}/ok`, allowHosts: [`127.0.0.1:${port}`] });
    expect(result.outcome).toBe("retry");
    expect(result.error).toMatch(/ECONNREFUSED/);
  });

  it("sends nothing and says rejected when the URL policy refuses the URL", async () => {
    const count = receiver.received.length;
    const result = await attempt("/ok", { allowHosts: [] });
    expect(result).toMatchObject({ outcome: "rejected", error: expect.stringMatching(/URL not allowed: only https/) });
    expect(receiver.received.length).toBe(count);
  });

  it("sends nothing and says rejected for a port outside 443, 80 and 8443 unless the host:port is allow-listed", async () => {
    const count = receiver.received.length;
    const result = await attempt("/ok", { allowHosts: [] , url: "https://hooks.example.com:22/ok" });
    expect(result).toMatchObject({ outcome: "rejected", error: expect.stringMatching(/URL not allowed: port 22/) });
    expect(receiver.received.length).toBe(count);
  });

  it("sends nothing and says rejected when a secret is malformed", async () => {
    const count = receiver.received.length;
    const result = await attempt("/ok", { secrets: ["whsec_tooshort"] });
    expect(result).toMatchObject({ outcome: "rejected", error: expect.stringMatching(/cannot sign/) });
    expect(receiver.received.length).toBe(count);
  });

  it("never throws, even when fetch itself throws synchronously", async () => {
    const throwingFetch = (() => {
      throw new TypeError("bad fetch");
    }) as unknown as typeof fetch;
    expect(await attempt("/ok", { fetch: throwingFetch })).toMatchObject({ outcome: "retry", error: "bad fetch" });
  });
});

describe("parseRetryAfter", () => {
  const NOW = Date.UTC(2026, 9, 21, 7, 0, 0);
  it.each([
    ["120", 120_000],
    [" 0 ", 0],
    ["Wed, 21 Oct 2026 07:28:00 GMT", 28 * 60_000],
    ["Wednesday, 21-Oct-26 07:28:00 GMT", 28 * 60_000],
    ["Tue, 20 Oct 2026 07:00:00 GMT", 0],
    ["-5", undefined],
    ["1.5", undefined],
    ["soon", undefined],
    ["2026-10-21T08:00:00Z", undefined],
    [null, undefined],
  ])("reads %j as %j ms", (value, expected) => expect(parseRetryAfter(value, NOW)).toBe(expected));
});
