import { randomBytes } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
// scripts/*.mjs are plain JS and tsconfig has no allowJs: the import is untyped on purpose.
// @ts-ignore
import { startInspector, summarize } from "../../../scripts/inspector.mjs";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;

interface Inspector {
  url: string;
  hooksUrl: string;
  received: any[];
  waitFor(predicate: (hook: any) => boolean, options?: { timeoutMs?: number }): Promise<any>;
  clear(): void;
  close(): Promise<void>;
}

function labelChanged(overrides: Record<string, unknown> = {}) {
  return {
    type: "lead.label_changed",
    timestamp: "2026-11-23T10:00:00.000Z",
    data: {
      site: "demo",
      lead: { id: "lead_123", userId: "ada@example.com", anonymousIds: ["anon1"], score: 61.5, label: "hot", stage: "mql", traits: {} },
      previous: "warm",
      current: "hot",
      cause: { type: "event", event: { name: "cart_add" } },
      ...overrides,
    },
  };
}

/** Signs like a Standard Webhooks sender does and POSTs to the inspector. */
async function deliver(url: string, body: string, { id = `msg_${randomBytes(8).toString("hex")}`, secret = SECRET, date = new Date() } = {}) {
  const signature = new Webhook(secret).sign(id, date, body);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(date.getTime() / 1000)),
      "webhook-signature": signature,
    },
    body,
  });
}

