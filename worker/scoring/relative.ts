/**
 * Conditions relative to now (`within`, `olderThan` on date traits) change truth with time alone. The
 * engine treats the instants they flip like decay crossings: `nextCrossing` returns the next one and
 * `advance` re-reads the lead there, so "an expected purchase date within 90 days" turns true (and its
 * points count, its webhook goes out) at the exact millisecond, with no event.
 */
import { toInstant } from "./condition";
import { traitValue, type CompiledConfig } from "./compile";
import { durationMs } from "./duration";
import type { Condition } from "./schema";

/** The instants at which a condition on `value` may change truth (where a relative test does). */
export function conditionFlips(value: unknown, cond: Condition, out: number[] = []): number[] {
  if (cond === null || typeof cond !== "object" || Array.isArray(cond)) return out;
  const dates = (Array.isArray(value) ? value : [value]).map(toInstant).filter((t): t is number => t !== undefined);
  if (cond.within !== undefined) {
    const d = durationMs(cond.within);
    // |date - now| <= d holds on [date - d, date + d]: true from its first instant, false after its last.
    for (const t of dates) out.push(t - d, t + d + 1);
  }
  if (cond.olderThan !== undefined) {
    const d = durationMs(cond.olderThan);
    // date < now - d holds from the first integer instant after date + d.
    for (const t of dates) out.push(Math.floor(t + d) + 1);
  }
  if (cond.not !== undefined) conditionFlips(value, cond.not, out);
  return out;
}

/**
 * The first instant after `from` at which any relative trait condition of the config (fit rules and
 * audiences of every model, since an audience choosing another model changes what the lead shows)
 * changes truth; null when none ever will.
 *
 * @example nextTraitFlip(compile(config), { purchaseDate: "2026-06-01" }, Date.UTC(2026, 0, 1))
 * // Date.UTC(2026, 0, 1) + ...: the instant the date comes within 90 days
 */
export function nextTraitFlip(compiled: CompiledConfig, traits: Record<string, unknown>, from: number): number | null {
  let next = Infinity;
  const consider = (value: unknown, cond: Condition) => {
    for (const t of conditionFlips(value, cond)) if (t > from && t < next) next = Math.ceil(t);
  };
  for (const model of compiled.models) {
    if (!model.relative) continue;
    for (const rule of model.fit) consider(rule.value(traits), rule.condition);
    for (const clause of model.audienceClauses) for (const [trait, cond] of clause) consider(traitValue(traits, trait), cond);
  }
  return next === Infinity ? null : next;
}
