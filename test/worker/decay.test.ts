import { runDurableObjectAlarm } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getLead, leadObject, outboxDrained, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

/** Interest that halves every hour: the real alarm never fires within a test; the test drives it. */
function decayConfig(site: string, halfLife = "1h") {
  return shopConfig(site, {}, { decay: { halfLife }, rules: [{ id: "demo-request", event: "quote_request", points: 70 }] });
}

/** Signatures are checked in webhooks.test.ts; here the moved clock would make them look stale. */
function labelHooks(hooks: Array<{ body: string }>) {
  return hooks.map((h) => JSON.parse(h.body)).filter((p) => p.type === "lead.label_changed");
}

/** The Worker and its Durable Objects share this isolate's clock: moving it moves theirs. */
function clockAt(ms: number): void {
  vi.useFakeTimers({ toFake: ["Date"], now: ms });
}

afterEach(() => {
  vi.useRealTimers();
});

describe("decay", () => {
  it("fires the alarm at the computed crossing and sends exactly one down webhook; re-engagement fires up again", async () => {
    const site = uniqueSite();
    await putConfig(site, decayConfig(site));
    const start = Date.now();
    clockAt(start);
    const first = await send(site, "visitor-decay001", [wire("t", "quote_request")]);
    expect(first.body.lead).toMatchObject({ label: "hot" });
    const lead = await getLead(site, "visitor-decay001");
    const crossesAt: number = lead.body.explanation.lowerLine.crossesAt;
    const stub = await leadObject(site, "visitor-decay001");
    // Scores show two decimals, so 70 * 2^-(t / 1 h) shows below 60 once it is under 59.995:
    // after 1 h * log2(70 / 59.995). The alarm points there.
    expect(crossesAt - start).toBeCloseTo(3_600_000 * Math.log2(70 / 59.995), -2);
    await outboxDrained(site, "visitor-decay001");

    // Just before the crossing the alarm finds nothing to report; at it, one down webhook.
    clockAt(crossesAt - 1);
    await runDurableObjectAlarm(stub);
    expect(labelHooks(await received(site)).filter((p) => p.data.direction === "down")).toHaveLength(0);
    clockAt(crossesAt + 1);
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await outboxDrained(site, "visitor-decay001");
    const downs = labelHooks(await received(site)).filter((p) => p.data.direction === "down");
    expect(downs).toHaveLength(1);
    expect(downs[0].data).toMatchObject({ previous: "hot", current: "warm", cause: { kind: "decay" } });
    // The webhook says when the lead crossed: the instant the engine computed, not whenever the alarm ran.
    expect(Date.parse(downs[0].timestamp)).toBe(crossesAt);
    expect(downs[0].data.lead.score).toBeLessThan(60);
    // Running the alarm again reports nothing twice.
    await runDurableObjectAlarm(stub);
    await outboxDrained(site, "visitor-decay001");
    expect(labelHooks(await received(site)).filter((p) => p.data.direction === "down")).toHaveLength(1);

    // Re-engaging crosses upward again and the trigger fires again (it re-arms).
    await send(site, "visitor-decay001", [wire("t", "quote_request")]);
    await outboxDrained(site, "visitor-decay001");
    expect(labelHooks(await received(site)).filter((p) => p.data.direction === "up" && p.data.current === "hot")).toHaveLength(2);
  });
});

describe("config in force", () => {
  it("sends no decay webhook under the old config once the half-life of an idle hot lead was raised", async () => {
    const site = uniqueSite();
    await putConfig(site, decayConfig(site, "1h"));
    clockAt(Date.now());
    await send(site, "visitor-cfg-decay", [wire("t", "quote_request")]);
    const crossesAt: number = (await getLead(site, "visitor-cfg-decay")).body.explanation.lowerLine.crossesAt;
    await outboxDrained(site, "visitor-cfg-decay");

    // A day-long half-life: at the old crossing the lead is still 70 * 2^-(0.22 h / 24 h) ≈ 69.6, hot.
    await putConfig(site, decayConfig(site, "1d"));
    clockAt(crossesAt + 1);
    const stub = await leadObject(site, "visitor-cfg-decay");
    await runDurableObjectAlarm(stub);
    await outboxDrained(site, "visitor-cfg-decay");
    const hooks = labelHooks(await received(site));
    expect(hooks.map((p) => [p.data.previous, p.data.current, p.data.cause.kind])).toEqual([["cold", "hot", "event"]]);
    // The lead's GET reads it under the config in force too, with the new crossing a day-scale away.
    const lead = (await getLead(site, "visitor-cfg-decay")).body;
    expect(lead.label).toBe("hot");
    expect(lead.explanation.lowerLine.crossesAt - crossesAt).toBeGreaterThan(3_600_000);
    expect((await stub.stats()).alarm).toBeGreaterThan(crossesAt + 3_600_000);
  });

  it("answers a lead's GET under a new config without waiting for the lead's next event", async () => {
    const site = uniqueSite();
    await putConfig(site, shopConfig(site));
    await send(site, "visitor-cfg-gett", [wire("t", "chat_open"), wire("t", "chat_open"), wire("t", "chat_open")]); // 3 * 10 = 30: warm
    expect((await getLead(site, "visitor-cfg-gett")).body.label).toBe("warm");
    await putConfig(site, shopConfig(site, {}, { labels: [{ name: "cold" }, { name: "warm", min: 50 }, { name: "hot", min: 80 }] }));
    expect((await getLead(site, "visitor-cfg-gett")).body).toMatchObject({ score: 3 * 10, label: "cold" });
  });
});
