import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { adminFetch, env, eventually, putConfig, received, scriptChannel, send, shopConfig, uniqueSite, wire } from "./helpers";

const verify = (h: { body: string; headers: Record<string, string> }) => new Webhook(env.TEST_WEBHOOK_SECRET).verify(h.body, h.headers) as any;

describe("operator routes the console uses", () => {
  it("lists each endpoint of the config as active, with no dead letters, before anything failed", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const res = await adminFetch(`/v1/sites/${site}/webhooks`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).endpoints).toEqual([
      {
        id: "main",
        url: expect.stringContaining(`/r/${site}`),
        types: ["lead.label_changed", "lead.stage_changed", "lead.grade_changed", "lead.disqualified", "lead.promo_issued"],
        state: "active",
        deadLetters: { count: 0, atLeast: false },
        lastFailure: null,
      },
    ]);
  });

  it("shows an endpoint that answered 410 as disabled, with its dead letter as the last failure", async () => {
    const site = uniqueSite();
    await scriptChannel(site, { status: 410 });
    await putConfig(site, shopConfig(site));
    // 30 (pricing) + 1 (any page) = 31 crosses warm's 30: one lead.label_changed, answered 410.
    await send(site, "visitor-gone-0001", [wire("p", "page_view", { l: "https://shop.test/pricing" })]);
    const endpoint = await eventually(async () => {
      const body = (await (await adminFetch(`/v1/sites/${site}/webhooks`)).json()) as any;
      return body.endpoints[0].state === "disabled" && body.endpoints[0].deadLetters.count === 1 ? body.endpoints[0] : undefined;
    });
    expect(endpoint.lastFailure).toMatchObject({ type: "lead.label_changed", error: expect.stringContaining("410") });
    const overview = (await (await adminFetch(`/v1/sites/${site}/overview`)).json()) as any;
    expect(overview.endpoints).toEqual({ total: 1, disabled: 1, deadLetters: 1, deadLettersAtLeast: false });
  });

  it("sends a signed lead.test message now and reports the endpoint's answer", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const res = await adminFetch(`/v1/sites/${site}/webhooks/main/test`, { method: "POST" });
    expect(res.status).toBe(200);
    const result = (await res.json()) as any;
    expect(result).toMatchObject({ type: "lead.test", outcome: "delivered", delivered: true, status: 204 });
    const [hook] = await received(site);
    expect(hook!.headers["webhook-id"]).toBe(result.messageId);
    expect(verify(hook!)).toMatchObject({ type: "lead.test", data: { site, endpoint: "main" } });
    // A test message is not a lead's webhook: it leaves no dead letter and no outbox behind when it fails.
    await scriptChannel(site, { status: 503 });
    const failed = (await (await adminFetch(`/v1/sites/${site}/webhooks/main/test`, { method: "POST" })).json()) as any;
    expect(failed).toMatchObject({ outcome: "retry", delivered: false, status: 503, error: "HTTP 503" });
    const letters = (await (await adminFetch(`/v1/sites/${site}/webhooks/main/dead-letters`)).json()) as any;
    expect(letters.deadLetters).toEqual([]);
  });

  it("answers 404 for an endpoint or site that does not exist, and 400 for a malformed endpoint id", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    const unknown = await adminFetch(`/v1/sites/${site}/webhooks/nope/test`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).error.code).toBe("unknown_endpoint");
    expect((await adminFetch(`/v1/sites/${uniqueSite()}/webhooks`)).status).toBe(404);
    expect((await adminFetch(`/v1/sites/${uniqueSite()}/overview`)).status).toBe(404);
    const bad = await adminFetch(`/v1/sites/${site}/webhooks/${"x".repeat(65)}/test`, { method: "POST" });
    expect(bad.status).toBe(400);
  });

  it("counts leads per label in band order, from the index", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    // 30 + 1 = 31: warm. 30 + 20 + 2·25 + 1·3 = 103: hot. 1 + 1 = 2: cold, but no label change, so not indexed yet.
    await send(site, "visitor-warm-001", [wire("p", "page_view", { l: "https://shop.test/pricing" })]);
    await send(site, "visitor-hot-0001", [
      wire("p", "page_view", { l: "https://shop.test/pricing" }),
      wire("p", "page_view", { l: "https://shop.test/directions" }),
      wire("t", "cart_add"),
      wire("t", "cart_add"),
      wire("p", "page_view", { l: "https://shop.test/" }),
    ]);
    const overview = await eventually(async () => {
      const body = (await (await adminFetch(`/v1/sites/${site}/overview`)).json()) as any;
      return body.labels.reduce((a: number, l: any) => a + l.leads, 0) === 2 ? body : undefined;
    });
    expect(overview.labels).toEqual([
      { label: "cold", leads: 0, atLeast: false },
      { label: "warm", leads: 1, atLeast: false },
      { label: "hot", leads: 1, atLeast: false },
    ]);
    expect(overview.config).toMatchObject({ version: 1, models: [{ id: "shop", labels: ["cold", "warm", "hot"] }] });
  });

  it("answers a lead's history for its chart, and 404 for a lead it never saw", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    await send(site, "visitor-hist-001", [wire("t", "chat_open")]);
    const res = await adminFetch(`/v1/sites/${site}/leads/visitor-hist-001/history`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    // chat_open is worth 10 points: one recorded point, cold.
    expect(body.points.filter((p: any) => p.cause).map((p: any) => [p.score, p.label, p.cause.event.name])).toEqual([[10, "cold", "chat_open"]]);
    expect((await adminFetch(`/v1/sites/${site}/leads/visitor-never-seen/history`)).status).toBe(404);
  });
});
