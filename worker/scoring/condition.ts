/**
 * Evaluating a Condition (fit rules, audiences, event props) against one value.
 * Strings compare case-insensitively because traits come from free-text form fields ("CEO", "ceo").
 */
import { durationMs } from "./duration";
import type { Condition, ConditionObject } from "./schema";

type Test = (value: unknown, cond: ConditionObject, now: number) => boolean;

const REGEX_CACHE = new WeakMap<ConditionObject, RegExp>();

function lower(value: unknown): string | undefined {
  if (typeof value === "string") return value.toLowerCase();
  if (typeof value === "number" || typeof value === "boolean") return String(value).toLowerCase();
  return undefined;
}

/** A number, or a numeric string ("250", " 1e3 "); anything else is not a number. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function scalarEquals(value: unknown, expected: unknown): boolean {
  if (expected === null) return value === null;
  if (typeof expected === "number") return toNumber(value) === expected;
  if (typeof expected === "boolean") return value === expected || lower(value) === String(expected);
  return lower(value) === lower(expected);
}

function list(value: string | string[]): string[] {
  return typeof value === "string" ? [value] : value;
}

function stringTest(pick: (s: string, needle: string) => boolean): (value: unknown, needles: string | string[]) => boolean {
  return (value, needles) => {
    const s = lower(value);
    return s !== undefined && list(needles).some((n) => pick(s, n.toLowerCase()));
  };
}
const ends = stringTest((s, n) => s.endsWith(n));
const starts = stringTest((s, n) => s.startsWith(n));
const contains = stringTest((s, n) => s.includes(n));

function regexOf(cond: ConditionObject): RegExp {
  let re = REGEX_CACHE.get(cond);
  if (!re) {
    // "g" and "y" make RegExp.test stateful (lastIndex); a condition must answer the same every time.
    re = new RegExp(cond.pattern!, (cond.flags ?? "").replace(/[gy]/g, ""));
    REGEX_CACHE.set(cond, re);
  }
  return re;
}

/**
 * A date trait as an instant: epoch milliseconds, or a string Date.parse reads ("2026-03-01",
 * ISO 8601 with time). Anything else is no date.
 */
export function toInstant(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const t = Date.parse(value.trim());
  return Number.isFinite(t) ? t : undefined;
}

/** One entry per key a condition object can carry; a key that is present must pass. */
const TESTS: Record<Exclude<keyof ConditionObject, "flags" | "not" | "exists">, Test> = {
  equals: (v, c) => scalarEquals(v, c.equals),
  in: (v, c) => c.in!.some((x) => scalarEquals(v, x)),
  pattern: (v, c) => typeof v === "string" || typeof v === "number" ? regexOf(c).test(String(v)) : false,
  gte: (v, c) => (toNumber(v) ?? NaN) >= c.gte!,
  lte: (v, c) => (toNumber(v) ?? NaN) <= c.lte!,
  gt: (v, c) => (toNumber(v) ?? NaN) > c.gt!,
  lt: (v, c) => (toNumber(v) ?? NaN) < c.lt!,
  endsWith: (v, c) => ends(v, c.endsWith!),
  startsWith: (v, c) => starts(v, c.startsWith!),
  contains: (v, c) => contains(v, c.contains!),
  // Relative to `now`: the truth changes with time alone (relative.ts finds the instants it flips).
  within: (v, c, now) => Math.abs((toInstant(v) ?? NaN) - now) <= durationMs(c.within!),
  olderThan: (v, c, now) => (toInstant(v) ?? NaN) < now - durationMs(c.olderThan!),
};
const TEST_KEYS = Object.keys(TESTS) as Array<keyof typeof TESTS>;

/** Present means: not undefined, null or an empty string (an empty form field is no answer). */
export function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && value !== "" && !(Array.isArray(value) && value.length === 0);
}

function objectHolds(value: unknown, cond: ConditionObject, now: number): boolean {
  if (cond.exists !== undefined && isPresent(value) !== cond.exists) return false;
  if (cond.not !== undefined && matches(value, cond.not, now)) return false;
  for (const key of TEST_KEYS) {
    if (cond[key] === undefined) continue;
    // A list-valued trait (interests: ["a", "b"]) passes when any of its items does.
    const values = Array.isArray(value) ? value : [value];
    if (!values.some((v) => TESTS[key](v, cond, now))) return false;
  }
  return true;
}

/**
 * Whether `value` satisfies `condition`. A scalar condition means equals, an array means in.
 *
 * @example matches("Chief Executive Officer", { pattern: "chief|ceo", flags: "i" }) // true
 * @example matches("250", { gte: 50 }) // true
 * @example matches(undefined, { not: { exists: true } }) // true
 * @example matches("2026-03-01", { within: "90d" }, Date.UTC(2026, 0, 15)) // true: 45 days ahead
 *
 * `now` is the instant relative tests (`within`, `olderThan`) compare with; without it they fail.
 */
export function matches(value: unknown, condition: Condition, now = NaN): boolean {
  if (Array.isArray(condition)) return objectHolds(value, { in: condition }, now);
  if (condition === null || typeof condition !== "object") return objectHolds(value, { equals: condition }, now);
  return objectHolds(value, condition, now);
}

/** The number of tests a condition object carries (a condition testing nothing is a config mistake). */
export function conditionTestCount(cond: ConditionObject): number {
  return Object.keys(cond).filter((k) => k !== "flags").length;
}
