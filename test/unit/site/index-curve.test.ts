import fc from "fast-check";
import { describe, expect, it } from "vitest";
import b2bJson from "../../../examples/b2b.json";
import { applyEvents, newLeadState, readLead, scoringSchema, view, type ScoringEvent } from "../../../worker/scoring";
import type { ScoreCurve } from "../../../worker/scoring/score";
import { baseBucket, drifted, halfLifeClass, indexCurveOf, orderKeys, scoreOnCurve, upperBound, type IndexCurve } from "../../../worker/site/index-curve";

// 14 d model decay, email opens with their own 7 d half-life, a sign-up that never decays, fit rules on traits.
const config = scoringSchema.parse(b2bJson);
const T0 = Date.UTC(2026, 0, 5, 9);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const SITE = "https://saas.example";

const EVENT_KINDS: Array<(ts: number, id: string) => ScoringEvent> = [
  (ts, id) => ({ id, name: "page_view", ts, url: `${SITE}/pricing` }),
  (ts, id) => ({ id, name: "page_view", ts, url: `${SITE}/case-studies/acme` }),
  (ts, id) => ({ id, name: "email_open", ts }),
  (ts, id) => ({ id, name: "demo_request", ts }),
  (ts, id) => ({ id, name: "signup", ts }),
  (ts, id) => ({ id, name: "identify", ts, traits: { jobTitle: "CTO", companySize: 400 } }),
];

/** A lead after a journey of (kind, hours after T0) steps, read at its last event. */
function leadAfter(steps: Array<[number, number]>) {
  const events = steps.map(([kind, hours], i) => EVENT_KINDS[kind]!(T0 + hours * HOUR, `e${i}`)).sort((a, b) => a.ts - b.ts);
  const t0 = events.at(-1)!.ts;
  const { state } = applyEvents(newLeadState(), events, config, t0);
  return { state, t0, curve: indexCurveOf(readLead(state, config, t0).curve) };
}

const journeys = fc.array(fc.tuple(fc.integer({ min: 0, max: EVENT_KINDS.length - 1 }), fc.integer({ min: 0, max: 24 * 30 })), { minLength: 1, maxLength: 12 });
const later = fc.integer({ min: 0, max: 400 * 24 });

describe("the index's score curve", () => {
  it("gives the engine's exact score at any later instant", () => {
    fc.assert(
      fc.property(journeys, later, (steps, hours) => {
        const { state, t0, curve } = leadAfter(steps);
        const t = t0 + hours * HOUR;
        expect(scoreOnCurve(curve, t, t0)).toBe(view(state, config, t).score);
      }),
      { numRuns: 200 },
    );
  });

  it("is bounded from above by its order keys at every instant, before and after it was stored", () => {
    fc.assert(
      fc.property(journeys, fc.integer({ min: -30 * 24, max: 400 * 24 }), (steps, hours) => {
        const { t0, curve } = leadAfter(steps);
        const t = t0 + hours * HOUR;
        const keys = orderKeys(curve, t0);
        // Scores are rounded to cents, and rounding is monotone: the bound holds once rounded the same way.
        const bound = Math.round((upperBound(keys, t) + 1e-9) * 100) / 100;
        expect(scoreOnCurve(curve, t, t0)).toBeLessThanOrEqual(bound);
      }),
      { numRuns: 500 },
    );
  });

  it("adds terms of one half-life in the log domain: 40 points now and 40 a half-life ago are 60", () => {
    const h = 14 * DAY;
    const model = { combine: "sum", scaleMin: 0, scaleMax: 100 } as ScoreCurve["model"];
    const terms = [{ amount: 40, t0: T0, halfLife: h }, { amount: 40, t0: T0 - h, halfLife: h }];
    const curve = indexCurveOf({ model, fit: 0, steady: 0, terms, steps: [] });
    expect(curve.d).toHaveLength(1);
    expect(scoreOnCurve(curve, T0, T0)).toBe(40 + 40 / 2);
    expect(scoreOnCurve(curve, T0 + h, T0)).toBe((40 + 40 / 2) / 2);
  });

  it("lets a lead whose points decay drop below one whose points do not", () => {
    const h = 14 * DAY;
    const decaying: IndexCurve = { b: 0, d: [[h, Math.log2(80) + T0 / h]], s: [], lo: 0, hi: 100 };
    const steady: IndexCurve = { b: 50, d: [], s: [], lo: 0, hi: 100 };
    expect(scoreOnCurve(decaying, T0, T0)).toBeGreaterThan(scoreOnCurve(steady, T0, T0));
    // 80 * 2^-(t/h) < 50 once t > h * log2(80 / 50) ≈ 9.5 days
    expect(scoreOnCurve(decaying, T0 + 10 * DAY, T0)).toBeLessThan(scoreOnCurve(steady, T0 + 10 * DAY, T0));
  });

  it("bounds the lasting part by the next quarter octave", () => {
    expect(baseBucket(0)).toBe(0);
    expect(baseBucket(-5)).toBe(0);
    expect(baseBucket(16)).toBe(16);
    expect(baseBucket(40)).toBeCloseTo(2 ** (22 / 4), 9); // 4 * log2(40) = 21.3, up to 22
  });

  it("puts each half-life in the class of the next power of two minutes", () => {
    expect(halfLifeClass(60_000)).toBe(60_000);
    expect(halfLifeClass(61_000)).toBe(2 * 60_000);
    expect(halfLifeClass(7 * DAY)).toBe(60_000 * 2 ** 14);
  });

  it("re-indexes when the listed score is more than 3 points or a tenth from the exact one", () => {
    const low = { curve: { b: 0, d: [], s: [], lo: 0, hi: 100 } as IndexCurve, at: T0 };
    expect(drifted(low, 0 + 3, T0 + DAY)).toBe(false);
    expect(drifted(low, 0 + 5, T0 + DAY)).toBe(true);
    const indexed = { curve: { b: 20, d: [], s: [], lo: 0, hi: 100 } as IndexCurve, at: T0 };
    expect(drifted(indexed, 20 + 3, T0 + DAY)).toBe(false); // 3 points: more than a tenth of 23 (2.3)
    expect(drifted(indexed, 20 + 4, T0 + DAY)).toBe(true); // 4 > max(3, 2.4)
    expect(drifted({ ...indexed, curve: { ...indexed.curve, b: 60 } }, 60 + 6, T0)).toBe(false); // a tenth of 66 is 6.6
    expect(drifted({ ...indexed, curve: { ...indexed.curve, b: 60 } }, 60 + 10, T0)).toBe(true); // a 10-point chat on 60: a tenth of 70 is 7
    expect(drifted(undefined, 0, T0)).toBe(true);
  });
});
