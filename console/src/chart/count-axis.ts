/**
 * A chart axis that counts leads: whole-number ticks only (uPlot's default steps give 0.25 of a lead
 * on a chart of small counts), and an axis as wide as its longest label (a fixed width clipped the
 * labels on a phone).
 */

/** Tick steps for counts: 1, 2, 5, 10, 20, 50, … up to 5·10^7. */
export const COUNT_STEPS: number[] = Array.from({ length: 24 }, (_, i) => [1, 2, 5][i % 3]! * 10 ** Math.floor(i / 3));

/**
 * The axis's width in CSS pixels for its tick labels: the tick, a gap and 8 px a character.
 *
 * @example countAxisWidth(["0", "500", "1000"]) // 50
 */
export function countAxisWidth(labels: readonly string[] | null): number {
  const longest = Math.max(1, ...(labels ?? []).map((label) => label.length));
  return 18 + 8 * longest;
}
