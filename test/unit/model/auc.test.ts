import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auc } from "../../../worker/model/auc";
import { inTraining } from "../../../worker/model/split";

/** The definition itself: every positive-negative pair, a win 1, a tie 1/2. */
function pairwise(scores: number[], labels: number[]): number | null {
  let wins = 0;
  let pairs = 0;
  scores.forEach((p, i) => {
    if (!labels[i]) return;
    scores.forEach((n, j) => {
      if (labels[j]) return;
      pairs++;
      wins += p > n ? 1 : p === n ? 0.5 : 0;
    });
  });
  return pairs === 0 ? null : wins / pairs;
}

describe("auc", () => {
  it.each([
    { what: "every positive above every negative", scores: [0.9, 0.8, 0.2, 0.1], labels: [1, 1, 0, 0], expected: 1 },
    { what: "every positive below", scores: [0.1, 0.2, 0.8, 0.9], labels: [1, 1, 0, 0], expected: 0 },
    { what: "all tied", scores: [5, 5, 5, 5], labels: [1, 0, 1, 0], expected: 0.5 },
    // Pairs (positive, negative): (3, 1) win, (3, 4) loss, (5, 1) win, (5, 4) win: 3 of 4.
    { what: "one pair out of order", scores: [3, 1, 5, 4], labels: [1, 0, 1, 0], expected: 3 / 4 },
    { what: "no negatives", scores: [1, 2], labels: [1, 1], expected: null },
    { what: "no leads", scores: [], labels: [], expected: null },
  ])("$what: $expected", ({ scores, labels, expected }) => {
    expect(auc(scores, labels)).toBe(expected);
  });

  it("property: equals the pairwise definition, ties included", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { maxLength: 30 }), (rows) => {
        const scores = rows.map(([s]) => s);
        const labels = rows.map(([, l]) => Number(l));
        const expected = pairwise(scores, labels);
        const got = auc(scores, labels);
        if (expected === null) expect(got).toBeNull();
        else expect(got).toBeCloseTo(expected, 12);
      }),
    );
  });
});

describe("inTraining", () => {
  it("puts about the stated fraction of ids in training, the same ones for the same seed", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `u_${i.toString(36)}`);
    const training = ids.filter((id) => inTraining(id, 0.7, 1));
    // A binomial(10,000, 0.7) has a standard deviation of about 46: 200 is more than four of them.
    expect(Math.abs(training.length - 7_000)).toBeLessThan(200);
    expect(ids.filter((id) => inTraining(id, 0.7, 1))).toEqual(training);
    expect(ids.filter((id) => inTraining(id, 0.7, 2))).not.toEqual(training);
  });
});
