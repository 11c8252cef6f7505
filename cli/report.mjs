// The side-by-side report of a backtest: both reports flattened to one line per figure
// ("labels.hot.conversionRate"), so every figure the worker answers is shown, whatever it adds later.

import { delta, formatNumber, table } from "./table.mjs";

/** Keys that name an entry of a list: a list of labels reads as labels.hot, labels.warm. */
const NAME_KEYS = ["label", "stage", "name", "id", "week", "band", "from"];

function keyOf(item, index) {
  for (const key of NAME_KEYS) if (item && typeof item === "object" && typeof item[key] === "string") return item[key];
  return String(index);
}

/**
 * Every scalar of a report by its dotted path, in the order the report gives them.
 *
 * @example flatten({ auc: 0.7, labels: [{ label: "hot", leads: 3 }] })
 * // Map { "auc" => 0.7, "labels.hot.leads" => 3 }
 */
export function flatten(value, prefix = "", out = new Map()) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => flatten(item, prefix ? `${prefix}.${keyOf(item, i)}` : keyOf(item, i), out));
  } else if (value !== null && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      // The entry's own name is already in its path.
      if (NAME_KEYS.includes(key) && typeof v === "string" && prefix && prefix.endsWith(`.${v}`)) continue;
      flatten(v, prefix ? `${prefix}.${key}` : key, out);
    }
  } else {
    out.set(prefix, value);
  }
  return out;
}

/**
 * The current and the candidate report as one table: figure, current, candidate, difference.
 *
 * @example sideBySide({ auc: 0.71 }, { auc: 0.78 }) // "figure  current  candidate  change\n…\nauc          0.71       0.78   +0.07"
 */
export function sideBySide(current, candidate) {
  const a = flatten(current);
  const b = flatten(candidate);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return table(["figure", "current", "candidate", "change"], paths.map((path) => [path, formatNumber(a.get(path)), formatNumber(b.get(path)), delta(a.get(path), b.get(path))]));
}

/**
 * The leads a candidate would move, one line each: the lead and each field that changes, before → after.
 *
 * @example changedLeads([{ leadId: "u_1", label: { from: "cold", to: "warm" } }])
 */
export function changedLeads(changed) {
  const rows = changed.map((lead) => {
    const id = lead.userId ?? lead.leadId ?? lead.id ?? "";
    const moves = Object.entries(lead)
      .filter(([, v]) => v && typeof v === "object" && "from" in v && "to" in v)
      .map(([key, v]) => `${key} ${v.from} → ${v.to}`);
    return [id, moves.join(", ")];
  });
  return table(["lead", "change"], rows);
}
