import { describe, expect, it } from "vitest";
import { putConfig, send, shopConfig, uniqueSite, wire } from "./helpers";

describe("promo farming", () => {
  it("gives 50 new anonymous ids from one client address at most the configured number of codes", async () => {
    const site = uniqueSite("farm");
    const MAX = 3;
    await putConfig(site, shopConfig(site, { promo: { label: "hot", requireEvent: "cart_add", maxPerClientPerDay: MAX } }, { rules: [{ id: "cart", event: "cart_add", points: 70 }] }));
    const codes: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await send(site, `farmer-${i}-${crypto.randomUUID().slice(0, 8)}`, [wire("t", "cart_add")], undefined, { headers: { "cf-connecting-ip": "203.0.113.50" } });
      expect(res.body.lead.label).toBe("hot");
      codes.push(...res.body.actions.filter((a: any) => a.type === "promo").map((a: any) => a.code));
    }
    expect(codes).toHaveLength(MAX);
    const other = await send(site, `honest-${crypto.randomUUID().slice(0, 8)}`, [wire("t", "cart_add")], undefined, { headers: { "cf-connecting-ip": "198.51.100.9" } });
    expect(other.body.actions).toHaveLength(1);
  });
});
