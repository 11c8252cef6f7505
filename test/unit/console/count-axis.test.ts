import { describe, expect, it } from "vitest";
import { COUNT_STEPS, countAxisWidth } from "../../../console/src/chart/count-axis";

describe("an axis that counts leads", () => {
  it("steps by whole numbers only, 1-2-5 by decade", () => {
    expect(COUNT_STEPS.slice(0, 7)).toEqual([1, 2, 5, 10, 20, 50, 100]);
    expect(COUNT_STEPS.every((step) => Number.isInteger(step))).toBe(true);
    expect(COUNT_STEPS.at(-1)).toBe(5e7);
  });

  it("is as wide as its longest label, so no label is clipped", () => {
    expect(countAxisWidth(["0", "1"])).toBe(26);
    expect(countAxisWidth(["0", "5,000", "10000"])).toBe(18 + 8 * 5);
    // Before uPlot has computed labels.
    expect(countAxisWidth(null)).toBe(26);
  });
});