describe("webhook inspector", () => {
  let inspector: Inspector;
  beforeEach(async () => {
    inspector = await startInspector({ port: 0, secret: SECRET });
  });
  afterEach(async () => {
    await inspector.close();
  });

  it("verifies a message signed with the standardwebhooks package and answers 204", async () => {
    const body = JSON.stringify(labelChanged());
    const res = await deliver(inspector.hooksUrl, body, { id: "msg_valid" });
    expect(res.status).toBe(204);
    expect(inspector.received).toHaveLength(1);
    const hook = inspector.received[0];
    expect(hook).toMatchObject({ id: "msg_valid", attempts: 1, verified: true, error: null, type: "lead.label_changed", status: 204 });
    expect(hook.summary).toEqual({ site: "demo", leadId: "lead_123", userId: "ada@example.com", previous: "warm", current: "hot", score: 61.5, cause: "cart_add", promo: undefined });
    expect(hook.headers["webhook-id"]).toBe("msg_valid");
    expect(hook.payload).toEqual(labelChanged());
  });

  it("accepts any path under /hooks", async () => {
    const res = await deliver(`${inspector.hooksUrl}/crm/leads`, JSON.stringify(labelChanged()));
    expect(res.status).toBe(204);
    expect(inspector.received[0].path).toBe("/hooks/crm/leads");
  });

  it("rejects a tampered body with 400 and records why", async () => {
    const body = JSON.stringify(labelChanged());
    const id = "msg_tampered";
    const date = new Date();
    const signature = new Webhook(SECRET).sign(id, date, body);
    const res = await fetch(inspector.hooksUrl, {
      method: "POST",
      headers: { "webhook-id": id, "webhook-timestamp": String(Math.floor(date.getTime() / 1000)), "webhook-signature": signature },
      body: body.replace('"hot"', '"cold"'),
    });
    expect(res.status).toBe(400);
    const answer = (await res.json()) as { error: { code: string } };
    expect(answer.error.code).toBe("invalid_signature");
    expect(inspector.received[0]).toMatchObject({ id, verified: false, status: 400 });
    expect(inspector.received[0].error).toMatch(/signature/i);
  });

  it("rejects a message signed with another secret", async () => {
    const other = `whsec_${randomBytes(24).toString("base64")}`;
    const res = await deliver(inspector.hooksUrl, JSON.stringify(labelChanged()), { secret: other });
    expect(res.status).toBe(400);
    expect(inspector.received[0].verified).toBe(false);
  });

  it("rejects a message whose signature headers are missing", async () => {
    const res = await fetch(inspector.hooksUrl, { method: "POST", body: JSON.stringify(labelChanged()) });
    expect(res.status).toBe(400);
    expect(inspector.received[0]).toMatchObject({ verified: false });
    expect(inspector.received[0].error).toMatch(/missing/i);
  });

  it("shows a retried message once, counting its attempts", async () => {
    const body = JSON.stringify(labelChanged());
    const first = new Date(Date.now() - 60_000);
    expect((await deliver(inspector.hooksUrl, body, { id: "msg_retry", date: first })).status).toBe(204);
    expect((await deliver(inspector.hooksUrl, body, { id: "msg_retry" })).status).toBe(204);
    expect((await deliver(inspector.hooksUrl, body, { id: "msg_other" })).status).toBe(204);
    expect(inspector.received.map((h) => [h.id, h.attempts])).toEqual([
      ["msg_retry", 2],
      ["msg_other", 1],
    ]);
    expect(inspector.received[0].history).toHaveLength(2);
  });

  it("lists webhooks on /api/hooks, newest first", async () => {
    await deliver(inspector.hooksUrl, JSON.stringify(labelChanged()), { id: "msg_1" });
    await new Promise((r) => setTimeout(r, 5));
    await deliver(inspector.hooksUrl, JSON.stringify({ type: "lead.promo_issued", timestamp: "2026-11-23T10:00:01.000Z", data: { lead: { id: "lead_123" }, promo: { code: "HOT-1" } } }), { id: "msg_2" });
    const res = await fetch(`${inspector.url}/api/hooks`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const list = (await res.json()) as { id: string; type: string; verified: boolean }[];
    expect(list.map((h) => [h.id, h.type, h.verified])).toEqual([
      ["msg_2", "lead.promo_issued", true],
      ["msg_1", "lead.label_changed", true],
    ]);
  });

  it("clears the list on DELETE /api/hooks", async () => {
    await deliver(inspector.hooksUrl, JSON.stringify(labelChanged()));
    expect((await fetch(`${inspector.url}/api/hooks`, { method: "DELETE" })).status).toBe(204);
    expect(await (await fetch(`${inspector.url}/api/hooks`)).json()).toEqual([]);
  });

  it("serves an HTML page that polls /api/hooks and renders payloads as text", async () => {
    const res = await fetch(`${inspector.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await res.text();
    expect(html).toContain("/api/hooks");
    expect(html).toContain("verified");
    expect(html).not.toContain("innerHTML");
  });

  it("waitFor resolves with a webhook that arrives later", async () => {
    const waiting = inspector.waitFor((h) => h.summary.current === "hot");
    await deliver(inspector.hooksUrl, JSON.stringify(labelChanged({ previous: "cold", current: "warm" })));
    await deliver(inspector.hooksUrl, JSON.stringify(labelChanged()), { id: "msg_hot" });
    expect((await waiting).id).toBe("msg_hot");
  });

  it("answers 404 for other paths and methods", async () => {
    expect((await fetch(`${inspector.url}/elsewhere`, { method: "POST", body: "{}" })).status).toBe(404);
    expect((await fetch(`${inspector.hooksUrl}`)).status).toBe(404);
  });
});

describe("webhook inspector options", () => {
  it("answers what respond() says, e.g. 500 to make the sender retry", async () => {
    let calls = 0;
    const inspector: Inspector = await startInspector({ port: 0, secret: SECRET, respond: () => (++calls === 1 ? 500 : undefined) });
    try {
      const body = JSON.stringify(labelChanged());
      expect((await deliver(inspector.hooksUrl, body, { id: "msg_flaky" })).status).toBe(500);
      expect((await deliver(inspector.hooksUrl, body, { id: "msg_flaky" })).status).toBe(204);
      expect(inspector.received[0].history.map((h: { status: number }) => h.status)).toEqual([500, 204]);
    } finally {
      await inspector.close();
    }
  });

  it("accepts but marks as unchecked when no secret is configured", async () => {
    const inspector: Inspector = await startInspector({ port: 0 });
    try {
      expect((await deliver(inspector.hooksUrl, JSON.stringify(labelChanged()))).status).toBe(204);
      expect(inspector.received[0].verified).toBeNull();
    } finally {
      await inspector.close();
    }
  });
});

describe("summarize", () => {
  it("tolerates bodies it does not understand", () => {
    expect(summarize(null)).toEqual({});
    expect(summarize({ type: "x" })).toEqual({});
    expect(summarize({ data: { cause: "decay", from: "hot", to: "warm" } })).toMatchObject({ cause: "decay", previous: "hot", current: "warm" });
    expect(summarize({ data: { lead: { id: "l1" }, promo: { code: "HOT-1" } } })).toMatchObject({ leadId: "l1", promo: "HOT-1" });
  });
});
