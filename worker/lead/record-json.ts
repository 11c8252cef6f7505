/**
 * The lead record as JSON text, without re-printing what the last write already printed. A record is
 * written on nearly every request, and most of its bytes do not change from one write to the next:
 * the events riding in it (`pending`), the score history not yet flushed, the outbox's webhook bodies,
 * the sent log, and parts a decision carries over as they were (the state when no score moved, what
 * retention folded, the index entry). decide() and the senders never edit those in place: they make
 * new entries, lists and parts.
 * So each entry's (or carried-over part's) JSON is kept, weakly per object, and reused: a write
 * prints the new event, history entry and state, and copies the rest.
 */
import type { LeadRecord } from "./types";

/** Record fields holding lists whose entries are made once and never changed (replaced or dropped, never edited). */
const ENTRY_LISTS: ReadonlySet<string> = new Set(["pending", "history", "outbox", "sent", "promos"]);
/**
 * Record fields a decision either replaces or carries over as the very same object, never edited. The
 * state is among them: the engine only ever changes copies of it (../scoring/apply.ts), so a write
 * that changes no score (a delivery settling, an index entry stored) copies its text.
 */
const CARRIED_OVER: ReadonlySet<string> = new Set(["identity", "state", "lastView", "eventNames", "index", "indexOwed", "folded", "outcome", "rescored"]);

const PRINTED = new WeakMap<object, string>();

function printedOnce(value: object): string {
  let json = PRINTED.get(value);
  if (json === undefined) PRINTED.set(value, (json = JSON.stringify(value)));
  return json;
}

function fieldJson(key: string, value: unknown): string {
  if (ENTRY_LISTS.has(key) && Array.isArray(value)) return `[${value.map((entry: unknown) => (entry !== null && typeof entry === "object" ? printedOnce(entry) : (JSON.stringify(entry) ?? "null"))).join(",")}]`;
  if (CARRIED_OVER.has(key) && value !== null && typeof value === "object") return printedOnce(value);
  return JSON.stringify(value);
}

/**
 * Exactly `JSON.stringify(record)`, reusing the text of entries and parts printed before.
 *
 * @example store.set("lead", recordJson(record)) // the same text as JSON.stringify(record)
 */
export function recordJson(record: LeadRecord): string {
  const fields: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    // JSON.stringify leaves out undefined fields; a record holds no functions or symbols.
    if (value === undefined) continue;
    fields.push(`${JSON.stringify(key)}:${fieldJson(key, value)}`);
  }
  return `{${fields.join(",")}}`;
}
