/**
 * A lead's score curve as the site's lead index keeps it: enough to compute the exact score at any
 * later instant without waking the lead, and two order keys that bound it from above for every
 * instant, so a listing by the score *now* can stop reading early (./lead-index.ts).
 *
 * The score of a model is `clamp(base + Σ decaying terms + absence steps due by t)` (see
 * ../scoring/score.ts), where decaying terms are never negative (negative points never decay) and
 * steps never positive. Terms that share a half-life h add up exactly in the log domain:
 * `Σ aᵢ·2^-((t - tᵢ)/h) = 2^(k - t/h)` with `k = log2 Σ aᵢ·2^(tᵢ/h)`, the `log2(S0) + t0/h` key of a
 * single term. Pure module: no Cloudflare import, no clock.
 */
import type { ScoreCurve } from "../scoring/score";

/** The curve as stored: numbers only, a few dozen bytes for a typical lead. */
export interface IndexCurve {
  /** Points that never decay: fit (when the model adds it to the score) and steady behaviour. */
  b: number;
  /** Decaying points grouped by half-life: `[h, k]` is worth `2^(k - t/h)` at t (ms since epoch). */
  d: Array<[number, number]>;
  /** Absence steps still to fire: `[at, amount]`, amount ≤ 0. */
  s: Array<[number, number]>;
  /** The model's scale: the score is clamped to it (null: unbounded, as JSON has no Infinity). */
  lo: number | null;
  hi: number | null;
}

/** The order keys a row is listed by (see ./lead-index.ts). */
export interface OrderKeys {
  /** The half-life class of the decaying part (0: none): a power of two minutes at or above its longest half-life. */
  hl: number;
  /** With a decaying part: a bound of the part that never decays, max(scale minimum, base) rounded up to a quarter octave (0 when ≤ 0). Else 0. */
  bb: number;
  /** With a decaying part: log2 of it at t0, plus t0 / hl (it is at most 2^(key - t/hl) at any t). Else the bound of the score itself. */
  key: number;
}

const MINUTE_MS = 60_000;
/** Half-life classes: one minute times a power of two, up to 2^40 minutes (longer ones share the last). */
const MAX_CLASS_EXPONENT = 40;

/**
 * The smallest half-life class at or above `halfLife`: listing walks one list per class, so a site
 * whose rules, models and operator adjustments use many half-lives still walks a few dozen at most.
 *
 * @example halfLifeClass(7 * 24 * 3_600_000) // 60_000 * 2 ** 14 (11.4 days)
 */
export function halfLifeClass(halfLife: number): number {
  const exponent = Math.min(MAX_CLASS_EXPONENT, Math.max(0, Math.ceil(Math.log2(halfLife / MINUTE_MS) - 1e-12)));
  return MINUTE_MS * 2 ** exponent;
}

/** log2 of a sum of positive numbers given by their log2s, without overflowing. */
function log2Sum(logs: number[]): number {
  const top = Math.max(...logs);
  return top + Math.log2(logs.reduce((sum, l) => sum + 2 ** (l - top), 0));
}

/**
 * The curve of one model's score, as the index stores it.
 *
 * @example indexCurveOf(reading.curve) // { b: 10, d: [[604800000, 2868.3]], s: [], lo: 0, hi: 100 }
 */
