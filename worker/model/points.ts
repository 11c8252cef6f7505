/**
 * Fitted log-odds weights become points on the config's own scale: one factor for every fitted rule,
 * chosen so the fitted rules' suggested positive points add up to what their positive points add up to
 * now. A single factor keeps the fit's ranking of leads (points are proportional to log-odds, and the
 * intercept only shifts every score alike), and matching the positive total keeps the label bands
 * where they are meaningful: a lead that earns most rules' points still lands near the same score.
 * A rule the fit could not weigh (it never varied among the training leads: nobody hit it, or
 * everybody did) keeps its points, since the data says nothing about it.
 */

/** The positive total a suggestion is scaled to when the fitted rules have no positive points now. */
export const DEFAULT_POSITIVE_TOTAL = 100;

/**
 * Points for each weight, rounded to whole points as configs are written; `fitted[j]` false keeps `current[j]`.
 *
 * @example pointsFromWeights([0.5, 1.5, -0.25, 0], [20, 20, -10, 7], [true, true, true, false]) // [10, 30, -5, 7]: 20 + 20 = 40 positive points over 0.5 + 1.5 = 2 units of log-odds, 20 points per unit
 */
export function pointsFromWeights(weights: readonly number[], current: readonly number[], fitted: readonly boolean[] = weights.map(() => true)): number[] {
  const positive = (list: readonly number[]) => list.reduce((sum, v, j) => sum + (fitted[j] ? Math.max(0, v) : 0), 0);
  const fittedTotal = positive(weights);
  const target = positive(current) || DEFAULT_POSITIVE_TOTAL;
  // `+ 0` turns the -0 of a rounded small negative into 0.
  return weights.map((w, j) => (!fitted[j] ? current[j]! : fittedTotal === 0 ? 0 : Math.round((w * target) / fittedTotal) + 0));
}
