/** Closed-form exponential decay: S0 at t0 is S0 * 2^-((t - t0) / h) at t. */

/**
 * The factor a quantity keeps after `dt` ms with half-life `halfLife` ms (0: no decay).
 * Elapsed time below zero counts as zero: reading the past never inflates a score.
 *
 * @example decayFactor(604_800_000, 604_800_000) // 0.5
 */
export function decayFactor(dt: number, halfLife: number): number {
  if (halfLife <= 0 || dt <= 0) return 1;
  return Math.pow(2, -(dt / halfLife));
}
