/**
 * One lead's part of a backtest, pure: its own events replayed under the config in force and under a
 * candidate, answered as counts and outcome summaries only (never the events), so nothing of the
 * person leaves the Lead object but what the report adds up.
 */
import { view, type ScoringConfig, type ScoringEvent } from "../scoring";
import { replayLead } from "../lead/replay";
import type { FoldedHistory } from "../lead/retention";
import { leadOutcome, type LeadOutcome } from "./outcome";

export interface BacktestSide {
  outcome: LeadOutcome | null;
  /** the label and score the lead would show now */
  label: string;
  score: number;
}

export interface BacktestLead {
  leadId: string;
  current: BacktestSide;
  candidate: BacktestSide;
}

function side(events: ScoringEvent[], config: ScoringConfig, now: number, folded: FoldedHistory | undefined): BacktestSide {
  // The replay a saved config's re-score makes (../lead/replay.ts): the label a side shows is the one the lead would get.
  const { label, score } = view(replayLead(events, config, now, folded), config, now);
  return { outcome: leadOutcome(events, config, now), label, score };
}

/**
 * A lead's events under the current and the candidate config, side by side. `folded` (what retention
 * folded of the lead's oldest events) is where both replays start, as a re-score's does.
 *
 * @example backtestLead("l_1", events, live.config, candidate, Date.now(), record.folded) // { leadId: "l_1", current: { outcome, label: "warm", score: 35 }, candidate: { ... } }
 */
export function backtestLead(leadId: string, events: ScoringEvent[], current: ScoringConfig, candidate: ScoringConfig, now: number, folded?: FoldedHistory): BacktestLead {
  return { leadId, current: side(events, current, now, folded), candidate: side(events, candidate, now, folded) };
}
