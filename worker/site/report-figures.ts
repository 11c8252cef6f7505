/**
 * The model report's figures from its counters (./report-counters.ts), pure: conversion rate and
 * lift per label and per stage, precision and recall of each label line, the AUC of the peak score,
 * the median time from each label to conversion, and the same per week. Every ratio whose
 * denominator is zero is null, never NaN. Definitions: docs/MEASURING.md, "What counts".
 */
import { WEEK_MS } from "../scoring/compile";
import { durationOfBucket, SCORE_BUCKET, type CounterRow } from "./report-counters";

/** The model's bands, in order, as the report lists them (from the config in force). */
export interface ReportModel {
  id: string;
  labels: string[];
  stages: string[];
  disqualifiedLabel: string;
  horizonMs: number;
}

export interface BandFigures {
  name: string;
  leads: number;
  conversions: number;
  rate: number | null;
  lift: number | null;
}

export interface LabelFigures extends BandFigures {
  /** of leads that reached this label or a higher one, the share that converted */
  precision: number | null;
  /** of leads that converted, the share that had reached this label or a higher one */
  recall: number | null;
  /** median time from first showing this label to converting, ms (to the duration histogram's resolution) */
  medianTimeToConversionMs: number | null;
}

export interface WeekFigures {
  week: string;
  leads: number;
  conversions: number;
  rate: number | null;
  auc: number | null;
  /** false while some lead first seen that week may still be inside its horizon */
  complete: boolean;
}

export interface ReportFigures {
  leads: number;
  conversions: number;
  baseRate: number | null;
  auc: number | null;
  labels: LabelFigures[];
  stages: BandFigures[];
  weeks: WeekFigures[];
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);
const round4 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10_000) / 10_000);

/**
 * The AUC from score histograms: the chance a positive's bucket is above a negative's, ties (one
 * bucket) counting one half; null without both positives and negatives.
 *
 * @example histogramAuc([{ key: "10", pos: 1, neg: 0 }, { key: "2", pos: 0, neg: 1 }]) // 1
 */
export function histogramAuc(rows: Array<{ key: string; pos: number; neg: number }>): number | null {
  const buckets = new Map<number, { pos: number; neg: number }>();
  for (const r of rows) {
    const b = buckets.get(Number(r.key)) ?? { pos: 0, neg: 0 };
    b.pos += r.pos;
    b.neg += r.neg;
    buckets.set(Number(r.key), b);
  }
  let negativesBelow = 0;
  let wins = 0;
  let positives = 0;
  for (const [, b] of [...buckets].sort((x, y) => x[0] - y[0])) {
    wins += b.pos * (negativesBelow + b.neg / 2);
    negativesBelow += b.neg;
    positives += b.pos;
  }
  return positives > 0 && negativesBelow > 0 ? wins / (positives * negativesBelow) : null;
}

function median(rows: CounterRow[]): number | null {
  const buckets = new Map<number, number>();
  for (const r of rows) buckets.set(Number(r.key), (buckets.get(Number(r.key)) ?? 0) + r.pos);
  const total = [...buckets.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const [bucket, n] of [...buckets].sort((x, y) => x[0] - y[0])) {
    seen += n;
    if (seen * 2 >= total) return durationOfBucket(bucket);
  }
  return null;
}

function sum(rows: CounterRow[]): { pos: number; neg: number } {
  return rows.reduce((a, r) => ({ pos: a.pos + r.pos, neg: a.neg + r.neg }), { pos: 0, neg: 0 });
}

/** Band names in the model's order, then any the counters hold that the config no longer names. */
function ordered(names: string[], rows: CounterRow[]): string[] {
  return [...new Set([...names, ...rows.map((r) => r.key)])];
}

function bands(names: string[], rows: CounterRow[], baseRate: number | null): BandFigures[] {
  return ordered(names, rows).map((name) => {
    const { pos, neg } = sum(rows.filter((r) => r.key === name));
    const rate = ratio(pos, pos + neg);
    return { name, leads: pos + neg, conversions: pos, rate: round4(rate), lift: round4(rate !== null && baseRate ? rate / baseRate : null) };
  });
}

/**
 * The report's figures for the counters of one model in one period.
 *
 * @example reportFigures(rows, { id: "shop", labels: ["cold", "warm", "hot"], stages: ["lead"], disqualifiedLabel: "disqualified", horizonMs }, now)
 * // { leads: 3000, conversions: 412, baseRate: 0.1373, auc: 0.74, labels: [{ name: "cold", rate: 0.05, lift: 0.36, ... }], ... }
 */
export function reportFigures(rows: CounterRow[], model: ReportModel, now: number): ReportFigures {
  const of = (kind: string) => rows.filter((r) => r.kind === kind);
  const all = sum(of("all"));
  const leads = all.pos + all.neg;
  const baseRate = ratio(all.pos, leads);
  const labelRows = of("label");
  const labelNames = ordered(model.labels, labelRows);
  const lines = new Map(model.labels.map((name, rank) => [name, rank]));
  const labels: LabelFigures[] = bands(labelNames, labelRows, baseRate).map((band) => {
    const rank = lines.get(band.name);
    // A line is "this label or higher"; the disqualified label, and names no longer in the config, draw none.
    const above = rank === undefined ? null : sum(labelRows.filter((r) => (lines.get(r.key) ?? -1) >= rank));
    return {
      ...band,
      precision: above ? round4(ratio(above.pos, above.pos + above.neg)) : null,
      recall: above ? round4(ratio(above.pos, all.pos)) : null,
      medianTimeToConversionMs: median(of(`time:${band.name}`)),
    };
  });
  const weeks = [...new Set(rows.map((r) => r.week))].sort((a, b) => a - b).map((week): WeekFigures => {
    const inWeek = (kind: string) => rows.filter((r) => r.week === week && r.kind === kind);
    const w = sum(inWeek("all"));
    return {
      week: new Date(week).toISOString().slice(0, 10),
      leads: w.pos + w.neg,
      conversions: w.pos,
      rate: round4(ratio(w.pos, w.pos + w.neg)),
      auc: round4(histogramAuc(inWeek("score"))),
      complete: week + WEEK_MS + model.horizonMs <= now,
    };
  });
  return {
    leads,
    conversions: all.pos,
    baseRate: round4(baseRate),
    auc: round4(histogramAuc(of("score"))),
    labels,
    stages: bands(ordered(model.stages, of("stage")), of("stage"), baseRate),
    weeks,
  };
}

export { SCORE_BUCKET };
