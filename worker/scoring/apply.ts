/**
 * The engine's entry points: apply events, advance time, replay from scratch. Each works on a copy of
 * the state it is given and returns the new state with the changes, in the order they happened.
 */
import { diffViews } from "./changes";
import { compile, type CompiledConfig } from "./compile";
import { nextCrossingCompiled } from "./crossing";
import { foldEvent, rememberEvent } from "./fold-event";
import { nextTraitFlip } from "./relative";
import type { ScoringConfig } from "./schema";
import { cloneState, compareEarners, newLeadState } from "./state";
import type { Cause, Change, LeadState, LeadView, ScoringEvent } from "./types";
import { activeSnapshot, settleBands, toView, viewCompiled, type ModelSnapshot } from "./view";

export interface Step {
  at: number;
  changes: Change[];
  /** the event applied at this step; absent for a decay crossing */
  event?: ScoringEvent;
  /**
   * The shown model read at `at` right after the step, as the step itself read it: a listener that
   * reads the lead there (a score history) reuses it instead of reading it again. Valid only while
   * the listener runs: the state moves on after.
   */
  snapshot?: ModelSnapshot;
}

/** The shown model at `at` and its view: one reading serves the step's changes and its listener. */
function readAfter(state: LeadState, compiled: CompiledConfig, at: number): { snapshot: ModelSnapshot; view: LeadView } {
  const snapshot = activeSnapshot(state, compiled, at);
  return { snapshot, view: toView(snapshot, state.traits) };
}

/** Why the lead moved at `at` with no event: an absence rule of the shown model firing then, or decay. */
function timeCause(state: LeadState, compiled: CompiledConfig, at: number): Cause {
  const step = activeSnapshot(state, compiled, at - 1).curve.steps.find((s) => s.at === at);
  return step ? { kind: "absence", rule: step.rule } : { kind: "decay" };
}

/**
 * Move the clock to `end` through a stretch where no relative condition flips: the score only falls
 * there, so one crossing at a time, each found exactly.
 */
function advanceFalling(state: LeadState, compiled: CompiledConfig, end: number, onStep: (step: Step) => void): void {
  while (end > state.clock) {
    const before = viewCompiled(state, compiled, state.clock);
    const target = activeSnapshot(state, compiled, end);
    // The score only falls between events: if nothing shows a move at `end`, nothing moved before it.
    const moved = target.disqualifiedBy.length === 0 && (before.labelRank !== target.labelIndex || before.stageRank !== target.stageIndex);
    const at = moved ? nextCrossingCompiled(state, compiled, state.clock) : null;
    if (at === null || at > end) {
      settleBands(state, compiled, end);
      return;
    }
    const cause = timeCause(state, compiled, at);
    settleBands(state, compiled, at);
    const after = readAfter(state, compiled, at);
    const changes = diffViews(before, after.view, at, cause);
    if (changes.length) onStep({ at, changes, snapshot: after.snapshot });
  }
}

/**
 * Move the (mutable) state's clock to `now`: decay crossings and absence firings at the exact instant
 * they happened, and at each instant a relative trait condition flips (cause `time`), a re-read of
 * the lead there. `onStep` hears every step that changed what the lead shows.
 */
export function advanceInPlace(state: LeadState, compiled: CompiledConfig, now: number, onStep: (step: Step) => void): void {
  while (now > state.clock) {
    const flip = nextTraitFlip(compiled, state.traits, state.clock);
    if (flip === null || flip > now) return advanceFalling(state, compiled, now, onStep);
    // Up to the last instant the old truth holds, then the flip itself, which may move the lead up too.
    advanceFalling(state, compiled, flip - 1, onStep);
    const before = viewCompiled(state, compiled, state.clock);
    settleBands(state, compiled, flip);
    const after = readAfter(state, compiled, flip);
    const changes = diffViews(before, after.view, flip, { kind: "time" });
    if (changes.length) onStep({ at: flip, changes, snapshot: after.snapshot });
  }
}

