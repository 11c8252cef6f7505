/**
 * A lead's outcome under a config, from its events alone: whether it converted (or was lost) within
 * its horizon, and what the model showed before that. Pure: no Cloudflare import, no clock, so the
 * Lead object (live), the backtest (a candidate config) and tests all judge a lead alike.
 *
 * Definitions (docs/MEASURING.md, "What counts"):
 * - a lead's horizon starts at its first event and lasts the active model's `outcomes.horizon`;
 * - it is **converted** at the first conversion trigger within the horizon (the end instant included),
 *   **lost** at the first loss trigger before that, **negative** once the horizon ended with neither,
 *   and **open** while the horizon runs;
 * - the model a lead is judged under is the one it shows at that instant; a model with no `outcomes`
 *   judges nothing;
 * - what the model showed is read just before the deciding event, so a purchase worth points never
 *   counts towards the prediction of that purchase.
 */
import { applyEventInPlace, advanceInPlace, orderEvents, type Step } from "../scoring/apply";
import { activeModel, compile, traitValue, type CompiledConfig, type CompiledModel } from "../scoring/compile";
import { matches } from "../scoring/condition";
import { durationMs } from "../scoring/duration";
import type { OutcomeTrigger, Outcomes, ScoringConfig } from "../scoring/schema";
import { round2 } from "../scoring/score";
import { newLeadState } from "../scoring/state";
import type { LeadState, ScoringEvent } from "../scoring/types";
import { snapshot, toView } from "../scoring/view";

export type OutcomeKind = "converted" | "lost" | "negative" | "open";

/** What one model showed at an instant. */
export interface OutcomeMoment {
  at: number;
  score: number;
  label: string;
  stage: string;
}

/** A lead's outcome under one config (JSON-serialisable: it crosses Durable Object calls). */
export interface LeadOutcome {
  /** the model judging the lead: the one it shows at the outcome (or now, while open) */
  model: string;
  kind: OutcomeKind;
  /** the lead's first event: the start of its horizon */
  firstSeen: number;
  /** when the horizon ends (firstSeen + the model's horizon) */
  horizonEnd: number;
  /** the deciding instant: the conversion, the loss, or the horizon's end; absent while open */
  at?: number;
  /** what decided it, e.g. "event purchase", "stage customer", "trait crm_status" */
  trigger?: string;
  /** the model's reading just before the deciding instant (the deciding event's own points excluded) */
  before?: OutcomeMoment;
  /** the model's reading just after the lead's first event */
  start: OutcomeMoment;
  /** the highest score the model showed from the first event until just before the outcome: the score the report ranks by */
  peak: number;
  /** the highest label reached before the outcome (by band order); the disqualified label if it never showed another */
  peakLabel: string;
  /** the highest stage reached before the outcome */
  peakStage: string;
  /** first instant the lead showed each label, before the outcome */
  labelsAt: Record<string, number>;
  /** first instant the lead showed each stage, before the outcome */
  stagesAt: Record<string, number>;
}

/** Per model: what the replay has seen of it so far. */
interface Track {
  peak: number;
  peakLabel: number;
  peakStage: number;
  labelsAt: Record<string, number>;
  stagesAt: Record<string, number>;
  start?: OutcomeMoment;
}

interface Reading {
  moment: OutcomeMoment;
  labelRank: number;
  stageRank: number;
}

function read(state: LeadState, model: CompiledModel, at: number): Reading {
  const v = toView(snapshot(state, model, at), state.traits);
  return { moment: { at, score: v.score, label: v.label, stage: v.stage }, labelRank: v.labelRank, stageRank: v.stageRank };
}

function bandName(model: CompiledModel, list: "labels" | "stages", rank: number): string {
  return rank < 0 ? model.disqualifiedLabel : model[list].list[rank]!.name;
}

function horizonOf(model: CompiledModel): number | null {
  const outcomes = model.source.outcomes;
  return outcomes ? durationMs(outcomes.horizon) : null;
}

function describe(trigger: OutcomeTrigger): string {
  if ("event" in trigger) return `event ${trigger.event}`;
  if ("stage" in trigger) return `stage ${trigger.stage}`;
  return `trait ${trigger.trait}`;
}

/** The first trigger that one step fires: an event by name, a stage newly shown, a trait newly matching. */
function firedBy(
  triggers: OutcomeTrigger[] | undefined,
  step: { event?: ScoringEvent; before: Reading; after: Reading; traitsBefore: Record<string, unknown>; traitsAfter: Record<string, unknown> },
): OutcomeTrigger | undefined {
  return triggers?.find((trigger) => {
    if ("event" in trigger) return step.event?.name === trigger.event;
    if ("stage" in trigger) return step.after.moment.stage === trigger.stage && step.before.moment.stage !== trigger.stage;
    const at = step.after.moment.at;
    return matches(traitValue(step.traitsAfter, trigger.trait), trigger.match, at) && !matches(traitValue(step.traitsBefore, trigger.trait), trigger.match, at);
  });
}

/**
 * Replays a lead's events and answers its outcome under `config` as of `now`, or null when the lead
 * has no event or the model it shows has no `outcomes`.
 *
 * @example leadOutcome([{ id: "e1", name: "page_view", ts: t }, { id: "e2", name: "purchase", ts: t + 86_400_000 }], config, now)
 * // { model: "shop", kind: "converted", at: t + 86_400_000, trigger: "event purchase", before: { score: 5, label: "cold", ... }, peak: 5, ... }
 */
export function leadOutcome(events: ScoringEvent[], config: ScoringConfig, now: number): LeadOutcome | null {
  return new OutcomeReplay(compile(config)).run(orderEvents(events), now);
}

