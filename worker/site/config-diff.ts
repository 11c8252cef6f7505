/** A one-line account of what a saved config changed, for the version history. */
import type { SiteConfig } from "./config";

const SAME = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function modelChanges(before: SiteConfig["models"], after: SiteConfig["models"]): string[] {
  const old = new Map(before.map((m) => [m.id, m]));
  const now = new Map(after.map((m) => [m.id, m]));
  const added = after.filter((m) => !old.has(m.id)).map((m) => `+${m.id}`);
  const removed = before.filter((m) => !now.has(m.id)).map((m) => `-${m.id}`);
  const changed = after.filter((m) => old.has(m.id) && !SAME(old.get(m.id), m)).map((m) => m.id);
  const reordered = !added.length && !removed.length && !changed.length && !SAME(before.map((m) => m.id), after.map((m) => m.id));
  return [...changed, ...added, ...removed, ...(reordered ? ["order"] : [])];
}

/**
 * What changed between two configs, by top-level key, with the model ids for `models`. Cheap: a
 * config is kilobytes and is saved by people, not per event.
 *
 * @example configChangeSummary(previous, { ...previous, origins: ["self"] }) // "origins"
 * @example configChangeSummary(undefined, config)                           // "first version"
 */
export function configChangeSummary(before: SiteConfig | undefined, after: SiteConfig): string {
  if (!before) return "first version";
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])] as Array<keyof SiteConfig>;
  const parts = keys.flatMap((key) => {
    if (SAME(before[key], after[key])) return [];
    if (key !== "models") return [key];
    return [`models: ${modelChanges(before.models, after.models).join(", ")}`];
  });
  return parts.length ? parts.join("; ") : "no change";
}
