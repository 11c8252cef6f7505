import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { env, eventually, outboxDrained, pageView, putConfig, received, receiverUrl, send, shopConfig, uniqueSite, wire } from "./helpers";

describe("label webhooks", () => {
  it("sends exactly one signed lead.label_changed per band crossing, verifiable with standardwebhooks", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    await send(site, "visitor-hook0001", [pageView("/"), pageView("/pricing")]); // 32: cold -> warm
    await send(site, "visitor-hook0001", [wire("t", "cart_add")]); // 57: still warm
    await send(site, "visitor-hook0001", [wire("t", "chat_open")]); // 67: warm -> hot

    const hooks = await eventually(async () => {
      const got = await received(site);
      return got.length >= 2 ? got : undefined;
    });
    // Nothing more arrives for the in-band event: the outbox is empty, so nothing more can.
    await outboxDrained(site, "visitor-hook0001");
    expect(await received(site)).toHaveLength(2);

    const verifier = new Webhook(env.TEST_WEBHOOK_SECRET);
    const payloads = hooks.map((h) => verifier.verify(h.body, h.headers) as any);
    expect(payloads.map((p) => [p.type, p.data.previous, p.data.current, p.data.direction])).toEqual([
      ["lead.label_changed", "cold", "warm", "up"],
      ["lead.label_changed", "warm", "hot", "up"],
    ]);
    const hot = payloads[1];
    expect(hot.data).toMatchObject({
      site,
      lead: { score: 67, label: "hot", anonymousIds: ["visitor-hook0001"] },
      cause: { kind: "event", event: { name: "chat_open" } },
    });
    expect(hot.data.topContributions[0]).toEqual({ rule: "pricing", points: 30 });
    expect(new Date(hot.timestamp).toString()).not.toBe("Invalid Date");
    expect(hooks[0]!.headers["webhook-id"]).toMatch(/^msg_/);
    expect(hooks[0]!.headers["webhook-id"]).not.toBe(hooks[1]!.headers["webhook-id"]);
  });

  it("signs with both secrets during a rotation", async () => {
    const site = uniqueSite();
    const config = shopConfig(site);
    config.webhooks[0] = { ...config.webhooks[0]!, secret: { env: "TEST_WEBHOOK_SECRET_NEW" }, previousSecret: { env: "TEST_WEBHOOK_SECRET" } } as any;
    await putConfig(site, config);
    await send(site, "visitor-rotate01", [pageView("/pricing")]);
    const [hook] = await eventually(async () => ((await received(site)).length ? received(site) : undefined));
    expect(hook!.headers["webhook-signature"]!.split(" ")).toHaveLength(2);
    for (const secret of [env.TEST_WEBHOOK_SECRET, env.TEST_WEBHOOK_SECRET_NEW]) {
      expect((new Webhook(secret).verify(hook!.body, hook!.headers) as any).type).toBe("lead.label_changed");
    }
  });
});

describe("several endpoints", () => {
  it("sends each endpoint only the types it subscribed to", async () => {
    const site = uniqueSite();
    const config = shopConfig(site, {}, { stages: [{ name: "lead" }, { name: "MQL", min: 50 }] }) as any;
    config.webhooks = [
      { id: "labels", url: `${receiverUrl()}/r/${site}-labels`, types: ["lead.label_changed"], secret: { env: "TEST_WEBHOOK_SECRET" } },
      { id: "stages", url: `${receiverUrl()}/r/${site}-stages`, types: ["lead.stage_changed"], secret: { env: "TEST_WEBHOOK_SECRET" } },
    ];
    await putConfig(site, config);
    await send(site, "visitor-multi-01", [pageView("/pricing"), wire("t", "cart_add")]); // 56: warm and MQL
    const labels = await eventually(async () => ((await received(`${site}-labels`)).length ? received(`${site}-labels`) : undefined));
    const stages = await eventually(async () => ((await received(`${site}-stages`)).length ? received(`${site}-stages`) : undefined));
    await outboxDrained(site, "visitor-multi-01");
    expect((await received(`${site}-labels`)).map((h) => JSON.parse(h.body).type)).toEqual(["lead.label_changed"]);
    expect((await received(`${site}-stages`)).map((h) => JSON.parse(h.body).type)).toEqual(["lead.stage_changed"]);
    expect(labels).toHaveLength(1);
    expect(stages).toHaveLength(1);
  });
});
