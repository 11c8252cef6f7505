import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auc } from "../../../worker/model/auc";
import { fitLogistic, logOdds, solveSpd } from "../../../worker/model/logistic";
import { seeded } from "../../support/synthetic-site";

/** Rows of hit counts and outcomes drawn from a known logistic model. */
function drawn(n: number, truth: { intercept: number; weights: number[] }, seed: number): { rows: number[][]; y: number[] } {
  const random = seeded(seed);
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = truth.weights.map(() => Math.floor(random() * 4));
    rows.push(row);
    y.push(random() < 1 / (1 + Math.exp(-logOdds(truth, row))) ? 1 : 0);
  }
  return { rows, y };
}

describe("solveSpd", () => {
  it("solves a symmetric positive definite system", () => {
    // [[4, 2], [2, 3]] x = [2 * 4 + 1 * 2, 2 * 2 + 1 * 3] has x = [2, 1].
    const x = solveSpd([[4, 2], [2, 3]], [2 * 4 + 1 * 2, 2 * 2 + 1 * 3]);
    expect(x[0]).toBeCloseTo(2, 12);
    expect(x[1]).toBeCloseTo(1, 12);
  });
});

describe("fitLogistic", () => {
  it("recovers the weights of the model the data was drawn from, within sampling error", () => {
    const truth = { intercept: -2, weights: [1, -0.5, 0] };
    const { rows, y } = drawn(20_000, truth, 7);
    const fit = fitLogistic(rows, y, { l2: 0.01 });
    expect(fit.converged).toBe(true);
    // 20,000 rows: the standard error of each weight is about 0.02-0.03; 0.1 is three to four of them.
    expect(fit.intercept).toBeCloseTo(truth.intercept, 0);
    for (const [j, w] of truth.weights.entries()) expect(Math.abs(fit.weights[j]! - w)).toBeLessThan(0.1);
  });

  it("shrinks weights towards 0 as the penalty grows", () => {
    const { rows, y } = drawn(2_000, { intercept: -1, weights: [1.2, 0.8] }, 3);
    const sizes = [0.01, 10, 1_000].map((l2) => Math.hypot(...fitLogistic(rows, y, { l2 }).weights));
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(sizes[2]).toBeLessThan(sizes[0]! / 2);
  });

  it("gives 0 to a column that never varies, says it was not fitted, and still fits the others", () => {
    const rows = [[0, 5], [1, 5], [2, 5], [3, 5], [0, 5], [3, 5]];
    const fit = fitLogistic(rows, [0, 0, 1, 1, 0, 1], { l2: 0.1 });
    expect(fit.weights[1]).toBe(0);
    expect(fit.fitted).toEqual([true, false]);
    expect(fit.weights[0]).toBeGreaterThan(0);
  });

  it("answers finite weights on perfectly separable data, thanks to the penalty", () => {
    const fit = fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1], { l2: 0.1 });
    expect(Number.isFinite(fit.weights[0])).toBe(true);
    expect(fit.converged).toBe(true);
  });

  it("with no positive (or no negative) outcome, leans the intercept all the way and no weight", () => {
    const fit = fitLogistic([[0], [1], [2]], [0, 0, 0], { l2: 1 });
    expect(fit.weights[0]).toBeCloseTo(0, 6);
    expect(fit.intercept).toBeLessThan(-5);
  });

  // Properties over small random data sets of 1-3 rules' hit counts.
  const dataSets = fc
    .integer({ min: 1, max: 3 })
    .chain((width) => fc.array(fc.tuple(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: width, maxLength: width }), fc.boolean()), { minLength: 4, maxLength: 40 }));

  it("property: shuffling the rows gives the same fit", () => {
    fc.assert(
      fc.property(dataSets, fc.integer(), (data, seed) => {
        const random = seeded(seed);
        const shuffled = data.map((d) => [random(), d] as const).sort((a, b) => a[0] - b[0]).map(([, d]) => d);
        const a = fitLogistic(data.map(([r]) => r), data.map(([, o]) => Number(o)));
        const b = fitLogistic(shuffled.map(([r]) => r), shuffled.map(([, o]) => Number(o)));
        // Sums taken in another order differ in the last bits only.
        for (const [j, w] of a.weights.entries()) expect(b.weights[j]).toBeCloseTo(w, 6);
        expect(b.intercept).toBeCloseTo(a.intercept, 6);
      }),
      { numRuns: 60 },
    );
  });

  it("property: on data separable by one rule's hit count, the fit ranks every converter first (AUC 1)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 2, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), (hits, line) => {
        const y = hits.map((h) => (h >= line ? 1 : 0));
        fc.pre(y.includes(1) && y.includes(0));
        const rows = hits.map((h) => [h]);
        const fit = fitLogistic(rows, y, { l2: 1 });
        expect(auc(rows.map((r) => logOdds(fit, r)), y)).toBe(1);
      }),
      { numRuns: 100 },
    );
  });

  it("property: the fitted probabilities' mean matches the base rate (an unpenalised intercept is calibrated in the mean)", () => {
    fc.assert(
      fc.property(dataSets, (data) => {
        const rows = data.map(([r]) => r);
        const y = data.map(([, o]) => Number(o));
        fc.pre(y.includes(1) && y.includes(0));
        const fit = fitLogistic(rows, y, { l2: 1 });
        const mean = rows.reduce((s, r) => s + 1 / (1 + Math.exp(-logOdds(fit, r))), 0) / rows.length;
        expect(mean).toBeCloseTo(y.reduce((a, b) => a + b, 0) / y.length, 5);
      }),
      { numRuns: 60 },
    );
  });
});
