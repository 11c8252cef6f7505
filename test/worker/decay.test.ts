import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { env, eventually, getLead, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

/** Interest that halves every 2 s: crossings happen within a test's lifetime, on the real alarm. */
function fastDecayConfig(site: string) {
  return shopConfig(site, {}, {
    decay: { halfLife: "2s" },
    rules: [{ id: "demo-request", event: "quote_request", points: 70 }],
  });
}

function labelHooks(hooks: Array<{ body: string; headers: Record<string, string> }>) {
  const verifier = new Webhook(env.TEST_WEBHOOK_SECRET);
  return hooks.map((h) => verifier.verify(h.body, h.headers) as any).filter((p) => p.type === "lead.label_changed");
}

describe("decay", () => {
  it("fires the alarm at the computed crossing and sends exactly one down webhook; re-engagement fires up again", async () => {
    const site = uniqueSite();
    await putConfig(site, fastDecayConfig(site));
    const first = await send(site, "visitor-decay001", [wire("t", "quote_request")]);
    expect(first.body.lead).toMatchObject({ label: "hot" });

    const lead = await getLead(site, "visitor-decay001");
    const crossesAt: number = lead.body.explanation.lowerLine.crossesAt;
    expect(crossesAt).toBeGreaterThan(Date.now() - 5_000);

    const down = await eventually(async () => labelHooks(await received(site)).find((p) => p.data.direction === "down"));
    expect(down.data).toMatchObject({ previous: "hot", current: "warm", cause: { kind: "decay" } });
    // The webhook says when the lead crossed: the instant the engine computed, not whenever the alarm ran.
    expect(Date.parse(down.timestamp)).toBe(crossesAt);
    expect(down.data.lead.score).toBeLessThan(60);
    expect(labelHooks(await received(site)).filter((p) => p.data.direction === "down" && p.data.current === "warm")).toHaveLength(1);

    // Re-engaging crosses upward again and the trigger fires again (it re-arms).
    await send(site, "visitor-decay001", [wire("t", "quote_request")]);
    const ups = await eventually(async () => {
      const list = labelHooks(await received(site)).filter((p) => p.data.direction === "up" && p.data.current === "hot");
      return list.length >= 2 ? list : undefined;
    });
    expect(ups).toHaveLength(2);
  });
});
