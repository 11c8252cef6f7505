/**
 * Operator adjustments: an event carrying `adjust` ("+20, called us") adds points to the lead with a
 * reason, in every model, optionally decaying. They are not visitor activity: no rule matches them and
 * they do not interrupt a quiet spell. The explanation lists each with its reason.
 */
import type { DecayingTerm } from "./score";
import type { ModelState, ScoringEvent } from "./types";

type Adjustment = NonNullable<ModelState["adjust"]>[number];

/** Adjustments kept per model; past it the oldest fold into one (their points still count). */
export const ADJUSTMENTS_MAX = 50;

/** Record an operator adjustment in a model's (mutable) state. */
export function recordAdjustment(ms: ModelState, event: ScoringEvent): void {
  const { points, reason, halfLife = 0 } = event.adjust!;
  const list = (ms.adjust ??= []);
  // Negative points never decay, for adjustments as for rules: decay must never raise a score.
  list.push([event.id, event.ts, points, points > 0 ? halfLife : 0, reason]);
  list.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  // Merging the two oldest that do not decay keeps the sum exact; decaying ones fade on their own.
  while (list.length > ADJUSTMENTS_MAX) {
    const steady = list.flatMap((entry, i) => (entry[3] === 0 ? [i] : []));
    if (steady.length < 2) break;
    const [i, j] = steady as [number, number];
    const merged: Adjustment = [list[j]![0], list[j]![1], list[i]![2] + list[j]![2], 0, "earlier adjustments"];
    list.splice(j, 1, merged);
    list.splice(i, 1);
  }
}

/** The adjustments' part of a score curve: steady points and decaying terms. */
export function adjustmentCurve(ms: ModelState): { steady: number; terms: DecayingTerm[] } {
  let steady = 0;
  const terms: DecayingTerm[] = [];
  for (const [, ts, points, halfLife] of ms.adjust ?? []) {
    if (halfLife > 0) terms.push({ amount: points, t0: ts, halfLife });
    else steady += points;
  }
  return { steady, terms };
}
