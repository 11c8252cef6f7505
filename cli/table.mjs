// Plain-text tables for a terminal or a pull-request comment: columns padded to their widest cell,
// numbers right-aligned so digits line up.

const NUMERIC = /^[-+]?[\d.,]+%?$|^–$/;

/**
 * Lays out rows under a header.
 *
 * @example table(["metric", "current"], [["auc", "0.71"]])
 * // "metric  current\n------  -------\nauc        0.71"
 */
export function table(header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell ?? "")));
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  // A column is right-aligned when every cell below the header reads as a number.
  const numeric = header.map((_, i) => rows.length > 0 && cells.slice(1).every((row) => NUMERIC.test(row[i] ?? "") || (row[i] ?? "") === ""));
  const line = (row) => row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

/**
 * A number as a report shows it: to at most 3 decimal places, nothing as "–".
 *
 * @example formatNumber(0.71234) // "0.712"
 * @example formatNumber(0.5) // "0.5"
 */
export function formatNumber(value) {
  if (value === null || value === undefined) return "–";
  if (typeof value !== "number") return String(value);
  if (!Number.isFinite(value)) return "–";
  return String(Number(value.toFixed(3)));
}

/**
 * The difference candidate - current, signed, or "" when either is not a number.
 *
 * @example delta(0.71, 0.78) // "+0.07"
 */
export function delta(current, candidate) {
  if (typeof current !== "number" || typeof candidate !== "number" || !Number.isFinite(current) || !Number.isFinite(candidate)) return "";
  const d = candidate - current;
  if (d === 0) return "0";
  return `${d > 0 ? "+" : ""}${formatNumber(Math.abs(d) < 1e-12 ? 0 : d)}`;
}
