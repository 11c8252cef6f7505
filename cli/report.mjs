// The side-by-side report of a backtest: both reports flattened to one line per figure
// ("labels.hot.rate"), so every figure the worker answers is shown, whatever it adds later. Prose
// (a report's `message`) is printed above the table rather than squeezed into it.

import { delta, formatNumber, table } from "./table.mjs";

/** Keys that name an entry of a list: a list of labels reads as labels.hot, labels.warm. */
const NAME_KEYS = ["name", "label", "stage", "week", "id", "band"];
/** Figures that are sentences, not numbers. */
const PROSE_KEYS = new Set(["message"]);
const DURATION_UNITS = [["d", 86_400_000], ["h", 3_600_000], ["min", 60_000], ["s", 1_000]];

function keyOf(item, index) {
  for (const key of NAME_KEYS) if (item && typeof item === "object" && typeof item[key] === "string") return item[key];
  return String(index);
}

/**
 * Every scalar of a report by its dotted path, in the order the report gives them.
 *
 * @example flatten({ auc: 0.7, labels: [{ name: "hot", leads: 3 }] })
 * // Map { "auc" => 0.7, "labels.hot.leads" => 3 }
 */
export function flatten(value, prefix = "", out = new Map()) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(item, prefix ? `${prefix}.${keyOf(item, i)}` : keyOf(item, i), out));
  } else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (PROSE_KEYS.has(key)) continue;
      // The entry's own name is already in its path.
      if (NAME_KEYS.includes(key) && typeof v === "string" && prefix.endsWith(`.${v}`)) continue;
      flatten(v, prefix ? `${prefix}.${key}` : key, out);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

/**
 * A figure for the table: durations (a path ending in "Ms") in days, hours, minutes or seconds.
 *
 * @example figure("labels.hot.medianTimeToConversionMs", 3 * 86_400_000) // "3 d"
 */
function figure(path, value) {
  if (typeof value !== "number" || !path.endsWith("Ms")) return formatNumber(value);
  const [unit, ms] = DURATION_UNITS.find(([, ms]) => Math.abs(value) >= ms) ?? ["ms", 1];
  return `${formatNumber(Math.round((value / ms) * 10) / 10)} ${unit}`;
}

/**
 * The current and the candidate report as one table: figure, current, candidate, difference; each
 * report's `message` first.
 *
 * @example sideBySide({ auc: 0.71 }, { auc: 0.78 }) // "figure  current  candidate  change\n…\nauc          0.71       0.78   +0.07"
 */
export function sideBySide(current, candidate) {
  const a = flatten(current);
  const b = flatten(candidate);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  const notes = [["current", current], ["candidate", candidate]].filter(([, r]) => typeof r?.message === "string").map(([side, r]) => `${side}: ${r.message}`);
  const rows = paths.map((path) => [path, figure(path, a.get(path)), figure(path, b.get(path)), path.endsWith("Ms") ? "" : delta(a.get(path), b.get(path))]);
  return [...notes, ...(notes.length ? [""] : []), table(["figure", "current", "candidate", "change"], rows)].join("\n");
}

/**
 * The leads a candidate would move, one line each: the lead, its label before → after, and its score
 * under both configs when the worker gives them.
 *
 * @example changedLeads([{ leadId: "u_1", from: "cold", to: "warm", score: { current: 20, candidate: 35 } }])
 */
export function changedLeads(changed) {
  const rows = changed.map((lead) => {
    const id = lead.userId ?? lead.leadId ?? lead.id ?? "";
    const label = typeof lead.from === "string" ? `${lead.from} → ${lead.to}` : lead.label ? `${lead.label.from} → ${lead.label.to}` : "";
    const score = lead.score && typeof lead.score === "object" ? `${formatNumber(lead.score.current)} → ${formatNumber(lead.score.candidate)}` : "";
    return [id, label, score];
  });
  return table(["lead", "label", "score"], rows);
}
