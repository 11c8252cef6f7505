import { describe, expect, it } from "vitest";
import { labelChangesSeries } from "../../../console/src/chart/label-changes-series";

describe("label changes per day as a stacked series", () => {
  it("stacks labels in band order, adds labels the bands do not name, and counts every day", () => {
    const series = labelChangesSeries(
      { days: [{ date: "2026-11-30", changes: { hot: 2, warm: 1 } }, { date: "2026-12-01", changes: { disqualified: 1 } }] },
      ["cold", "warm", "hot"],
    );
    expect(series.labels).toEqual(["cold", "warm", "hot", "disqualified"]);
    expect(series.days).toEqual([Date.UTC(2026, 10, 30), Date.UTC(2026, 11, 1)]);
    expect(series.counts).toEqual({ cold: [0, 0], warm: [1, 0], hot: [2, 0], disqualified: [0, 1] });
    expect(series.stacked).toEqual({ cold: [0, 0], warm: [1, 0], hot: [1 + 2, 0], disqualified: [1 + 2 + 0, 1] });
    expect(series.total).toBe(2 + 1 + 1);
  });
});
