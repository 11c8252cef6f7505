/** A what-if timeline: events applied one at a time, with the decay crossings between them. */
import { advanceInPlace, applyEventInPlace, orderEvents, type Step } from "./apply";
import { compile } from "./compile";
import type { ScoringConfig } from "./schema";
import { cloneState, newLeadState } from "./state";
import type { LeadState, ScoringEvent, TimelineEntry } from "./types";
import { viewCompiled } from "./view";

/**
 * Apply events in time order and record, after each event and at each decay crossing up to `until`
 * (default: the last event), the score, label and stage with the changes. Stores nothing.
 *
 * @example simulate(events, config, { until: events.at(-1)!.ts + 7 * 86_400_000 }).timeline
 * // [{ at, eventId: "e1", name: "page_view", score: 5, label: "cold", ... }, { at, score: 29.9, label: "cold", changes: [...decay] }]
 */
export function simulate(
  events: ScoringEvent[],
  config: ScoringConfig,
  opts: { until?: number; state?: LeadState } = {},
): { timeline: TimelineEntry[]; state: LeadState } {
  const compiled = compile(config);
  const state = cloneState(opts.state ?? newLeadState());
  const seen = new Set(state.seen.map(([id]) => id));
  const timeline: TimelineEntry[] = [];
  const record = (at: number, changes: TimelineEntry["changes"], event?: ScoringEvent) => {
    const v = viewCompiled(state, compiled, at);
    timeline.push({ at, ...(event ? { eventId: event.id, name: event.name } : {}), score: v.score, label: v.label, stage: v.stage, changes });
  };
  // Steps are reported right after the state reaches them, so the view read here is the step's own.
  const onStep = (step: Step) => record(step.at, step.changes, step.event);
  for (const event of orderEvents(events)) applyEventInPlace(state, compiled, event, seen, onStep);
  if (opts.until !== undefined) advanceInPlace(state, compiled, opts.until, onStep);
  return { timeline, state };
}
