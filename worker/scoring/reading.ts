/**
 * Everything the Lead object reads of a lead at one instant, from one snapshot: the view, the top
 * contributions webhooks carry, and the next decay crossing the alarm points at. One snapshot per
 * request instead of a view per question (the score curve is the expensive part of each).
 */
import { compile } from "./compile";
import { crossingOf } from "./crossing";
import { contributionsOf, topOf } from "./explain";
import type { ScoringConfig } from "./schema";
import type { ScoreCurve } from "./score";
import type { LeadState, LeadView } from "./types";
import { activeSnapshot, toView } from "./view";

export interface LeadReading {
  view: LeadView;
  /** The rules that matter most now (computed on first use: most requests send no webhook). */
  top(n: number): Array<{ rule: string; points: number }>;
  /** The instant decay next moves what the lead shows, or null (see nextCrossing). */
  nextCrossing: number | null;
  /** The active model's score curve at this instant (the site's lead index keeps it, see ../site/index-curve.ts). */
  curve: ScoreCurve;
}

/**
 * Reads a lead once at `now`.
 *
 * @example const { view, nextCrossing } = readLead(state, config, Date.now())
 */
export function readLead(state: LeadState, config: ScoringConfig, now: number): LeadReading {
  const snap = activeSnapshot(state, compile(config), now);
  const view = toView(snap, state.traits);
  const nextCrossing = crossingOf(snap);
  let top: Array<{ rule: string; points: number }> | null = null;
  return { view, nextCrossing, curve: snap.curve, top: (n) => (top ??= topOf(contributionsOf(snap, state.traits), n)) };
}