export function indexCurveOf(curve: ScoreCurve): IndexCurve {
  const byHalfLife = new Map<number, number[]>();
  for (const term of curve.terms) {
    if (term.amount <= 0 || term.halfLife <= 0) continue;
    const logs = byHalfLife.get(term.halfLife) ?? [];
    logs.push(Math.log2(term.amount) + term.t0 / term.halfLife);
    byHalfLife.set(term.halfLife, logs);
  }
  const d = [...byHalfLife].sort((a, b) => a[0] - b[0]).map(([h, logs]): [number, number] => [h, log2Sum(logs)]);
  const b = curve.steady + (curve.model.combine === "sum" ? curve.fit : 0);
  return { b, d, s: curve.steps.map((step): [number, number] => [step.at, step.amount]), lo: finiteOrNull(curve.model.scaleMin), hi: finiteOrNull(curve.model.scaleMax) };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The decaying part at t (unclamped), never more than at the instant it was stored (reading the past never inflates). */
function decayingAt(curve: IndexCurve, t: number, storedAt: number): number {
  const at = Math.max(t, storedAt);
  return curve.d.reduce((sum, [h, k]) => sum + 2 ** (k - at / h), 0);
}

/**
 * The score the curve gives at `t`, rounded and clamped as the engine's scores are: exact for the
 * lead as it was when the curve was stored (`storedAt`).
 *
 * @example scoreOnCurve({ b: 0, d: [[h, Math.log2(40) + t0 / h]], s: [], lo: 0, hi: 100 }, t0 + h, t0) // 20
 */
export function scoreOnCurve(curve: IndexCurve, t: number, storedAt: number): number {
  let value = curve.b + decayingAt(curve, t, storedAt);
  for (const [at, amount] of curve.s) if (at <= t) value += amount;
  const clamped = Math.min(curve.hi ?? Number.POSITIVE_INFINITY, Math.max(curve.lo ?? Number.NEGATIVE_INFINITY, value));
  return Math.round(clamped * 100) / 100 || 0;
}

/** Quarter octaves: a bound at most 19% above the base it stands for. */
const STEPS_PER_OCTAVE = 4;

/**
 * The base bound's bucket: the smallest quarter octave at or above `base`, 0 for a base at or below 0.
 *
 * @example baseBucket(40) // 2 ** (22 / 4) ≈ 45.25
 */
export function baseBucket(base: number): number {
  return base > 0 ? 2 ** (Math.ceil(STEPS_PER_OCTAVE * Math.log2(base) - 1e-9) / STEPS_PER_OCTAVE) : 0;
}

/**
 * The order keys of a curve stored at `t0`. For every t: score(t) ≤ upperBound(keys, t), since each
 * decaying term halves at least as fast as its class, steps only take points away and the clamp is
 * monotone. Rows of one (hl, bb) share the bound's form, so ordering them by `key` orders their bounds.
 *
 * @example orderKeys({ b: 5, d: [], s: [], lo: 0, hi: 100 }, t0) // { hl: 0, bb: 0, key: 5 }
 */
export function orderKeys(curve: IndexCurve, t0: number): OrderKeys {
  const ubBase = Math.max(curve.lo ?? Number.NEGATIVE_INFINITY, curve.b);
  const decaying = decayingAt(curve, t0, t0);
  if (curve.d.length === 0 || !(decaying > 0)) return { hl: 0, bb: 0, key: ubBase };
  const hl = halfLifeClass(Math.max(...curve.d.map(([h]) => h)));
  return { hl, bb: baseBucket(ubBase), key: Math.log2(decaying) + t0 / hl };
}

/** The bound `orderKeys` promises, at t: what a listing compares unread rows with. */
export function upperBound(keys: OrderKeys, t: number): number {
  return keys.hl > 0 ? keys.bb + 2 ** (keys.key - t / keys.hl) : keys.key;
}

/**
 * How far the listed score may drift from the lead's exact one before the lead re-indexes: 3 points
 * or a tenth of the score, whichever is more (a quarter let a 10-point chat on a 40-point lead go
 * unlisted, so the list and the lead's page disagreed by a whole rule). Decay never drifts (the curve holds it), and a label
 * or stage change re-indexes at once; what the listing may miss is points earned since the lead last
 * re-indexed that stayed within this and moved no line. Tighter costs an index write (two rows) for
 * nearly every scoring event: the bench's session earns 5 to 30 points an event.
 */
export const INDEX_TOLERANCE = { points: 3, fraction: 0.1 } as const;

/**
 * Whether what the index would list now for the lead (from the curve it holds) is further from its
 * exact score than INDEX_TOLERANCE allows.
 *
 * @example drifted({ curve, at: t0 }, 52, t0 + 1) // true when the stored curve gives 40 (52 - 40 > 5.2)
 */
export function drifted(indexed: { curve: IndexCurve; at: number } | undefined, exact: number, now: number): boolean {
  if (!indexed) return true;
  const listed = scoreOnCurve(indexed.curve, now, indexed.at);
  return Math.abs(listed - exact) > Math.max(INDEX_TOLERANCE.points, INDEX_TOLERANCE.fraction * Math.abs(exact));
}
