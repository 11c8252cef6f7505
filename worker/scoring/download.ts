/**
 * A `download` event's file extension: the snippet sends the file name only (bytes in every visitor's
 * download), and hand-tagged links often do too, so the engine reads `ext` from `file` when the event
 * has none, lower-cased, for rules such as `{ "props": { "ext": ["pdf", "docx"] } }`.
 */
import type { ScoringEvent } from "./types";

const EXTENSION = /\.([a-z0-9]{1,8})$/i;

/**
 * The event with `props.ext` added when it is a download with a `file` and no `ext`; else the event.
 *
 * @example withDownloadExt({ id: "e1", name: "download", ts, props: { file: "Brew-Card.PDF" } }).props // { file: "Brew-Card.PDF", ext: "pdf" }
 */
export function withDownloadExt(event: ScoringEvent): ScoringEvent {
  const file = event.props?.file;
  if (event.name !== "download" || typeof file !== "string" || event.props?.ext !== undefined) return event;
  const ext = EXTENSION.exec(file.split(/[?#]/)[0]!)?.[1];
  return ext ? { ...event, props: { ...event.props, ext: ext.toLowerCase() } } : event;
}
