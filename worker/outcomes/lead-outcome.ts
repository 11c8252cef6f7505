/**
 * Folds the outcome watch (./watch.ts) into one Lead object decision: the record remembers the
 * watch, a settled outcome joins the outbox as one delivery to the Site object's counters, in the
 * same transaction as the decision that settled it (so it is sent at least once, and the site keeps
 * it once: it stores it by lead id), and the index entry carries the open horizon's end.
 */
import { decide, indexEntryOf, type DecideInput, type Decision } from "../lead/decide";
import { DELIVERY_GRACE_MS } from "../lead/schedule";
import type { Delivery } from "../lead/types";
import type { ScoringConfig, ScoringEvent } from "../scoring";
import { OUTCOME_OUTBOX, openHorizonEnd, watchOutcome } from "./watch";

/** The stored batches, read only when an outcome is due: they are what the replay needs besides the decision's own. */
export type StoredEvents = () => ScoringEvent[];

export interface WatchOptions {
  /**
   * Set when the Site object's horizon sweep asked for this decision: the lead answers its horizon
   * and the site writes it into the row (one row, no order-index entry), so a horizon that changed
   * alone makes no index entry. Anything else that re-indexes the lead still sends one.
   */
  horizonAnswered?: boolean;
}

/**
 * The decision with the lead's outcome watch applied: a settled outcome joins the outbox, and the
 * index entry carries the open horizon's end. The lead re-indexes whenever that end differs from what
 * its last entry said (settled, moved, or never sent), so the site's sweep always knows it; a lead's
 * first scored batch is an entry anyway, so a new lead pays no extra row for it.
 *
 * @example const d = withOutcome(decide(input), config.config, request?.events ?? [], () => store.events(), now)
 */
export function withOutcome(d: Decision, config: ScoringConfig, fresh: ScoringEvent[], stored: StoredEvents, now: number, options: WatchOptions = {}): Decision {
  if (d.claimRejected) return d;
  const events = () => [...stored(), ...(d.batch?.events ?? []), ...d.record.pending.map((p) => p.event)];
  const { watch, settled } = watchOutcome({ watch: d.record.outcome, config, fresh, changes: d.changes, events, now });
  const horizonEnd = openHorizonEnd(watch, config);
  // decide() never knows the horizon: its entry gets it here; without one, a moved horizon makes one
  // (unless the site hears it from the sweep's answer: then the record only remembers it was told).
  const moved = !d.index && (d.record.index?.horizonEnd ?? null) !== horizonEnd;
  if (watch === d.record.outcome && !d.index && !moved) return d;
  const answered = moved && options.horizonAnswered === true && d.record.index !== undefined;
  const index = d.index || (moved && !answered) ? { ...(d.index ?? indexEntryOf(d.record, config, now)), horizonEnd } : null;
  const leadId = d.record.identity.leadId;
  const added: Delivery[] = settled
    ? [{ messageId: `outcome_${leadId}`, endpointId: OUTCOME_OUTBOX, type: "outcome", body: JSON.stringify({ leadId, outcome: settled }), attempts: 0, nextAt: now + DELIVERY_GRACE_MS }]
    : [];
  return {
    ...d,
    record: {
      ...d.record,
      ...(watch ? { outcome: watch } : {}),
      outbox: [...d.record.outbox, ...added],
      ...(index ? { index: { curve: index.curve!, at: index.updatedAt, model: index.model!, horizonEnd }, indexOwed: index } : {}),
      ...(answered ? { index: { ...d.record.index!, horizonEnd } } : {}),
    },
    recordChanged: d.recordChanged || watch !== d.record.outcome || moved || added.length > 0,
    added: [...d.added, ...added],
    index,
  };
}

/**
 * The Lead object's whole decision: `decide()` with the outcome watch applied to the events it was
 * given (the request's and a merge's).
 *
 * @example const d = decideWatched({ record, request, config, known, now, random: cryptoBytes }, () => store.events())
 * // the sweep's wake-up: decideWatched({ ...input, request: null }, () => store.events(), { horizonAnswered: true })
 */
export function decideWatched(input: DecideInput, stored: StoredEvents, options: WatchOptions = {}): Decision {
  const fresh = [...(input.request?.events ?? []), ...(input.absorbed?.events ?? [])];
  return withOutcome(decide(input), input.config.config, fresh, stored, input.now, options);
}

/**
 * The instant the lead's one alarm must fire at the latest for what it decided: the decay crossing.
 * Not the horizon's end: the Site object's sweep wakes a quiet lead for that (../site/horizon-sweep.ts),
 * one alarm a day per site instead of one per lead; a lead that wakes for another reason after its
 * horizon ended still settles then (./watch.ts).
 *
 * @example alarm.crossingAt = nextWake(d) // d.crossingAt
 */
export function nextWake(d: Decision): number | null {
  return d.crossingAt;
}
