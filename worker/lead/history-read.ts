/**
 * The answer of `GET …/leads/{lead}/history`: the recorded points (exact at every event, crossing,
 * config change and merge) with samples of each point's own curve between them, so a chart draws the
 * decay as it was, whatever mix of half-lives made it, and every label and stage transition with its
 * cause. Pure: the Lead object passes what it stored.
 */
import { bendingHalfLife, curveScore } from "../scoring";
import type { WebhookCause } from "../webhooks/payload";
import type { HistoryEntry, TransitionKind } from "./history";

/** A point of the timeline; `cause` is present on recorded points and absent on samples of the curve between them. */
export interface HistoryPoint {
  t: number;
  score: number;
  label: string;
  stage: string;
  model: string;
  configVersion: number;
  cause?: WebhookCause;
}

export interface HistoryTransition {
  t: number;
  kind: TransitionKind;
  from: string;
  to: string;
  cause: WebhookCause;
}

export interface HistoryAnswer {
  leadId: string;
  from: number;
  to: number;
  /** The config version in force now. */
  configVersion: number;
  points: HistoryPoint[];
  transitions: HistoryTransition[];
}

/** Samples drawn between two points at most; fewer when a long history would make the answer big. */
const MAX_SAMPLES_PER_GAP = 48;
const MIN_SAMPLES_PER_GAP = 8;
/** Roughly the most points one answer holds. */
const MAX_POINTS = 6000;
/** A sample every eighth of the half-life that shapes the curve: a smooth exponential on any chart. */
const SAMPLES_PER_HALF_LIFE = 8;

function pointOf(entry: HistoryEntry, t: number, recorded: boolean): HistoryPoint {
  const point: HistoryPoint = { t, score: recorded ? entry.score : curveScore(entry.shape, entry.t, t), label: entry.label, stage: entry.stage, model: entry.model, configVersion: entry.v };
  if (recorded) point.cause = entry.cause;
  return point;
}

/**
 * Instants to sample the curve of `entry` in (entry.t, end]: an eighth of the half-life that bends it
 * most at each step (so a fast decay is drawn finely and its long tail coarsely), each absence step
 * and the instant before it, and `end` itself.
 */
function sampleInstants(entry: HistoryEntry, end: number, most: number): number[] {
  const instants = new Set<number>();
  let t = entry.t;
  for (let n = 0; n < most; n++) {
    const h = bendingHalfLife(entry.shape, entry.t, t);
    if (h === null) break;
    t += Math.max(1, Math.min(h / SAMPLES_PER_HALF_LIFE, (end - entry.t) / MIN_SAMPLES_PER_GAP));
    if (t >= end) break;
    instants.add(Math.round(t));
  }
  for (const [at] of entry.shape.s ?? []) if (at > entry.t && at <= end) instants.add(at - 1).add(at);
  instants.add(end);
  return [...instants].filter((x) => x > entry.t && x <= end).sort((a, b) => a - b);
}

/**
 * The timeline between `from` and `to` (ms, inclusive): each recorded point, samples of its curve up
 * to the instant before the next point (where an event makes the score jump), and the score at `to`.
 *
 * @example historyAnswer(entries, { leadId: "ld_1", from: 0, to: Date.now(), configVersion: 3 }).points[0] // { t, score: 20, label: "cold", cause: { kind: "event", ... } }
 */
export function historyAnswer(entries: readonly HistoryEntry[], query: { leadId: string; from: number; to: number; configVersion: number; folded?: { before: number; last?: HistoryEntry } }): HistoryAnswer {
  const { to } = query;
  // What retention folded shows as its newest curve from the cutoff on, never as points of its own.
  const from = Math.max(query.from, query.folded?.last ? query.folded.before : query.from);
  if (query.folded?.last) entries = [query.folded.last, ...entries];
  // A stable sort: entries of one instant keep the order they happened in.
  const sorted = [...entries].sort((a, b) => a.t - b.t);
  const first = sorted.findIndex((e) => e.t >= from);
  const start = first < 0 ? sorted.length - 1 : first > 0 && sorted[first]!.t > from ? first - 1 : first;
  const shown = start < 0 ? [] : sorted.slice(start).filter((e) => e.t <= to);
  const most = Math.max(MIN_SAMPLES_PER_GAP, Math.min(MAX_SAMPLES_PER_GAP, Math.floor(MAX_POINTS / Math.max(1, shown.length))));
  const points: HistoryPoint[] = [];
  shown.forEach((entry, i) => {
    if (entry.t >= from) points.push(pointOf(entry, entry.t, true));
    else points.push(pointOf(entry, from, false));
    const next = shown[i + 1];
    // Up to the instant before the next point: the curve it shows ends there (the next may jump).
    const end = next ? next.t - 1 : to;
    if (end <= entry.t) return;
    for (const t of sampleInstants(entry, end, most)) if (t >= from) points.push(pointOf(entry, t, false));
  });
  const transitions = shown.filter((e) => e.t >= from).flatMap((e) => (e.moves ?? []).map((m): HistoryTransition => ({ t: e.t, kind: m.kind, from: m.from, to: m.to, cause: e.cause })));
  return { leadId: query.leadId, from: query.from, to, configVersion: query.configVersion, points, transitions };
}
