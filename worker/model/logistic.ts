/**
 * L2-regularised logistic regression, fitted by Newton's method (iteratively reweighted least
 * squares) on standardised columns. Pure and deterministic: no randomness, no clock.
 *
 * Why logistic regression and not naive Bayes (as Odoo's predictive scoring uses): its predicted
 * probabilities are calibrated, and it fits all rules together, so two rules that fire on the same
 * visitors (a pricing view and a cart add, say) share the credit instead of each claiming it in full,
 * which is exactly the double counting a points config suffers from. Its coefficients are additive on
 * the log-odds scale, as a points config is additive on its own scale, so they map to points.
 *
 * Why standardise: the penalty then weighs every rule alike whatever its typical hit count, and the
 * coefficients are mapped back to the columns' own units before they are answered.
 */

/** A fitted model: log-odds = intercept + Σ weights[j] · row[j], in the rows' own units. */
export interface LogisticFit {
  intercept: number;
  weights: number[];
  /** per column, whether it varied: a column that never did is not fitted (its weight is 0 for want of evidence) */
  fitted: boolean[];
  iterations: number;
  converged: boolean;
}

export interface LogisticOptions {
  /** The L2 penalty on standardised weights (the intercept is not penalised). */
  l2?: number;
  maxIterations?: number;
  /** Converged once no standardised coefficient moves by more than this in a step. */
  tolerance?: number;
}

const DEFAULTS = { l2: 1, maxIterations: 100, tolerance: 1e-9 } as const;
/** Step halvings tried before a Newton step is taken as it is. */
const MAX_HALVINGS = 30;

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));
/** log(1 + e^z) without overflow. */
const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

/** Column means and (population) standard deviations. */
function columnStats(rows: readonly number[][], width: number): { mean: number[]; sd: number[] } {
  const mean = new Array<number>(width).fill(0);
  const sd = new Array<number>(width).fill(0);
  for (const row of rows) for (let j = 0; j < width; j++) mean[j]! += row[j]! / rows.length;
  for (const row of rows) for (let j = 0; j < width; j++) sd[j]! += (row[j]! - mean[j]!) ** 2 / rows.length;
  return { mean, sd: sd.map(Math.sqrt) };
}

/**
 * Solves A x = b for a symmetric positive definite A (Cholesky); A and b are not changed.
 *
 * @example solveSpd([[4, 2], [2, 3]], [10, 7]) // [2, 1]
 */
export function solveSpd(a: readonly number[][], b: readonly number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(Math.max(sum, 1e-300)) : sum / l[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/**
 * Fits P(outcome = 1 | row) = σ(intercept + weights · row), minimising the negative log-likelihood
 * plus l2/2 · |standardised weights|². A column that never varies gets weight 0: the data says nothing
 * about it.
 *
 * @example
 * const fit = fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1], { l2: 0.1 });
 * fit.weights[0] > 0 // true: more hits, likelier to convert
 */
export function fitLogistic(rows: readonly number[][], outcomes: readonly number[], options: LogisticOptions = {}): LogisticFit {
  const { l2, maxIterations, tolerance } = { ...DEFAULTS, ...options };
  const width = rows[0]?.length ?? 0;
  const { mean, sd } = columnStats(rows, width);
  const live = [...Array(width).keys()].filter((j) => sd[j]! > 0);
  // Design matrix on live standardised columns, with the intercept's column of ones first.
  const x = rows.map((row) => [1, ...live.map((j) => (row[j]! - mean[j]!) / sd[j]!)]);
  const y = outcomes.map((o) => (o ? 1 : 0));
  const p = live.length + 1;
  const penalty = (j: number) => (j === 0 ? 0 : l2);
  const loss = (beta: number[]) => {
    let total = 0;
    for (let i = 0; i < x.length; i++) {
      const z = dot(x[i]!, beta);
      total += softplus(z) - y[i]! * z;
    }
    for (let j = 1; j < p; j++) total += (l2 / 2) * beta[j]! ** 2;
    return total;
  };

  let beta = new Array<number>(p).fill(0);
  let current = loss(beta);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    const gradient = beta.map((b, j) => penalty(j) * b);
    // A tiny ridge on the intercept too keeps the Hessian definite when every outcome is the same.
    const hessian = beta.map((_, j) => beta.map((__, k) => (j === k ? penalty(j) || 1e-9 : 0)));
    for (let i = 0; i < x.length; i++) {
      const row = x[i]!;
      const prob = sigmoid(dot(row, beta));
      const w = prob * (1 - prob);
      for (let j = 0; j < p; j++) {
        gradient[j]! += (prob - y[i]!) * row[j]!;
        for (let k = 0; k <= j; k++) hessian[j]![k]! += w * row[j]! * row[k]!;
      }
    }
    for (let j = 0; j < p; j++) for (let k = j + 1; k < p; k++) hessian[j]![k] = hessian[k]![j]!;
    const step = solveSpd(hessian, gradient);
    // Newton's step, halved while it would make the (convex) objective worse.
    let scale = 1;
    let next = beta.map((b, j) => b - step[j]!);
    let nextLoss = loss(next);
    for (let h = 0; h < MAX_HALVINGS && nextLoss > current; h++) {
      scale /= 2;
      next = beta.map((b, j) => b - scale * step[j]!);
      nextLoss = loss(next);
    }
    const moved = Math.max(...step.map((s) => Math.abs(s * scale)));
    beta = next;
    current = nextLoss;
    if (moved < tolerance) {
      converged = true;
      break;
    }
  }

  // Back to the columns' own units: w_j = β_j / sd_j, and the means fold into the intercept.
  const weights = new Array<number>(width).fill(0);
  let intercept = beta[0]!;
  live.forEach((j, index) => {
    weights[j] = beta[index + 1]! / sd[j]!;
    intercept -= weights[j]! * mean[j]!;
  });
  return { intercept, weights, fitted: sd.map((s) => s > 0), iterations, converged };
}

/**
 * The fitted log-odds of one row.
 *
 * @example logOdds({ intercept: -2, weights: [1.5] }, [2]) // 1
 */
export function logOdds(fit: Pick<LogisticFit, "intercept" | "weights">, row: readonly number[]): number {
  return fit.intercept + dot(fit.weights, row);
}

function dot(a: readonly number[], b: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
