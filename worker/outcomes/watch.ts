/**
 * The Lead object's side of outcomes, pure: after each decision, whether the lead may just have
 * converted, been lost or reached the end of its horizon, and if so its outcome (a replay of its own
 * events through ./outcome.ts) as one outbox delivery to the Site object's report counters.
 *
 * Cost in proportion: an ordinary event only compares its name, its trait keys and the decision's
 * stage changes with the config's triggers (no read, no row beyond the record the event writes
 * anyway). Only a possible outcome replays the lead's stored events, and a settled outcome costs one
 * delivery, once per lead: a conversion is rare, and a negative happens once, at the horizon's end.
 * No alarm waits for that end: the horizon rides in the lead's index entry, and the Site object's
 * sweep wakes the lead once it passed.
 */
import type { Change, ScoringConfig, ScoringEvent } from "../scoring";
import { leadOutcome, type LeadOutcome } from "./outcome";

/** Endpoint id of outbox deliveries that carry a lead's outcome to the site's report counters. */
export const OUTCOME_OUTBOX = "#outcome";

/** What a lead remembers of its outcome between requests: a few numbers in its record. */
export interface OutcomeWatch {
  /** when the horizon ends under the model judging the lead, as the last replay found it */
  horizonEnd: number;
  /** set once the outcome is settled (converted, lost or negative): it is final and sent once */
  settled?: { kind: LeadOutcome["kind"]; at: number };
}

interface Triggers {
  events: Set<string>;
  stages: Set<string>;
  /** trait names and their first segment (an identify sets `crm` for a trigger on `crm.status`) */
  traits: Set<string>;
}

/** A horizon end for a lead no model judges: later than any instant (JSON has no Infinity). */
const NEVER = Number.MAX_SAFE_INTEGER;

const TRIGGERS = new WeakMap<ScoringConfig, Triggers | null>();

/** Every trigger of every model, for the cheap check; null when no model has outcomes. */
function triggersOf(config: ScoringConfig): Triggers | null {
  if (TRIGGERS.has(config)) return TRIGGERS.get(config)!;
  const models = config.models.filter((m) => m.outcomes);
  const triggers = models.length === 0 ? null : { events: new Set<string>(), stages: new Set<string>(), traits: new Set<string>() };
  for (const trigger of models.flatMap((m) => [...m.outcomes!.conversion, ...(m.outcomes!.loss ?? [])])) {
    if ("event" in trigger) triggers!.events.add(trigger.event);
    else if ("stage" in trigger) triggers!.stages.add(trigger.stage);
    else triggers!.traits.add(trigger.trait).add(trigger.trait.split(".")[0]!);
  }
  TRIGGERS.set(config, triggers);
  return triggers;
}

export interface WatchInput {
  watch: OutcomeWatch | undefined;
  config: ScoringConfig;
  /** the events this decision scored */
  fresh: ScoringEvent[];
  /** the changes it reported */
  changes: Change[];
  /** the lead's every event, its stored batches included: read only when a replay is due */
  events: () => ScoringEvent[];
  now: number;
}

export interface WatchResult {
  watch: OutcomeWatch | undefined;
  /** the outcome to send, once, when it settled in this decision */
  settled: LeadOutcome | null;
}

/**
 * Whether this decision may have decided the lead's outcome (cheap), and then what it is (a replay).
 *
 * @example watchOutcome({ watch: undefined, config, fresh: [purchase], changes, events: () => all, now })
 * // { watch: { horizonEnd, settled: { kind: "converted", at } }, settled: { kind: "converted", before: {...}, ... } }
 */
export function watchOutcome(input: WatchInput): WatchResult {
  const { watch, config, fresh, changes, now } = input;
  const triggers = triggersOf(config);
  if (!triggers || watch?.settled) return { watch, settled: null };
  const due =
    watch === undefined ||
    now > watch.horizonEnd ||
    fresh.some((e) => triggers.events.has(e.name) || Object.keys(e.traits ?? {}).some((k) => triggers.traits.has(k))) ||
    changes.some((c) => c.type === "lead.stage_changed" && triggers.stages.has(c.to));
  if (!due) return { watch, settled: null };
  const outcome = leadOutcome(input.events(), config, now);
  // Judged by no model (its model has no outcomes): watch only for triggers from now on, not every event.
  if (!outcome) return { watch: { horizonEnd: NEVER }, settled: null };
  if (outcome.kind === "open") return { watch: { horizonEnd: outcome.horizonEnd }, settled: null };
  return { watch: { horizonEnd: outcome.horizonEnd, settled: { kind: outcome.kind, at: outcome.at! } }, settled: outcome };
}

/**
 * The end of the lead's open horizon under `config`, as its index entry carries it to the Site
 * object, whose daily sweep asks the lead to settle once it passed (../site/horizon-sweep.ts): null
 * once the outcome is settled, when no model judges the lead, or when the config names no outcomes.
 *
 * @example openHorizonEnd({ horizonEnd: t }, config) // t; openHorizonEnd({ horizonEnd: t, settled }, config) // null
 */
export function openHorizonEnd(watch: OutcomeWatch | undefined, config: ScoringConfig): number | null {
  return watch && !watch.settled && watch.horizonEnd < NEVER && triggersOf(config) ? watch.horizonEnd : null;
}
