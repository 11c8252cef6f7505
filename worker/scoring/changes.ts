/** What changed between two views of a lead, as webhook-ready change records. */
import type { Cause, Change, LeadView } from "./types";

function direction(fromRank: number, toRank: number, fromScore: number, toScore: number): "up" | "down" {
  if (toRank !== fromRank) return toRank > fromRank ? "up" : "down";
  // Same rank under another model (the lead switched audience): the score tells which way it went.
  return toScore > fromScore ? "up" : "down";
}

/**
 * The label, stage and disqualification changes from `before` to `after`. Becoming disqualified is
 * one `lead.disqualified` change (its from/to are labels); while disqualified nothing else changes.
 *
 * @example diffViews(viewBeforeMerge, viewAfterMerge, Date.now(), { kind: "merge" })
 * // [{ type: "lead.label_changed", from: "warm", to: "hot", direction: "up", ... }]
 */
export function diffViews(before: LeadView, after: LeadView, at: number, cause: Cause): Change[] {
  if (after.disqualified) {
    if (before.disqualified) return [];
    return [{ type: "lead.disqualified", from: before.label, to: after.label, at, score: after.score, cause, rules: after.disqualifiedBy ?? [] }];
  }
  const changes: Change[] = [];
  if (before.label !== after.label) {
    const dir = direction(before.labelRank, after.labelRank, before.score, after.score);
    changes.push({ type: "lead.label_changed", from: before.label, to: after.label, direction: dir, at, score: after.score, cause });
  }
  if (before.stage !== after.stage) {
    const dir = direction(before.stageRank, after.stageRank, before.score, after.score);
    changes.push({ type: "lead.stage_changed", from: before.stage, to: after.stage, direction: dir, at, score: after.score, cause });
  }
  return changes;
}
