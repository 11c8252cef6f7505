import { describe, expect, it } from "vitest";
import { contributionBars, type Contribution } from "../../../console/src/contributions";

const rule = (name: string, points: number, kind: Contribution["kind"] = "behaviour"): Contribution => ({ rule: name, kind, points, rawPoints: points, count: 1, events: [] });

describe("contributionBars", () => {
  it("adds up to the score when rules explain it all", () => {
    const bars = contributionBars([rule("pricing", 17.5), rule("cart", 20), rule("local", 10, "fit")], 17.5 + 20 + 10);
    expect(bars.bars.map((b) => b.rule)).toEqual(["pricing", "cart", "local"]);
    expect(bars.total).toBe(47.5);
    expect(bars.separate).toEqual([]);
    expect(bars.bars[1]!.share).toBe(1);
  });

  it("shows the cents that per-rule rounding leaves as a rounding bar", () => {
    // 3 × 3.33 = 9.99 but the score, rounded once, is 10
    const bars = contributionBars([rule("a", 3.33), rule("b", 3.33), rule("c", 3.33)], 10);
    expect(bars.bars.at(-1)).toMatchObject({ rule: "rounding", kind: "adjustment", points: 0.01 });
    expect(bars.total).toBe(10);
  });

  it("shows a model's scale clamp as its own bar", () => {
    // the rules earn 80 + 40 = 120, the model's scale stops at 100
    const bars = contributionBars([rule("demo", 80), rule("pricing", 40)], 100);
    expect(bars.bars.at(-1)).toMatchObject({ rule: "scale limit", points: 100 - 120 });
    expect(bars.total).toBe(100);
  });

  it("keeps fit rules apart when the model grades them separately", () => {
    const bars = contributionBars([rule("pricing", 20), rule("big-company", 15, "fit")], 20);
    expect(bars.bars.map((b) => b.rule)).toEqual(["pricing"]);
    expect(bars.separate.map((b) => b.rule)).toEqual(["big-company"]);
    expect(bars.total).toBe(20);
  });
});
