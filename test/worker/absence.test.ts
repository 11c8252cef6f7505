import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { env, eventually, getLead, putConfig, received, send, shopConfig, uniqueSite, wire } from "./helpers";

/** Nothing for 2 s costs 50 points: the absence rule fires within a test's lifetime, on the real alarm. */
function quietConfig(site: string) {
  return shopConfig(site, {}, {
    rules: [
      { id: "demo-request", event: "quote_request", points: 70 },
      { id: "gone-quiet", absence: { after: "2s" }, points: -50 },
    ],
  });
}

function hooksOf(hooks: Array<{ body: string; headers: Record<string, string> }>) {
  const verifier = new Webhook(env.TEST_WEBHOOK_SECRET);
  return hooks.map((h) => verifier.verify(h.body, h.headers) as any);
}

describe("absence rules", () => {
  it("a lead idle for the window gets its webhook at the exact instant, with no event", async () => {
    const site = uniqueSite();
    expect((await putConfig(site, quietConfig(site))).status).toBe(200);
    const first = await send(site, "visitor-quiet001", [wire("t", "quote_request")]);
    expect(first.body.lead).toMatchObject({ label: "hot", score: 70 });
    const [event] = (await getLead(site, "visitor-quiet001")).body.recentEvents;

    const down = await eventually(async () => hooksOf(await received(site)).find((p) => p.type === "lead.label_changed" && p.data.direction === "down"));
    // 70 - 50 = 20: below warm (30), straight to cold.
    expect(down.data).toMatchObject({ previous: "hot", current: "cold", cause: { kind: "absence" } });
    expect(Date.parse(down.timestamp)).toBe(event.ts + 2_000);
    expect(down.data.lead.score).toBe(70 - 50);
    const lead = await getLead(site, "visitor-quiet001");
    expect(lead.body.explanation.contributions.find((c: any) => c.rule === "gone-quiet")).toMatchObject({ points: -50, count: 1 });
  });
});