function byTime(a: ScoringEvent, b: ScoringEvent): number {
  return compareEarners([a.id, a.ts], [b.id, b.ts]);
}

/** Events in the order the engine applies them: by ts, then id. Events without a finite ts are dropped. */
export function orderEvents(events: ScoringEvent[]): ScoringEvent[] {
  return events.filter((e) => Number.isFinite(e.ts) && typeof e.id === "string").sort(byTime);
}

/**
 * Apply one (new) event to the mutable state at its instant; false when it was a duplicate.
 * Decay crossings due before the event are reported first.
 */
export function applyEventInPlace(
  state: LeadState,
  compiled: CompiledConfig,
  event: ScoringEvent,
  seen: Set<string> | null,
  onStep: (step: Step) => void,
): boolean {
  if (seen?.has(event.id)) return false;
  // A late event (older than the clock) is folded in now: its points count decayed from its own ts.
  const at = Math.max(state.clock, event.ts);
  advanceInPlace(state, compiled, at, onStep);
  // Without `seen` the caller has deduplicated exactly and the state keeps no memory of ids.
  if (seen && !rememberEvent(state, seen, event)) return false;
  const before = viewCompiled(state, compiled, at);
  foldEvent(state, compiled, event);
  settleBands(state, compiled, at);
  const after = readAfter(state, compiled, at);
  const changes = diffViews(before, after.view, at, { kind: "event", eventId: event.id, name: event.name });
  onStep({ at, changes, event, snapshot: after.snapshot });
  return true;
}

export interface ApplyOptions {
  /**
   * The caller has already dropped every id it saw before (the Lead object deduplicates exactly), so
   * the state need not remember the newest 256 ids itself: a smaller state, copied and stored faster.
   */
  deduplicated?: boolean;
  /** Hears every step as it happens, with the (mutable) state as it stands right after it: a score history records from here. */
  onStep?: (step: Step, state: LeadState) => void;
}

/**
 * Apply events (any order; duplicates by id ignored) and then let time run to `now`.
 * Changes come in the order they happened, each comparing the lead before and after its cause.
 *
 * @example const { state, changes } = applyEvents(prev, [{ id: "e1", name: "page_view", ts, url }], config, Date.now());
 */
export function applyEvents(state: LeadState, events: ScoringEvent[], config: ScoringConfig, now: number, options: ApplyOptions = {}): { state: LeadState; changes: Change[] } {
  const compiled = compile(config);
  const next = cloneState(state);
  if (options.deduplicated) next.seen = [];
  const seen = options.deduplicated ? null : new Set(next.seen.map(([id]) => id));
  const changes: Change[] = [];
  const collect = (step: Step) => {
    changes.push(...step.changes);
    options.onStep?.(step, next);
  };
  for (const event of orderEvents(events)) applyEventInPlace(next, compiled, event, seen, collect);
  advanceInPlace(next, compiled, now, collect);
  return { state: next, changes };
}

/**
 * Let time pass: what decay (cause `decay`), absence rules (cause `absence`) and relative trait
 * conditions flipping (cause `time`) change up to `now`, each at its exact instant. Idempotent:
 * advancing again to the same instant changes nothing. The Durable Object alarm calls this.
 *
 * @example const { state, changes } = advance(prev, config, alarmTime);
 */
export function advance(state: LeadState, config: ScoringConfig, now: number, onStep?: ApplyOptions["onStep"]): { state: LeadState; changes: Change[] } {
  const next = cloneState(state);
  const changes: Change[] = [];
  advanceInPlace(next, compile(config), now, (step) => {
    changes.push(...step.changes);
    onStep?.(step, next);
  });
  return { state: next, changes };
}

/**
 * Score a lead from scratch: the same as applying the events one by one in time order.
 *
 * @example replay(storedEvents, newConfig, Date.now())
 */
export function replay(events: ScoringEvent[], config: ScoringConfig, now: number): LeadState {
  return applyEvents(newLeadState(), events, config, now).state;
}
