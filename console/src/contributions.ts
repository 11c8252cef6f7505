/**
 * The lead page's bars: each rule's contribution now, plus what the rules alone do not explain
 * (the model's scale limits, two-decimal rounding), so the bars shown always add up to the score.
 */

import type { Contribution } from "../../worker/scoring/types";

export type { Contribution };

export interface Bar {
  rule: string;
  kind: "behaviour" | "fit" | "operator" | "adjustment";
  points: number;
  rawPoints?: number;
  count?: number;
  /** Width relative to the largest bar, 0..1. */
  share: number;
}

export interface Bars {
  bars: Bar[];
  /** Fit rules of a model that grades fit separately: shown, but not part of the score. */
  separate: Bar[];
  total: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100 || 0;

/**
 * Bars for an explanation that add up to `score` exactly (to the cent).
 *
 * @example contributionBars([{ rule: "pricing", kind: "behaviour", points: 20, rawPoints: 20, count: 1, events: [] }], 20).total // 20
 */
export function contributionBars(contributions: Contribution[], score: number): Bars {
  const behaviour = contributions.filter((c) => c.kind === "behaviour");
  const fit = contributions.filter((c) => c.kind === "fit");
  const sum = (cs: Contribution[]) => round2(cs.reduce((a, c) => a + c.points, 0));
  // A model with `combine: "separate"` keeps fit out of the score (it becomes the grade).
  const fitSeparate = fit.length > 0 && Math.abs(sum(behaviour) - score) < Math.abs(sum(contributions) - score);
  const counted = fitSeparate ? behaviour : contributions;
  const rows: Bar[] = counted.map((c) => ({ rule: c.rule, kind: c.kind, points: c.points, rawPoints: c.rawPoints, count: c.count, share: 0 }));
  const rest = round2(score - sum(counted));
  if (rest !== 0) {
    // Each contribution is rounded on its own: a cent or so per rule is rounding, more is the scale's clamp.
    const rounding = Math.abs(rest) <= 0.01 * Math.max(1, counted.length);
    rows.push({ rule: rounding ? "rounding" : "scale limit", kind: "adjustment", points: rest, share: 0 });
  }
  const separate: Bar[] = fitSeparate ? fit.map((c) => ({ rule: c.rule, kind: c.kind, points: c.points, rawPoints: c.rawPoints, count: c.count, share: 0 })) : [];
  const largest = Math.max(1e-9, ...[...rows, ...separate].map((r) => Math.abs(r.points)));
  for (const r of [...rows, ...separate]) r.share = Math.abs(r.points) / largest;
  return { bars: rows, separate, total: round2(rows.reduce((a, r) => a + r.points, 0)) };
}
