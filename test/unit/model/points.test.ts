import { describe, expect, it } from "vitest";
import { DEFAULT_POSITIVE_TOTAL, pointsFromWeights } from "../../../worker/model/points";

describe("pointsFromWeights", () => {
  it.each([
    // 20 + 20 = 40 positive points now; the fit's positive weights add up to 0.5 + 1.5 = 2: 20 points per unit.
    { what: "keeps the positive total", weights: [0.5, 1.5, -0.25], current: [20, 20, -10], expected: [0.5 * 20, 1.5 * 20, -0.25 * 20] },
    // 30 positive points, one positive weight of 0.2: it takes all 30, the negative one -0.1 * 150.
    { what: "scales negatives by the same factor", weights: [0.2, -0.1], current: [10, 20], expected: [30, -0.1 * (30 / 0.2)] },
    { what: "rounds to whole points", weights: [1, 2], current: [10, 0], expected: [Math.round(10 / 3), Math.round(20 / 3)] },
    { what: "nothing raises the odds: no points", weights: [-1, 0], current: [10, 5], expected: [0, 0] },
    { what: "a config without positive points: the default total", weights: [1, 3], current: [0, -5], expected: [DEFAULT_POSITIVE_TOTAL / 4, (3 * DEFAULT_POSITIVE_TOTAL) / 4] },
    // The unfitted rule keeps its 50 and takes no part in the total: 10 positive points over 0.5 units.
    { what: "keeps the points of a rule the fit could not weigh", weights: [0.5, 0], current: [10, 50], fitted: [true, false], expected: [10, 50] },
    { what: "scales the fitted rules to their own positive total", weights: [0.2, 0.6, 0], current: [10, 10, 80], fitted: [true, true, false], expected: [5, 15, 80] },
  ])("$what", ({ weights, current, fitted, expected }) => {
    expect(pointsFromWeights(weights, current, fitted)).toEqual(expected);
  });
});
