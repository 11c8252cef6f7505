import type { ScoringEvent } from "../scoring";
import type { BatchRow } from "./types";

/**
 * How long a resent event id is recognised exactly, counted from when the worker first received it:
 * 48 hours. The longest retry horizon of any client feeding the worker is Segment's own messageId
 * window of 24 hours (its pipeline may redeliver a message within it); `@segment/analytics-node`
 * retries for well under a minute and the snippet for 7 seconds (after 1, 2 and 4 s). Twice the
 * longest covers a client that retries at the end of it. Ids riding in the record (not yet flushed to a
 * batch row) are recognised however old. Beyond the window a resent id is scored again: the engine
 * keeps no memory of ids for the Lead object (see ApplyOptions.deduplicated), which keeps the record small.
 */
export const DEDUP_WINDOW_MS = 48 * 60 * 60 * 1000;

/** The ids a lead remembers, each with the instant it was received. */
export type KnownIds = ReadonlyMap<string, number>;

/**
 * Splits a batch into events never seen within the window (in batch order, each id once) and the
 * number of duplicates: ids known within the window, riding in the record, or repeated within the batch.
 *
 * @example freshEvents([{ id: "e1", ... }, { id: "e1", ... }], new Map(), now) // { fresh: [e1], duplicates: 1 }
 */
export function freshEvents(events: readonly ScoringEvent[], known: KnownIds, now: number, riding: ReadonlySet<string> = new Set()): { fresh: ScoringEvent[]; duplicates: number } {
  // Ids riding in the record are known exactly for as long as they ride there.
  const seen = new Set<string>(riding);
  const fresh: ScoringEvent[] = [];
  for (const event of events) {
    const at = known.get(event.id);
    if (seen.has(event.id) || (at !== undefined && now - at < DEDUP_WINDOW_MS)) continue;
    seen.add(event.id);
    fresh.push(event);
  }
  return { fresh, duplicates: events.length - fresh.length };
}

/**
 * Drops ids received before the window from a (mutable) map; the object calls it as it adds ids, so
 * the map holds one window's worth.
 */
export function forgetOutsideWindow(known: Map<string, number>, now: number): void {
  for (const [id, at] of known) {
    // Maps iterate in insertion order, which is receipt order: the first id inside the window ends the sweep.
    if (now - at < DEDUP_WINDOW_MS) return;
    known.delete(id);
  }
}

/**
 * Adds a stored batch's ids to a (mutable) map at the instant the batch was received, and drops those
 * that left the window: the map stays one window of ids in receipt order.
 *
 * @example rememberBatch(known, decision.batch, Date.now())
 */
export function rememberBatch(known: Map<string, number>, batch: Pick<BatchRow, "events" | "receivedAt"> | null, now: number): void {
  for (const event of batch?.events ?? []) {
    // Re-inserted, so a resent id moves to its new place in receipt order.
    known.delete(event.id);
    known.set(event.id, batch!.receivedAt);
  }
  forgetOutsideWindow(known, now);
}
