import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { adminFetch, env, eventually, getLead, outboxDrained, putConfig, received, scriptChannel, send, shopConfig, uniqueSite, wire } from "./helpers";

/** Each quote request is a fresh, uncapped 70 points: hot at once, then (with decay) cold again. */
function crossingConfig(site: string, model: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return shopConfig(site, extra, { rules: [{ id: "quote", event: "quote_request", points: 70 }, { id: "cart", event: "cart_add", points: 5 }], ...model });
}

const verify = (h: { body: string; headers: Record<string, string> }) => new Webhook(env.TEST_WEBHOOK_SECRET).verify(h.body, h.headers) as any;

/**
 * An endpoint that answers 410 to a first crossing, then a second lead's crossing while it is
 * disabled: answers both dead letters.
 */
async function goneTwice(site: string, visitor: string): Promise<any[]> {
  await scriptChannel(site, { status: 410 });
  await putConfig(site, crossingConfig(site));
  await send(site, `${visitor}-001`, [wire("t", "quote_request")]);
  await eventually(async () => ((await received(site)).length === 1 ? true : undefined));
  await send(site, `${visitor}-002`, [wire("t", "quote_request")]);
  return eventually(async () => {
    const res = (await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any;
    return res.deadLetters.length >= 2 ? res.deadLetters : undefined;
  });
}

describe("webhook delivery", () => {
  it("retries a failing receiver with the same webhook-id until it accepts; a deduplicating receiver processes each once", async () => {
    const site = uniqueSite();
    await scriptChannel(site, { failFirst: 3 });
    await putConfig(site, crossingConfig(site));
    await send(site, "visitor-retry-01", [wire("t", "quote_request")]);
    await send(site, "visitor-retry-02", [wire("t", "quote_request")]);

    const log = await eventually(async () => {
      const all = await received(site);
      return all.filter((h) => h.status === 204).length >= 2 ? all : undefined;
    });
    // Three failed attempts, then each message once; ids repeat only across retries of one message.
    expect(log.filter((h) => h.status !== 204)).toHaveLength(3);
    const processed = new Map<string, unknown>();
    for (const h of log) if (h.status === 204 && !processed.has(h.headers["webhook-id"]!)) processed.set(h.headers["webhook-id"]!, verify(h));
    expect(processed.size).toBe(2);
    const attemptsById = Map.groupBy(log, (h) => h.headers["webhook-id"]);
    expect([...attemptsById.values()].map((a) => a.length).reduce((x, y) => x + y)).toBe(5);
    for (const attempts of attemptsById.values()) expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
  });

  it("keeps a message that exhausts its retries as a dead letter, and redelivers it on request", async () => {
    const site = uniqueSite();
    await scriptChannel(site, { status: 500 });
    await putConfig(site, crossingConfig(site));
    await send(site, "visitor-dead-001", [wire("t", "quote_request")]);

    const letters = await eventually(async () => {
      const res = (await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any;
      return res.deadLetters.length ? res.deadLetters : undefined;
    }, 25_000);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ endpointId: "main", type: "lead.label_changed", attempts: 8, lastError: expect.stringContaining("500") });
    expect((await received(site)).length).toBe(8);

    await scriptChannel(site, {});
    const redeliver = await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters/redeliver`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ all: true }) });
    expect(((await redeliver.json()) as any).redelivering).toBe(1);
    const ok = await eventually(async () => (await received(site)).find((h) => h.status === 204));
    expect(ok.headers["webhook-id"]).toBe(letters[0].messageId);
    expect(verify(ok).data.current).toBe("hot");
    const after = (await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any;
    expect(after.deadLetters).toHaveLength(0);
  }, 40_000);

  it("never stalls: every message to a receiver that always fails is dead-lettered after all 8 attempts, once", async () => {
    const site = uniqueSite();
    await scriptChannel(site, { status: 500 });
    await putConfig(site, crossingConfig(site));
    // Several leads at once, and one of them sends again while its message is retrying.
    await Promise.all(["visitor-stall-01", "visitor-stall-02", "visitor-stall-03"].map((v) => send(site, v, [wire("t", "quote_request")])));
    await send(site, "visitor-stall-01", [wire("t", "cart_add")]);
    const letters = await eventually(async () => {
      const res = (await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any;
      return res.deadLetters.length >= 3 ? res.deadLetters : undefined;
    }, 25_000);
    for (const v of ["visitor-stall-01", "visitor-stall-02", "visitor-stall-03"]) await outboxDrained(site, v);
    expect(letters.map((l: any) => l.attempts)).toEqual([8, 8, 8]);
    expect(new Set(letters.map((l: any) => l.messageId)).size).toBe(3);
    const attempts = Map.groupBy(await received(site), (h) => h.headers["webhook-id"]);
    expect([...attempts.values()].map((a) => a.length)).toEqual([8, 8, 8]);
  }, 40_000);

  it("disables an endpoint that answers 410 Gone and sends it nothing more", async () => {
    const site = uniqueSite();
    const letters = await goneTwice(site, "visitor-gone");
    expect(letters.map((l: any) => l.lastError).join(" ")).toContain("410");
    expect(await received(site)).toHaveLength(1);
  });

  it("re-enables a disabled endpoint and redelivers what it missed in the same call", async () => {
    const site = uniqueSite();
    const letters = await goneTwice(site, "visitor-back");

    await scriptChannel(site, {});
    const res = await adminFetch(`/v1/sites/${site}/webhooks/main/enable`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ redeliverMissed: true }) });
    expect(res.status).toBe(200);
    const enabled = (await res.json()) as any;
    expect(enabled).toMatchObject({ endpoint: "main", enabled: true, disabledAt: expect.any(Number), reason: "410 Gone", redelivering: letters.length });
    expect(enabled.missed.map((l: any) => l.messageId).sort()).toEqual(letters.map((l: any) => l.messageId).sort());

    const delivered = await eventually(async () => {
      const ok = (await received(site)).filter((h) => h.status === 204);
      return ok.length === letters.length ? ok : undefined;
    });
    expect(delivered.map((h) => h.headers["webhook-id"]).sort()).toEqual(letters.map((l: any) => l.messageId).sort());
    expect(((await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any).deadLetters).toEqual([]);

    // Enabled again: a new crossing goes out as usual.
    await send(site, "visitor-back-003", [wire("t", "quote_request")]);
    await eventually(async () => ((await received(site)).filter((h) => h.status === 204).length === letters.length + 1 ? true : undefined));
  });

  it("lists what an endpoint missed when it is re-enabled without redelivery, and answers 404 for an unknown endpoint", async () => {
    const site = uniqueSite();
    await scriptChannel(site, { status: 410 });
    await putConfig(site, crossingConfig(site));
    await send(site, "visitor-list-001", [wire("t", "quote_request")]);
    await eventually(async () => (((await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any).deadLetters.length === 1 ? true : undefined));

    const res = await adminFetch(`/v1/sites/${site}/webhooks/main/enable`, { method: "POST" });
    const enabled = (await res.json()) as any;
    expect(enabled).toMatchObject({ enabled: true, reason: "410 Gone", redelivering: 0 });
    expect(enabled.missed).toHaveLength(1);
    expect(((await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any).deadLetters).toHaveLength(1);
    // A browser's bodyless POST (an empty body, Content-Length: 0) only enables too.
    expect((await adminFetch(`/v1/sites/${site}/webhooks/main/enable`, { method: "POST", body: "", headers: { "content-length": "0" } })).status).toBe(200);
    // Enabling an endpoint that is not disabled changes nothing and misses nothing.
    expect(await (await adminFetch(`/v1/sites/${site}/webhooks/main/enable`, { method: "POST" })).json()).toMatchObject({ disabledAt: null, missed: [], redelivering: 0 });
    expect((await adminFetch(`/v1/sites/${site}/webhooks/nope/enable`, { method: "POST" })).status).toBe(404);
    const typo = await adminFetch(`/v1/sites/${site}/webhooks/main/enable`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ redeliverMised: true }) });
    expect(typo.status).toBe(400);
  });

  it("redelivers only what the body names: a missing, mistyped or chunked body never means all", async () => {
    const site = uniqueSite();
    await scriptChannel(site, { status: 410 });
    await putConfig(site, crossingConfig(site));
    await send(site, "visitor-strict-01", [wire("t", "quote_request")]);
    const [letter] = await eventually(async () => {
      const res = (await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any;
      return res.deadLetters.length === 1 ? res.deadLetters : undefined;
    });
    const url = `/v1/sites/${site}/webhooks/main/dead-letters/redeliver`;
    const json = { "content-type": "application/json" };
    const refused: Array<[string, RequestInit, number]> = [
      ["no body", { method: "POST" }, 415],
      ["an empty JSON body", { method: "POST", headers: json }, 400],
      ["an empty object", { method: "POST", headers: json, body: "{}" }, 400],
      ["a mistyped key", { method: "POST", headers: json, body: JSON.stringify({ messageID: [letter.messageId] }) }, 400],
      ["all as a string", { method: "POST", headers: json, body: JSON.stringify({ all: "yes" }) }, 400],
      ["all and ids at once", { method: "POST", headers: json, body: JSON.stringify({ all: true, messageIds: [letter.messageId] }) }, 400],
      ["an empty id list", { method: "POST", headers: json, body: JSON.stringify({ messageIds: [] }) }, 400],
    ];
    for (const [what, init, status] of refused) {
      const res = await adminFetch(url, init);
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as any).error.code, what).toEqual(expect.any(String));
    }
    // A chunked body (no Content-Length) naming another message redelivers that one only: none here.
    const chunked = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"messageIds":'));
        controller.enqueue(new TextEncoder().encode('["msg_not_this_one"]}'));
        controller.close();
      },
    });
    const named = await adminFetch(url, { method: "POST", headers: json, body: chunked });
    expect(await named.json()).toEqual({ redelivering: 0 });
    const still = ((await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any).deadLetters;
    expect(still.map((l: any) => l.messageId)).toEqual([letter.messageId]);
  });
});

describe("promo codes", () => {
  it("issues one code to a lead with a cart crossing into hot three times: one webhook, one collect answer", async () => {
    const site = uniqueSite();
    await putConfig(site, crossingConfig(site, { decay: { halfLife: "1s" } }, { promo: { label: "hot", requireEvent: "cart_add", prefix: "HOT-" } }));
    const codes: string[] = [];
    for (let crossing = 1; crossing <= 3; crossing++) {
      const res = await send(site, "visitor-promo-01", [wire("t", "cart_add"), wire("t", "quote_request")]);
      expect(res.body.lead.label).toBe("hot");
      codes.push(...res.body.actions.filter((a: any) => a.type === "promo").map((a: any) => a.code));
      // Wait for the cool-down webhook, so the next batch is a fresh crossing into hot.
      await eventually(async () => ((await received(site)).map(verify).filter((p) => p.type === "lead.label_changed" && p.data.direction === "down" && p.data.previous === "hot").length >= crossing ? true : undefined));
    }
    const hooks = (await received(site)).map(verify);
    expect(hooks.filter((p) => p.type === "lead.label_changed" && p.data.current === "hot")).toHaveLength(3);
    expect(codes).toHaveLength(1);
    expect(codes[0]).toMatch(/^HOT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const promos = hooks.filter((p) => p.type === "lead.promo_issued");
    expect(promos).toHaveLength(1);
    expect(promos[0].data.promo.code).toBe(codes[0]);
  }, 30_000);

  it("gives no code to a hot lead without a cart", async () => {
    const site = uniqueSite();
    await putConfig(site, crossingConfig(site, {}, { promo: { label: "hot", requireEvent: "cart_add" } }));
    const res = await send(site, "visitor-promo-02", [wire("t", "quote_request")]);
    expect(res.body.lead.label).toBe("hot");
    expect(res.body.actions).toEqual([]);
  });
});

describe("promo codes across identity", () => {
  it("keeps the code a visitor earned anonymously as the person's only code after they identify", async () => {
    const site = uniqueSite();
    await putConfig(site, crossingConfig(site, {}, { promo: { label: "hot", requireEvent: "cart_add" } }));
    const anon = await send(site, "visitor-promo-id1", [wire("t", "cart_add"), wire("t", "quote_request")]);
    const [earned] = anon.body.actions;
    expect(earned.type).toBe("promo");
    const identified = await send(site, "visitor-promo-id1", [wire("i", "identify"), wire("t", "cart_add")], "promo-person@example.com");
    expect(identified.body.lead.label).toBe("hot");
    expect(identified.body.actions).toEqual([]);
    const lead = await getLead(site, "promo-person@example.com");
    expect(lead.body.promo).toBe(earned.code);
    await outboxDrained(site, "promo-person@example.com");
    await outboxDrained(site, "visitor-promo-id1");
    expect((await received(site)).map(verify).filter((p) => p.type === "lead.promo_issued")).toHaveLength(1);
  });
});
