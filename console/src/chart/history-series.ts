/**
 * Turns a lead's score history into what the score chart draws: the score line (exact at every
 * point, the decay curve between points, a jump at each event), the band lines and a marker per
 * label or stage transition. Pure, so it is tested on fixtures without a browser.
 *
 * The input is the history shape of `GET /v1/sites/{site}/leads/{lead}/history`: points `{t, score}`
 * and transitions `{t, kind, from, to, cause}`, times in ms. That endpoint samples each point's own
 * curve itself (a score may decay with several half-lives at once), so its points are drawn as they
 * are (`sampled`); a simulated timeline has only the steps, and the decay between them is drawn here.
 */

export interface HistoryPoint {
  t: number;
  score: number;
  /** Present on the points the worker recorded (an event, a crossing, a config change); absent on samples of the curve. */
  cause?: unknown;
}

export interface HistoryTransition {
  t: number;
  /** "label", "stage", "disqualified" (any other kind is drawn like a label change). */
  kind: string;
  from: string | null;
  to: string | null;
  /** "decay", "config", "merge", or an event (its name) */
  cause: string | { kind: string; event?: { id?: string; name: string }; name?: string };
}

export interface LeadHistory {
  points: HistoryPoint[];
  transitions: HistoryTransition[];
  configVersion?: number;
}

export interface BandLine {
  name: string;
  min: number;
}

export interface ChartMarker {
  t: number;
  score: number;
  kind: string;
  text: string;
}

export interface ChartSeries {
  /** instants in ms, ascending */
  ts: number[];
  scores: number[];
  bands: BandLine[];
  markers: ChartMarker[];
}

export interface SeriesOptions {
  /** The model's half-life: draws decay before a jump exactly. Without it a rise is drawn as a step. */
  halfLifeMs?: number;
  /** Extend the curve from the last point to this instant (the score now). */
  until?: number;
  /** Samples drawn inside each decaying stretch. */
  samples?: number;
  /** The points already sample the curve (the history endpoint's): drawn exactly as they are. */
  sampled?: boolean;
  /** Webhooks sent about the lead: a marker each, at the instant its message names. */
  webhooks?: Array<{ t: number; text: string }>;
}

/** Scores are shown with two decimals: closer than this is "the same score". */
const SAME_SCORE = 0.005;
const DEFAULT_SAMPLES = 24;

/**
 * The series the chart draws for a history.
 *
 * @example
 * historySeries({ points: [{ t: 0, score: 40 }, { t: 2 * H, score: 10 }], transitions: [] }, [], { halfLifeMs: H })
 * // ts: [0, …, 2H], scores: [40, …, 10] (40 · 2^(−t/H) between, then the unexplained drop to 10 at 2H)
 */
export function historySeries(history: LeadHistory, bands: BandLine[], options: SeriesOptions = {}): ChartSeries {
  const samples = options.samples ?? DEFAULT_SAMPLES;
  const h = options.halfLifeMs && options.halfLifeMs > 0 ? options.halfLifeMs : 0;
  const points = [...history.points].sort((a, b) => a.t - b.t);
  const ts: number[] = [];
  const scores: number[] = [];
  const push = (t: number, score: number) => {
    ts.push(t);
    scores.push(score);
  };
  const decayed = (a: HistoryPoint, t: number) => (h ? a.score * 2 ** (-(t - a.t) / h) : a.score);
  points.forEach((a, i) => {
    push(a.t, a.score);
    if (options.sampled) return;
    const b = points[i + 1];
    if (!b) {
      // After the last point: the score now, as decay makes it.
      if (options.until !== undefined && options.until > a.t) for (let k = 1; k <= samples; k++) push(a.t + ((options.until - a.t) * k) / samples, decayed(a, a.t + ((options.until - a.t) * k) / samples));
      return;
    }
    if (b.t <= a.t) return;
    const at = (k: number) => a.t + ((b.t - a.t) * k) / samples;
    const before = decayed(a, b.t);
    if (b.score > before + SAME_SCORE) {
      // An event at b: the score decayed until just before it, then jumped.
      for (let k = 1; k < samples; k++) push(at(k), decayed(a, at(k)));
      push(b.t - 1, before);
    } else if (b.score < a.score - SAME_SCORE && a.score > 0 && b.score > 0) {
      // Pure decay (possibly of several rules at once): the exponential through both points, exact at each.
      for (let k = 1; k < samples; k++) push(at(k), a.score * (b.score / a.score) ** (k / samples));
    }
  });
  return {
    ts,
    scores,
    bands: bands.filter((b) => Number.isFinite(b.min)).sort((x, y) => x.min - y.min),
    markers: [
      ...history.transitions.map((tr) => ({ t: tr.t, score: scoreAt(ts, scores, tr.t), kind: tr.kind, text: transitionText(tr) })),
      ...(options.webhooks ?? []).map((w) => ({ t: w.t, score: scoreAt(ts, scores, w.t), kind: "webhook", text: w.text })),
    ].sort((a, b) => a.t - b.t),
  };
}

