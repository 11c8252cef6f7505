import type { ComponentChildren } from "preact";
import { ApiError } from "../api/http";

/** A problem the operator should read, with the API's own words and its issues. */
export function ErrorNote({ error, title = "Something went wrong" }: { error: Error; title?: string }) {
  const issues = error instanceof ApiError ? error.issues : [];
  return (
    <div class="notice notice-error" role="alert">
      <strong>{title}</strong>
      <p>{error.message}</p>
      {issues.length > 0 && (
        <ul>
          {issues.map((i) => (
            <li key={i.path + i.message}>
              <code>{i.path}</code> {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({ children, tone = "info" }: { children: ComponentChildren; tone?: "info" | "ok" | "warn" }) {
  return <div class={`notice notice-${tone}`} role="status">{children}</div>;
}

export function Loading({ what }: { what: string }) {
  return <p class="loading" aria-live="polite">Loading {what}…</p>;
}
