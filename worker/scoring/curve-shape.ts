/**
 * A lead's score curve in a small, storable form: what the score does from one instant until the
 * next event, without the config that produced it. A score history stores one with every point, so
 * the decay between points can be drawn exactly years later, whatever the config has become since.
 */
import { compile } from "./compile";
import type { ScoringConfig } from "./schema";
import { round2 } from "./score";
import { activeSnapshot, toView, type ModelSnapshot } from "./view";
import type { LeadState, LeadView } from "./types";

/**
 * The score from instant `at` on: `c` constant points (fit included when it counts, absence steps
 * already fired), decaying parts `d` as [half-life ms, points at `at`] (one per half-life: terms with
 * the same half-life add up exactly), absence steps still to come `s` as [instant, points], and the
 * model's scale `lo`..`hi` when it has one.
 */
export interface CurveShape {
  c: number;
  d?: Array<[halfLife: number, points: number]>;
  s?: Array<[at: number, points: number]>;
  lo?: number;
  hi?: number;
}

/** The lead at one instant with the curve its score follows from there. */
export interface ShapedView {
  view: LeadView;
  shape: CurveShape;
}

/**
 * Reads the lead at `at` and its curve from there on. `read`, when given, is the engine step's
 * snapshot of this same state at `at` (Step.snapshot): used as it is instead of reading again.
 *
 * @example const { view, shape } = shapeAt(state, config, Date.now()); curveScore(shape, Date.now(), Date.now() + 3_600_000)
 */
export function shapeAt(state: LeadState, config: ScoringConfig, at: number, read?: ModelSnapshot): ShapedView {
  const compiled = compile(config);
  // A step's own reading of this state at `at` (see Step.snapshot) spares reading the lead again.
  const reusable = read !== undefined && read.at === Math.max(at, state.clock) && compiled.models.includes(read.model);
  return shapeOf(reusable ? read : activeSnapshot(state, compiled, at), state.traits);
}

function shapeOf(snap: ModelSnapshot, traits: Record<string, unknown>): ShapedView {
  const { curve, model } = snap;
  const t = snap.at;
  const byHalfLife = new Map<number, number>();
  for (const term of curve.terms) byHalfLife.set(term.halfLife, (byHalfLife.get(term.halfLife) ?? 0) + term.amount * 2 ** (-(t - term.t0) / term.halfLife));
  let c = curve.steady + (model.combine === "sum" ? curve.fit : 0);
  const later: Array<[number, number]> = [];
  for (const step of curve.steps) {
    if (step.at <= t) c += step.amount;
    else later.push([step.at, step.amount]);
  }
  const shape: CurveShape = { c: roundPoints(c) };
  const decaying = [...byHalfLife].filter(([, points]) => points !== 0).map(([h, points]): [number, number] => [h, roundPoints(points)]);
  if (decaying.length > 0) shape.d = decaying.sort((a, b) => a[0] - b[0]);
  if (later.length > 0) shape.s = later;
  if (Number.isFinite(model.scaleMin)) shape.lo = model.scaleMin;
  if (Number.isFinite(model.scaleMax)) shape.hi = model.scaleMax;
  return { view: toView(snap, traits), shape };
}

/** Stored parts keep 6 decimals: far below the 2 a score shows, and a third of the bytes of a double. */
function roundPoints(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * The score a shape taken at `from` gives at `t` (t >= from), rounded and clamped like every score.
 *
 * @example curveScore({ c: 10, d: [[3_600_000, 40]] }, 0, 3_600_000) // 10 + 40 / 2 = 30
 */
export function curveScore(shape: CurveShape, from: number, t: number): number {
  let sum = shape.c;
  for (const [h, points] of shape.d ?? []) sum += points * 2 ** (-(t - from) / h);
  for (const [at, points] of shape.s ?? []) if (at <= t) sum += points;
  return round2(Math.min(shape.hi ?? Infinity, Math.max(shape.lo ?? -Infinity, sum)));
}

/**
 * The shortest half-life still worth drawing at `t`: where the curve bends fastest (null: it is flat).
 * A part below 1% of the decaying total no longer shapes the curve, so a long tail is not sampled
 * at the pace of a half-life that faded hours ago.
 *
 * @example bendingHalfLife({ c: 0, d: [[60_000, 1], [3_600_000, 50]] }, 0, 600_000) // 3_600_000 (the 1-minute part is gone)
 */
export function bendingHalfLife(shape: CurveShape, from: number, t: number): number | null {
  const parts = (shape.d ?? []).map(([h, points]) => [h, Math.abs(points * 2 ** (-(t - from) / h))] as const);
  const total = parts.reduce((sum, [, p]) => sum + p, 0);
  if (total < MIN_DRAWN_POINTS) return null;
  const live = parts.filter(([, p]) => p >= total / 100).map(([h]) => h);
  return live.length > 0 ? Math.min(...live) : null;
}

/** Decay worth less than this many points in total leaves a curve that draws flat. */
const MIN_DRAWN_POINTS = 0.005;