/** The drawn score at t: the last sample at or before t. */
function scoreAt(ts: number[], scores: number[], t: number): number {
  let value = scores[0] ?? 0;
  for (let i = 0; i < ts.length && ts[i]! <= t; i++) value = scores[i]!;
  return value;
}

/**
 * What a marker says.
 *
 * @example transitionText({ t: 0, kind: "label", from: "warm", to: "hot", cause: "cart_add" }) // "warm → hot (cart_add)"
 */
export function transitionText(tr: HistoryTransition): string {
  const cause = typeof tr.cause === "string" ? tr.cause : tr.cause.event?.name ?? tr.cause.name ?? tr.cause.kind;
  return `${tr.from ?? "none"} → ${tr.to ?? "none"} (${cause})`;
}

/** A simulate step, as `POST …/simulate` answers it. */
export interface SimulatedStep {
  at: number;
  name?: string;
  score: number;
  changes: Array<{ type: string; from: string; to: string; at: number; cause: { kind: string; name?: string } }>;
}

const KIND_OF_CHANGE: Record<string, string> = { "lead.label_changed": "label", "lead.stage_changed": "stage", "lead.disqualified": "disqualified" };

/**
 * A simulated timeline in the history shape, so the "try it" panel draws it with the same chart.
 *
 * @example timelineToHistory([{ at: 0, name: "page_view", score: 20, changes: [] }]) // { points: [{ t: 0, score: 20 }], transitions: [] }
 */
export function timelineToHistory(timeline: SimulatedStep[]): LeadHistory {
  return {
    points: timeline.map((s) => ({ t: s.at, score: s.score })),
    transitions: timeline.flatMap((s) =>
      s.changes.map((c) => ({ t: c.at, kind: KIND_OF_CHANGE[c.type] ?? c.type, from: c.from, to: c.to, cause: c.cause.kind === "event" ? (c.cause.name ?? "event") : c.cause.kind })),
    ),
  };
}

/**
 * The score axis's range for a series: from 0 (or a tenth below a negative score) to a tenth above the
 * highest score, and high enough to show every band line with its name. A curve at the plot's edge
 * looked cut off, and the webhook diamonds along the top edge sat on it.
 *
 * @example scoreAxisRange({ scores: [20, 77.91], bands: [{ name: "hot", min: 60 }] }) // [0, 85.7]
 */
export function scoreAxisRange(series: Pick<ChartSeries, "scores" | "bands">): [number, number] {
  const top = Math.max(10, ...series.scores.map((s) => s * 1.1), ...series.bands.map((b) => b.min * 1.15));
  const bottom = Math.min(0, ...series.scores.map((s) => s * 1.1));
  return [bottom, top];
}

/** Half the time axis a chart of one instant shows around it, in seconds: an hour in all. */
const LONE_INSTANT_HALF_S = 30 * 60;

/**
 * The time axis's range (seconds, as the chart plots them). A journey of one event, or of events at
 * one instant, has no span of its own: it is shown in the hour around that instant (the chart
 * library's own default for an empty span ran to years).
 *
 * @example timeAxisRange(1_800_000_000, 1_800_000_000) // [1_799_998_200, 1_800_001_800]
 */
export function timeAxisRange(min: number, max: number): [number, number] {
  return max - min >= 1 ? [min, max] : [min - LONE_INSTANT_HALF_S, max + LONE_INSTANT_HALF_S];
}
