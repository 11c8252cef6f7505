/**
 * A lead's state rebuilt from what it keeps, under one config: retention's folded state, then every
 * event it still stores (batch rows and those riding in the record). A config change re-scores a lead
 * this way (so a rule the new config adds, or a changed `when`, cap or points, counts for its old
 * events), a merge re-scores the union this way, and the backtest and retention fold with it too: one
 * computation, so a preview counts what the real re-score then does.
 */
import { applyEvents, newLeadState, type LeadState, type ScoringConfig, type ScoringEvent } from "../scoring";
import type { FoldedHistory } from "./retention";

/**
 * The state of `events` applied in time order on top of what retention folded, under `config`, with
 * time run to `at`. The events are the lead's own, deduplicated when they were stored: none is dropped.
 * Folded events stay as they were counted when folded (under the config in force then): they are in no
 * list any more.
 *
 * @example const state = replayLead([...store.events(), ...record.pending.map((p) => p.event)], config.config, now, record.folded)
 */
export function replayLead(events: readonly ScoringEvent[], config: ScoringConfig, at: number, folded?: Pick<FoldedHistory, "state">): LeadState {
  return applyEvents(folded?.state ?? newLeadState(), [...events], config, at, { deduplicated: true }).state;
}
