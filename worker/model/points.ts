/**
 * Fitted log-odds weights become points on the config's own scale: one factor for every rule, chosen
 * so the suggestion's positive points add up to what the config's positive points add up to now.
 * A single factor keeps the fit's ranking of leads (points are proportional to log-odds, and the
 * intercept only shifts every score alike), and matching the positive total keeps the label bands
 * where they are meaningful: a lead that earns most rules' points still lands near the same score.
 */

/** The positive total a suggestion is scaled to when the config has no positive points at all. */
export const DEFAULT_POSITIVE_TOTAL = 100;

/**
 * Points for each weight, rounded to whole points as configs are written.
 *
 * @example pointsFromWeights([0.5, 1.5, -0.25], [20, 20, -10]) // [10, 30, -5]: 20 + 20 = 40 positive points, 40 / (0.5 + 1.5) = 20 points per log-odds unit
 */
export function pointsFromWeights(weights: readonly number[], current: readonly number[]): number[] {
  const positive = (list: readonly number[]) => list.reduce((sum, v) => sum + Math.max(0, v), 0);
  const fitted = positive(weights);
  if (fitted === 0) return weights.map(() => 0);
  const target = positive(current) || DEFAULT_POSITIVE_TOTAL;
  // `+ 0` turns the -0 of a rounded small negative into 0.
  return weights.map((w) => Math.round((w * target) / fitted) + 0);
}
