/**
 * Folds the outcome watch (./watch.ts) into one Lead object decision: the record remembers the
 * watch, and a settled outcome joins the outbox as one delivery to the Site object's counters, in the
 * same transaction as the decision that settled it (so it is sent at least once, and the site keeps
 * it once: it stores it by lead id).
 */
import { decide, type DecideInput, type Decision } from "../lead/decide";
import { DELIVERY_GRACE_MS } from "../lead/schedule";
import type { Delivery } from "../lead/types";
import type { ScoringConfig, ScoringEvent } from "../scoring";
import { OUTCOME_OUTBOX, horizonAlarm, watchOutcome } from "./watch";

/** The stored batches, read only when an outcome is due: they are what the replay needs besides the decision's own. */
export type StoredEvents = () => ScoringEvent[];

/**
 * The decision with the lead's outcome watch applied.
 *
 * @example const d = withOutcome(decide(input), config.config, request?.events ?? [], () => store.events(), now)
 */
export function withOutcome(d: Decision, config: ScoringConfig, fresh: ScoringEvent[], stored: StoredEvents, now: number): Decision {
  const events = () => [...stored(), ...(d.batch?.events ?? []), ...d.record.pending.map((p) => p.event)];
  const { watch, settled } = watchOutcome({ watch: d.record.outcome, config, fresh, changes: d.changes, events, now });
  if (watch === d.record.outcome) return d;
  const leadId = d.record.identity.leadId;
  const added: Delivery[] = settled
    ? [{ messageId: `outcome_${leadId}`, endpointId: OUTCOME_OUTBOX, type: "outcome", body: JSON.stringify({ leadId, outcome: settled }), attempts: 0, nextAt: now + DELIVERY_GRACE_MS }]
    : [];
  return {
    ...d,
    record: { ...d.record, ...(watch ? { outcome: watch } : {}), outbox: [...d.record.outbox, ...added] },
    recordChanged: true,
    added: [...d.added, ...added],
  };
}

/**
 * The Lead object's whole decision: `decide()` with the outcome watch applied to the events it was
 * given (the request's and a merge's).
 *
 * @example const d = decideWatched({ record, request, config, known, now, random: cryptoBytes }, () => store.events())
 */
export function decideWatched(input: DecideInput, stored: StoredEvents): Decision {
  const fresh = [...(input.request?.events ?? []), ...(input.absorbed?.events ?? [])];
  return withOutcome(decide(input), input.config.config, fresh, stored, input.now);
}

/** The instant the lead's one alarm must fire at the latest: the decay crossing, or the horizon's end. */
export function nextWake(d: Decision): number | null {
  const wakes = [d.crossingAt, horizonAlarm(d.record.outcome)].filter((t): t is number => t !== null);
  return wakes.length ? Math.min(...wakes) : null;
}
