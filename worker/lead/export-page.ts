import { decodeJsonCursor, encodeJsonCursor } from "../http/cursor";
import type { ScoringEvent } from "../scoring";

/** Where a page of a lead's events ends: the last event's time and id (events sort by both). */
export interface EventCursor {
  ts: number;
  id: string;
}

/** What a Lead object answers an export: a page, where a merged anonymous lead went, or null (no such lead). */
export type ExportAnswer = { events: ScoringEvent[]; next: EventCursor | null } | { mergedInto: string } | null;

/** The most events one export page holds. */
export const MAX_EXPORT_PAGE = 500;

/**
 * One page of a lead's events, oldest first, after `cursor`. Keyset paging on (time, id) rather than
 * an offset, so a merge that brings older events while an export pages on never shifts or repeats a
 * page: the export may miss only events that arrive behind the cursor, never show one twice.
 *
 * @example const page = eventPage(sortedEvents, null, 100); // { events: [...100], next: { ts, id } }
 */
export function eventPage(sorted: readonly ScoringEvent[], cursor: EventCursor | null, limit: number): { events: ScoringEvent[]; next: EventCursor | null } {
  const start = cursor ? sorted.findIndex((e) => e.ts > cursor.ts || (e.ts === cursor.ts && e.id > cursor.id)) : 0;
  if (start < 0) return { events: [], next: null };
  const events = sorted.slice(start, start + limit);
  const last = events.at(-1);
  return { events, next: last && start + limit < sorted.length ? { ts: last.ts, id: last.id } : null };
}

/**
 * The cursor as a URL-safe opaque string, and back; a string that is not one of ours reads as null.
 *
 * @example decodeCursor(encodeCursor({ ts: 1767225600000, id: "evt_1" })) // { ts: 1767225600000, id: "evt_1" }
 */
export function encodeCursor(cursor: EventCursor): string {
  return encodeJsonCursor([cursor.ts, cursor.id]);
}

export function decodeCursor(text: string): EventCursor | null {
  const value = decodeJsonCursor(text);
  return Array.isArray(value) && value.length === 2 && Number.isFinite(value[0]) && typeof value[1] === "string" ? { ts: value[0], id: value[1] } : null;
}
