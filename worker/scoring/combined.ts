/**
 * Combined rules: several steps that must all happen within a window, in any order or in the order
 * listed. Each step remembers one instant, so the state is one small array per rule; an earning uses
 * its steps up (the next earning needs each step again).
 */
import type { CompiledCombinedRule } from "./compile";
import type { EventFacts } from "./event-facts";
import type { ModelState, ScoringEvent } from "./types";

function stepMatches(step: CompiledCombinedRule["steps"][number], event: ScoringEvent, facts: EventFacts, synthetic: boolean): boolean {
  // "*" never matches a synthesised visit_start: it would double what an any-event step means.
  const named = step.names === "*" ? !synthetic : step.names.has(event.name);
  return named && step.test(event, facts);
}

/**
 * Record the event's steps of a combined rule; true when the rule is complete now (and its memory
 * reset for the next time).
 *
 * @example completeCombined(ms, combo, clickEvent, facts) // true after an open 2 h earlier, within "1d"
 */
export function completeCombined(ms: ModelState, combo: CompiledCombinedRule, event: ScoringEvent, facts: EventFacts, synthetic = false): boolean {
  const id = combo.rule.id;
  const steps = combo.steps;
  const memo = ((ms.combos ??= {})[id] ??= steps.map(() => null));
  const ts = event.ts;
  let complete = false;
  if (combo.inOrder) {
    // From the last step down, so one event never advances two steps at once. memo[i] is when the chain
    // that reached step i began; the latest beginning leaves the most room in the window.
    for (let i = steps.length - 1; i >= 0; i--) {
      if (!stepMatches(steps[i]!, event, facts, synthetic)) continue;
      const began = i === 0 ? ts : memo[i - 1];
      if (began === null || began === undefined || ts - began > combo.within || began > ts) continue;
      if (i === steps.length - 1) complete = true;
      else memo[i] = Math.max(memo[i] ?? -Infinity, began);
    }
  } else {
    let hit = false;
    steps.forEach((step, i) => {
      if (stepMatches(step, event, facts, synthetic)) (memo[i] = Math.max(memo[i] ?? -Infinity, ts)), (hit = true);
    });
    const times = memo.filter((t): t is number => t !== null);
    complete = hit && times.length === steps.length && Math.max(...times) - Math.min(...times) <= combo.within;
  }
  if (complete) ms.combos![id] = steps.map(() => null);
  return complete;
}
