/** Why a lead has its score: every rule's contribution after decay, the next lines up and the line down. */
import { nextBandUp } from "./bands";
import { compile, type CompiledBand } from "./compile";
import { firstInstantBelow, visibleLines } from "./crossing";
import type { ScoringConfig } from "./schema";
import { matches } from "./condition";
import { decayFactor } from "./decay";
import { round2, rulePoints, unclampedAt } from "./score";
import type { Contribution, Explanation, LeadState, NextBand } from "./types";
import { activeSnapshot, toView, type ModelSnapshot } from "./view";

function nextBand(bands: CompiledBand[], index: number, score: number): NextBand | undefined {
  const next = nextBandUp(bands, index);
  return next && { name: next.band.name, min: next.band.min, pointsNeeded: round2(Math.max(0, next.band.min - score)) };
}

/** Every rule's part in the score of one snapshot, largest first. */
export function contributionsOf(snap: ModelSnapshot, traits: Record<string, unknown>): Contribution[] {
  const { model, ms } = snap;
  const contributions: Contribution[] = [];
  for (const rule of model.behaviour) {
    const acc = ms.rules[rule.id];
    if (!acc || acc.n === 0) continue;
    contributions.push({
      rule: rule.id,
      kind: "behaviour",
      points: round2(rulePoints(rule, acc, snap.at)),
      rawPoints: round2(rule.points * acc.n),
      count: acc.n,
      events: acc.recent.map(([id]) => id),
    });
  }
  for (const [id, ts, points, halfLife, reason] of ms.adjust ?? []) {
    const now = halfLife > 0 ? points * decayFactor(snap.at - ts, halfLife) : points;
    contributions.push({ rule: "adjust", kind: "operator", reason, points: round2(now), rawPoints: points, count: 1, events: [id] });
  }
  for (const rule of model.fit) {
    if (!matches(rule.value(traits), rule.condition, snap.at)) continue;
    contributions.push({ rule: rule.id, kind: "fit", points: rule.points, rawPoints: rule.points, count: 1, events: [] });
  }
  contributions.sort((a, b) => Math.abs(b.points) - Math.abs(a.points) || (a.rule < b.rule ? -1 : 1));
  return contributions;
}

/**
 * Every rule's part in the score at `now` (largest first), the next label and stage up, and when decay
 * will take the lead below its current label's lower line.
 *
 * @example explain(state, config, Date.now()).contributions[0] // { rule: "pricing", kind: "behaviour", points: 17.5, ... }
 */
export function explain(state: LeadState, config: ScoringConfig, now: number): Explanation {
  const snap = activeSnapshot(state, compile(config), now);
  const { model } = snap;
  const view = toView(snap, state.traits);
  const contributions = contributionsOf(snap, state.traits);

  const explanation: Explanation = {
    score: view.score,
    label: view.label,
    stage: view.stage,
    model: model.id,
    disqualified: view.disqualified,
    fitScore: view.fitScore,
    behaviourScore: view.behaviourScore,
    contributions,
  };
  if (view.grade !== undefined) explanation.grade = view.grade;
  // The clamp shows a floor or ceiling; the points it hides still count and later points pay them off first.
  const unclamped = unclampedAt(snap.curve, snap.at);
  if (unclamped !== view.score) {
    explanation.scale = {
      ...(Number.isFinite(model.scaleMin) ? { min: model.scaleMin } : {}),
      ...(Number.isFinite(model.scaleMax) ? { max: model.scaleMax } : {}),
      unclamped,
      hidden: round2(unclamped - view.score),
    };
  }
  if (view.disqualifiedBy) explanation.disqualifiedBy = view.disqualifiedBy;
  if (view.disqualified) return explanation;

  const nextLabel = nextBand(model.labels.list, snap.labelIndex, snap.score);
  if (nextLabel) explanation.nextLabel = nextLabel;
  const nextStage = nextBand(model.stages.list, snap.stageIndex, snap.score);
  if (nextStage) explanation.nextStage = nextStage;
  const line = visibleLines(snap).label;
  if (line !== undefined) {
    explanation.lowerLine = {
      name: view.label,
      to: model.labels.list[snap.labelIndex - 1]!.name,
      at: line,
      crossesAt: firstInstantBelow(snap.curve, snap.at, line),
    };
  }
  return explanation;
}

/**
 * The rules that matter most right now (by size of contribution), for webhook payloads.
 *
 * @example topContributions(state, config, Date.now(), 3) // [{ rule: "demo_request", points: 30 }, ...]
 */
export function topContributions(state: LeadState, config: ScoringConfig, now: number, n = 5): Array<{ rule: string; points: number }> {
  return topOf(contributionsOf(activeSnapshot(state, compile(config), now), state.traits), n);
}

/** The n largest non-zero contributions, as webhooks carry them. */
export function topOf(contributions: Contribution[], n: number): Array<{ rule: string; points: number }> {
  return contributions
    .filter((c) => c.points !== 0)
    .slice(0, n)
    .map(({ rule, points }) => ({ rule, points }));
}
