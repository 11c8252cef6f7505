import { useEffect, useMemo, useRef } from "preact/hooks";
import { IssueList } from "./IssueList";
import { offsetOfLine } from "./json-paths";

export interface LocatedIssue {
  path: string;
  message: string;
  line: number;
  /** "editor": found while typing; "worker": the worker's 422 on save; "warning": what the last save warned of. */
  source: "editor" | "worker" | "warning";
  /** A warning's kind ("segment_event_name", …). */
  code?: string;
}

interface Props {
  id: string;
  label: string;
  value: string;
  onInput: (text: string) => void;
  issues: LocatedIssue[];
  /** Warnings about the saved config: listed and marked like issues, but they block nothing. */
  warnings?: LocatedIssue[];
  /** The sentence above the warnings (which save they came from). */
  warningsNote?: string;
}

/**
 * A JSON editor: a plain textarea (native undo, selection, IME and screen readers all work) with a
 * line-number gutter that marks the lines with mistakes (and, apart, with warnings), both listed below
 * it; choosing one puts the cursor on its line.
 */
export function ConfigEditor({ id, label, value, onInput, issues, warnings = [], warningsNote }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = useMemo(() => value.split("\n").length, [value]);
  const byLine = useMemo(() => {
    const map = new Map<number, LocatedIssue[]>();
    for (const issue of [...issues, ...warnings]) map.set(issue.line, [...(map.get(issue.line) ?? []), issue]);
    return map;
  }, [issues, warnings]);

  /** Puts a line in view (the textarea scrolls by lines of a fixed height); the gutter follows. */
  const reveal = (line: number) => {
    const el = area.current;
    if (!el) return;
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || 20;
    el.scrollTop = Math.max(0, (line - 4) * lineHeight);
    if (gutter.current) gutter.current.scrollTop = el.scrollTop;
  };
  const goTo = (line: number) => {
    const el = area.current;
    if (!el) return;
    const start = offsetOfLine(value, line);
    const end = value.indexOf("\n", start);
    el.focus();
    el.setSelectionRange(start, end === -1 ? value.length : end);
    reveal(line);
  };
  // The worker's answer to a save comes after the operator looked away from the text: show its first
  // mistake, else its first warning. Keyed on what the worker said (and, for warnings, on the note that
  // names the saved version), not on lines, so typing (which moves lines) never scrolls the text away.
  const fromWorker = issues.filter((i) => i.source === "worker");
  const first = fromWorker[0] ?? warnings[0];
  const workerKey = [...fromWorker, ...warnings].map((i) => i.path + i.message).join("\n") + (warningsNote ?? "");
  useEffect(() => {
    if (first) reveal(first.line);
  }, [workerKey]);

  return (
    <div class="editor">
      <label for={id}>{label}</label>
      <div class="editor-frame">
        <div class="editor-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => {
            const here = byLine.get(i + 1);
            const mark = !here ? "" : here.some((x) => x.source !== "warning") ? " has-issue" : " has-warning";
            return (
              <div key={i} data-line={i + 1} class={`gutter-line${mark}`} title={here?.map((x) => x.message).join("\n")}>
                {i + 1}
              </div>
            );
          })}
        </div>
        <textarea
          id={id}
          ref={area}
          class="editor-text"
          value={value}
          spellcheck={false}
          autocomplete="off"
          wrap="off"
          aria-invalid={issues.length > 0}
          aria-describedby={`${id}-issues`}
          onInput={(e) => onInput((e.target as HTMLTextAreaElement).value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = (e.target as HTMLTextAreaElement).scrollTop;
          }}
        />
      </div>
      <div id={`${id}-issues`} aria-live="polite">
        {issues.length === 0 ? <p class="muted editor-ok">No mistakes found.</p> : <IssueList items={issues} tone="issue" onGoTo={goTo} />}
        {warnings.length > 0 && (
          <div class="editor-warnings" data-warnings>
            <p class="warnings-note">{warningsNote ?? "Warnings (they do not block saving):"}</p>
            <IssueList items={warnings} tone="warning" onGoTo={goTo} />
          </div>
        )}
      </div>
    </div>
  );
}
