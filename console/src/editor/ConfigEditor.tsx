import { useEffect, useMemo, useRef } from "preact/hooks";
import { offsetOfLine } from "./json-paths";

export interface LocatedIssue {
  path: string;
  message: string;
  line: number;
  /** "editor": found while typing; "worker": the worker's 422 on save. */
  source: "editor" | "worker";
}

interface Props {
  id: string;
  label: string;
  value: string;
  onInput: (text: string) => void;
  issues: LocatedIssue[];
}

/**
 * A JSON editor: a plain textarea (native undo, selection, IME and screen readers all work) with a
 * line-number gutter that marks the lines with mistakes, and the mistakes listed below it; choosing
 * one puts the cursor on its line.
 */
export function ConfigEditor({ id, label, value, onInput, issues }: Props) {
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lineCount = useMemo(() => value.split("\n").length, [value]);
  const byLine = useMemo(() => {
    const map = new Map<number, LocatedIssue[]>();
    for (const issue of issues) map.set(issue.line, [...(map.get(issue.line) ?? []), issue]);
    return map;
  }, [issues]);

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
  // The worker's answer to a save comes after the operator looked away from the text: show its first mistake.
  // Keyed on what the worker said, not on lines, so typing (which moves lines) never scrolls the text away.
  const fromWorker = issues.filter((i) => i.source === "worker");
  const workerKey = fromWorker.map((i) => i.path + i.message).join("\n");
  useEffect(() => {
    if (fromWorker[0]) reveal(fromWorker[0].line);
  }, [workerKey]);

  return (
    <div class="editor">
      <label for={id}>{label}</label>
      <div class="editor-frame">
        <div class="editor-gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => {
            const here = byLine.get(i + 1);
            return (
              <div key={i} data-line={i + 1} class={here ? "gutter-line has-issue" : "gutter-line"} title={here?.map((x) => x.message).join("\n")}>
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
        {issues.length === 0 ? (
          <p class="muted editor-ok">No mistakes found.</p>
        ) : (
          <ul class="issues">
            {issues.map((issue) => (
              <li key={`${issue.source}${issue.path}${issue.message}`} data-issue-path={issue.path} data-issue-line={issue.line} data-issue-source={issue.source}>
                <button type="button" class="link-button" onClick={() => goTo(issue.line)}>
                  Line {issue.line}
                </button>{" "}
                <code>{issue.path}</code> {issue.message}
                {issue.source === "worker" && <span class="muted"> (from the worker)</span>}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
