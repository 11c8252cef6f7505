import type { LocatedIssue } from "./ConfigEditor";

const SOURCE_NOTE: Record<LocatedIssue["source"], string> = { editor: "", worker: " (from the worker)", warning: "" };

/**
 * Issues (or warnings) at their JSON paths, each with a "Line N" button that puts the cursor there.
 *
 * @example <IssueList items={issues} tone="issue" onGoTo={goTo} />
 */
export function IssueList({ items, tone, onGoTo }: { items: LocatedIssue[]; tone: "issue" | "warning"; onGoTo: (line: number) => void }) {
  return (
    <ul class={tone === "warning" ? "issues warnings" : "issues"}>
      {items.map((issue) => (
        <li key={`${issue.source}${issue.path}${issue.code ?? ""}${issue.message}`} data-issue-path={issue.path} data-issue-line={issue.line} data-issue-source={issue.source} data-warning-code={issue.code}>
          <button type="button" class="link-button" onClick={() => onGoTo(issue.line)}>
            Line {issue.line}
          </button>{" "}
          <code>{issue.path}</code> {issue.message}
          {SOURCE_NOTE[issue.source] && <span class="muted">{SOURCE_NOTE[issue.source]}</span>}
        </li>
      ))}
    </ul>
  );
}