/** One replay: the engine's state plus, per model with outcomes, the track of what it showed. */
class OutcomeReplay {
  #compiled: CompiledConfig;
  #state = newLeadState();
  #seen = new Set<string>();
  #tracks = new Map<string, Track>();
  #firstSeen = 0;
  #result: LeadOutcome | null = null;

  constructor(compiled: CompiledConfig) {
    this.#compiled = compiled;
    for (const model of compiled.models) {
      if (model.source.outcomes) this.#tracks.set(model.id, { peak: -Infinity, peakLabel: -1, peakStage: -1, labelsAt: {}, stagesAt: {} });
    }
  }

  run(events: ScoringEvent[], now: number): LeadOutcome | null {
    if (!events.length || !this.#tracks.size) return null;
    this.#firstSeen = Math.max(this.#state.clock, events[0]!.ts);
    for (const event of events) {
      const at = Math.max(this.#state.clock, event.ts);
      if (this.#closeHorizonBy(at) || this.#advance(at) || this.#apply(event, at)) return this.#result;
    }
    if (this.#closeHorizonBy(now) || this.#advance(now)) return this.#result;
    return this.#open(now);
  }

  #active(at: number): CompiledModel {
    return activeModel(this.#compiled, this.#state.traits, Math.max(at, this.#state.clock));
  }

  /** Ends the horizon as a negative when it ends before `at` (strictly: a conversion at its end counts). */
  #closeHorizonBy(at: number): boolean {
    const horizon = horizonOf(this.#active(this.#state.clock));
    if (horizon === null || at <= this.#firstSeen + horizon) return false;
    const end = this.#firstSeen + horizon;
    if (this.#advance(end)) return true;
    const model = this.#active(end);
    if (!model.source.outcomes) return false;
    this.#finish(model, "negative", read(this.#state, model, end), "horizon");
    return true;
  }

  /** Lets time run to `at`, watching stage triggers that decay or absence rules fire. */
  #advance(at: number): boolean {
    let before = this.#readAll(this.#state.clock);
    advanceInPlace(this.#state, this.#compiled, at, (step: Step) => {
      if (this.#result) return;
      const after = this.#readAll(step.at);
      this.#settle(before, after, undefined, this.#state.traits);
      before = after;
    });
    return this.#result !== null;
  }

  #apply(event: ScoringEvent, at: number): boolean {
    const before = this.#readAll(at);
    const traitsBefore = { ...this.#state.traits };
    // Duplicates by id count once, as they do live.
    if (!applyEventInPlace(this.#state, this.#compiled, event, this.#seen, () => {})) return false;
    const after = this.#readAll(at);
    this.#settle(before, after, event, traitsBefore);
    return this.#result !== null;
  }

  #readAll(at: number): Map<string, Reading> {
    const readings = new Map<string, Reading>();
    for (const id of this.#tracks.keys()) readings.set(id, read(this.#state, this.#compiled.byId.get(id)!, at));
    return readings;
  }

  /** Judges one step under the model shown before it; otherwise records what every model showed after it. */
  #settle(before: Map<string, Reading>, after: Map<string, Reading>, event: ScoringEvent | undefined, traitsBefore: Record<string, unknown>): void {
    const at = after.values().next().value!.moment.at;
    const model = activeModel(this.#compiled, traitsBefore, at);
    const outcomes: Outcomes | undefined = model.source.outcomes;
    if (outcomes) {
      const step = { event, before: before.get(model.id)!, after: after.get(model.id)!, traitsBefore, traitsAfter: this.#state.traits };
      const converted = firedBy(outcomes.conversion, step);
      const lost = converted ? undefined : firedBy(outcomes.loss, step);
      if (converted || lost) {
        this.#finish(model, converted ? "converted" : "lost", step.before, describe((converted ?? lost)!));
        return;
      }
    }
    for (const [id, reading] of after) this.#record(this.#tracks.get(id)!, reading, event !== undefined);
  }

  #record(track: Track, reading: Reading, afterEvent: boolean): void {
    const { moment } = reading;
    if (afterEvent) track.start ??= moment;
    // Between events a score only falls, so its highest values are the ones right after events.
    if (afterEvent) track.peak = Math.max(track.peak, moment.score);
    track.peakLabel = Math.max(track.peakLabel, reading.labelRank);
    track.peakStage = Math.max(track.peakStage, reading.stageRank);
    track.labelsAt[moment.label] ??= moment.at;
    track.stagesAt[moment.stage] ??= moment.at;
  }

  #finish(model: CompiledModel, kind: OutcomeKind, before: Reading, trigger: string): void {
    const track = this.#tracks.get(model.id)!;
    // What the lead showed just before counts as shown; a lead its very first event decides has shown only that.
    this.#record(track, before, false);
    const start = track.start ?? before.moment;
    this.#result = {
      ...this.#summary(model, track, start),
      kind,
      at: before.moment.at,
      trigger,
      before: before.moment,
    };
    if (track.peak === -Infinity) this.#result.peak = before.moment.score;
  }

  #open(now: number): LeadOutcome | null {
    const model = this.#active(now);
    const track = this.#tracks.get(model.id);
    if (!track) return null;
    return { ...this.#summary(model, track, track.start ?? read(this.#state, model, now).moment), kind: "open" };
  }

  #summary(model: CompiledModel, track: Track, start: OutcomeMoment): Omit<LeadOutcome, "kind"> {
    return {
      model: model.id,
      firstSeen: this.#firstSeen,
      horizonEnd: this.#firstSeen + horizonOf(model)!,
      start,
      peak: round2(track.peak === -Infinity ? start.score : track.peak),
      peakLabel: bandName(model, "labels", track.peakLabel),
      peakStage: bandName(model, "stages", track.peakStage),
      labelsAt: { ...track.labelsAt },
      stagesAt: { ...track.stagesAt },
    };
  }
}
