/** What changed between two views of a lead, as webhook-ready change records. */
import type { Cause, Change, LeadView } from "./types";

function direction(fromRank: number, toRank: number, fromScore: number, toScore: number): "up" | "down" {
  if (toRank !== fromRank) return toRank > fromRank ? "up" : "down";
  // Same rank under another model (the lead switched audience): the score tells which way it went.
  return toScore > fromScore ? "up" : "down";
}

/** The banded values a view reports, each with its name and rank. */
const BANDED = [
  { type: "lead.label_changed", name: (v: LeadView) => v.label, rank: (v: LeadView) => v.labelRank },
  { type: "lead.stage_changed", name: (v: LeadView) => v.stage, rank: (v: LeadView) => v.stageRank },
  { type: "lead.grade_changed", name: (v: LeadView) => v.grade, rank: (v: LeadView) => v.gradeRank ?? -1 },
] as const;

/**
 * The label, stage, grade and disqualification changes from `before` to `after`. Becoming disqualified
 * is one `lead.disqualified` change (its from/to are labels); while disqualified nothing else changes.
 *
 * A switch of model (the lead's traits chose another audience) is not a change of the lead: where the
 * new model places it at the same position (rank) in its labels, stages or grades, nothing is reported
 * although the band may be named differently ("engaged" in one model, "MQL" in the other); the lead's
 * `model` in the view says whose names it now carries. A grade appears or disappears with a model that
 * has or lacks grades without a change either.
 *
 * @example diffViews(viewBeforeMerge, viewAfterMerge, Date.now(), { kind: "merge" })
 * // [{ type: "lead.label_changed", from: "warm", to: "hot", direction: "up", ... }]
 */
export function diffViews(before: LeadView, after: LeadView, at: number, cause: Cause): Change[] {
  if (after.disqualified) {
    if (before.disqualified) return [];
    return [{ type: "lead.disqualified", from: before.label, to: after.label, at, score: after.score, cause, rules: after.disqualifiedBy ?? [] }];
  }
  const switched = before.model !== after.model;
  const changes: Change[] = [];
  for (const band of BANDED) {
    const from = band.name(before);
    const to = band.name(after);
    if (from === undefined || to === undefined || from === to) continue;
    if (switched && !before.disqualified && band.rank(before) === band.rank(after)) continue;
    const dir = direction(band.rank(before), band.rank(after), before.score, after.score);
    changes.push({ type: band.type, from, to, direction: dir, at, score: after.score, cause });
  }
  return changes;
}
