/** Label changes per day as a chart's series: one row per label, stacked in band order. */
import type { LabelChanges } from "../api/report";

export interface LabelChangesSeries {
  /** each day's start, ms since the epoch (UTC) */
  days: number[];
  /** labels in the order given, then any other label that moved */
  labels: string[];
  /** per label, the changes into it per day */
  counts: Record<string, number[]>;
  /** per label, the stacked top of its bar per day: its count plus every label before it */
  stacked: Record<string, number[]>;
  total: number;
}

/**
 * The series a stacked bar chart draws: labels in band order, each stacked on the ones before.
 *
 * @example labelChangesSeries({ days: [{ date: "2026-12-01", changes: { hot: 2, warm: 1 } }] }, ["cold", "warm", "hot"]).stacked
 * // { cold: [0], warm: [1], hot: [3] }
 */
export function labelChangesSeries(data: LabelChanges, order: string[]): LabelChangesSeries {
  const moved = new Set(data.days.flatMap((d) => Object.keys(d.changes)));
  const labels = [...new Set([...order, ...moved])];
  const counts = Object.fromEntries(labels.map((l) => [l, data.days.map((d) => d.changes[l] ?? 0)]));
  const running = data.days.map(() => 0);
  const stacked: Record<string, number[]> = {};
  for (const label of labels) stacked[label] = running.map((sum, i) => (running[i] = sum + counts[label]![i]!));
  return { days: data.days.map((d) => Date.parse(`${d.date}T00:00:00Z`)), labels, counts, stacked, total: running.reduce((a, b) => a + b, 0) };
}
