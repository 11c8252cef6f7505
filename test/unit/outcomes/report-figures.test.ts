import { describe, expect, it } from "vitest";
import { contributions, CounterTable, durationBucket, durationOfBucket, weekOf } from "../../../worker/site/report-counters";
import { histogramAuc, reportFigures } from "../../../worker/site/report-figures";
import type { LeadOutcome } from "../../../worker/outcomes/outcome";
import { DAY, HOUR, T0 } from "../engine/fixtures";

const MODEL = { id: "m", labels: ["cold", "warm", "hot"], stages: ["lead"], disqualifiedLabel: "disqualified", horizonMs: 30 * DAY };

function outcome(kind: LeadOutcome["kind"], peak: number, peakLabel: string, extra: Partial<LeadOutcome> = {}): LeadOutcome {
  const start = { at: T0, score: 0, label: "cold", stage: "lead" };
  return { model: "m", kind, firstSeen: T0, horizonEnd: T0 + 30 * DAY, at: T0 + 5 * DAY, start, peak, peakLabel, peakStage: "lead", labelsAt: { cold: T0 }, stagesAt: { lead: T0 }, ...extra };
}

function figures(list: LeadOutcome[]) {
  const table = new CounterTable();
  for (const o of list) table.add(contributions(o));
  return reportFigures(table.rows("m", weekOf(T0), weekOf(T0) + 7 * DAY), MODEL, T0 + 90 * DAY);
}

describe("the report's figures", () => {
  it("has no NaN anywhere when nothing settled", () => {
    const f = figures([]);
    expect(f).toMatchObject({ leads: 0, conversions: 0, baseRate: null, auc: null });
    expect(f.labels.map((l) => [l.rate, l.lift, l.precision, l.recall])).toEqual([[null, null, null, null], [null, null, null, null], [null, null, null, null]]);
  });

  it("gives rate, lift, precision and recall per label line", () => {
    // cold: 1 of 4 converts; warm: 1 of 2; hot: 2 of 2. Base rate 4 / 8.
    const f = figures([
      outcome("converted", 5, "cold"), outcome("negative", 3, "cold"), outcome("negative", 2, "cold"), outcome("lost", 1, "cold"),
      outcome("converted", 40, "warm"), outcome("negative", 35, "warm"),
      outcome("converted", 70, "hot"), outcome("converted", 65, "hot"),
    ]);
    expect(f).toMatchObject({ leads: 8, conversions: 4, baseRate: 4 / 8 });
    expect(f.labels[0]).toMatchObject({ name: "cold", rate: 1 / 4, lift: 1 / 4 / (4 / 8), precision: 4 / 8, recall: 1 });
    expect(f.labels[1]).toMatchObject({ name: "warm", rate: 1 / 2, lift: 1, precision: 3 / 4, recall: 3 / 4 });
    expect(f.labels[2]).toMatchObject({ name: "hot", rate: 1, lift: 2, precision: 1, recall: 2 / 4 });
    // Pairs (positive, negative) ranked right: 5 > 3, 2, 1 and < 35: 3 of 4 for the cold purchase; every other positive beats all 4.
    expect(f.auc).toBeCloseTo((3 + 4 + 4 + 4) / (4 * 4), 4);
  });

  it("counts a tie within one score bucket as one half, as Mann-Whitney does", () => {
    expect(histogramAuc([{ key: "10", pos: 1, neg: 1 }])).toBe(0.5);
    expect(histogramAuc([{ key: "10", pos: 2, neg: 0 }, { key: "3", pos: 0, neg: 1 }, { key: "10", pos: 0, neg: 1 }])).toBe((1 + 0.5) * 2 / (2 * 2));
    expect(histogramAuc([{ key: "1", pos: 3, neg: 0 }])).toBeNull();
  });

  it("reads the median time to conversion from the duration histogram, to its bucket's middle", () => {
    const at = (ms: number) => outcome("converted", 10, "cold", { at: T0 + ms });
    const f = figures([at(3 * HOUR + 10), at(5 * DAY), at(9 * DAY)]);
    expect(f.labels[0]!.medianTimeToConversionMs).toBe(durationOfBucket(durationBucket(5 * DAY)));
    expect(durationOfBucket(durationBucket(3 * HOUR + 10))).toBe(3.5 * HOUR);
  });

  it("counts an open horizon nowhere, and a lead once in its week", () => {
    expect(contributions(outcome("open", 10, "cold"))).toEqual([]);
    expect(weekOf(Date.UTC(2026, 0, 7, 15))).toBe(Date.UTC(2026, 0, 5));
    expect(weekOf(Date.UTC(2026, 0, 5))).toBe(Date.UTC(2026, 0, 5));
  });
});
