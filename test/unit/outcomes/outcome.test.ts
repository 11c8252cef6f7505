import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { leadOutcome } from "../../../worker/outcomes/outcome";
import { configIssues, type ScoringConfig } from "../../../worker/scoring";
import { SYNTHETIC_HORIZON_DAYS, expectedLabel, expectedScore, syntheticConfig, syntheticSite } from "../../support/synthetic-site";
import { DAY, HOUR, T0, ev, page } from "../engine/fixtures";

/** cold / warm 30 / hot 60 without decay; a purchase worth points; stages lead → customer (set by a rule). */
function shop(outcomes: NonNullable<ScoringConfig["models"][number]["outcomes"]>, extra: Partial<ScoringConfig["models"][number]> = {}): ScoringConfig {
  return {
    models: [
      {
        id: "shop",
        rules: [
          { id: "visit", event: "page_view", points: 10 },
          { id: "cart", event: "cart_add", points: 25 },
          { id: "purchase", event: "purchase", points: 50 },
          { id: "won", event: "deal_won", setStage: "customer" },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
        stages: [{ name: "lead" }, { name: "customer" }, { name: "lost" }],
        outcomes,
        ...extra,
      },
    ],
  };
}

const PURCHASE = { horizon: "30d", conversion: [{ event: "purchase" }] } as const;

describe("a lead's outcome", () => {
  it("is converted at its purchase, read just before it: the purchase's own 50 points never count", () => {
    const events = [page("/", T0), ev("cart_add", T0 + HOUR), ev("purchase", T0 + 2 * DAY)];
    const out = leadOutcome(events, shop({ ...PURCHASE, conversion: [...PURCHASE.conversion] }), T0 + 90 * DAY)!;
    expect(out).toMatchObject({
      model: "shop",
      kind: "converted",
      at: T0 + 2 * DAY,
      trigger: "event purchase",
      firstSeen: T0,
      horizonEnd: T0 + 30 * DAY,
      before: { at: T0 + 2 * DAY, score: 10 + 25, label: "warm", stage: "lead" },
      start: { at: T0, score: 10, label: "cold" },
      peak: 10 + 25,
      peakLabel: "warm",
      labelsAt: { cold: T0, warm: T0 + HOUR },
    });
  });

  it("is open while its horizon runs, and negative once it has passed without a conversion", () => {
    const config = shop({ ...PURCHASE, conversion: [...PURCHASE.conversion] });
    const events = [page("/", T0), ev("cart_add", T0 + HOUR)];
    expect(leadOutcome(events, config, T0 + 29 * DAY)).toMatchObject({ kind: "open", peak: 10 + 25 });
    expect(leadOutcome(events, config, T0 + 31 * DAY)).toMatchObject({ kind: "negative", at: T0 + 30 * DAY, trigger: "horizon", before: { score: 10 + 25 } });
  });

  it("counts a purchase at the horizon's last instant, and not one just after it", () => {
    const config = shop({ ...PURCHASE, conversion: [...PURCHASE.conversion] });
    expect(leadOutcome([page("/", T0), ev("purchase", T0 + 30 * DAY)], config, T0 + 90 * DAY)!.kind).toBe("converted");
    const late = leadOutcome([page("/", T0), ev("purchase", T0 + 30 * DAY + 1)], config, T0 + 90 * DAY)!;
    expect(late).toMatchObject({ kind: "negative", at: T0 + 30 * DAY });
  });

  it("converts on reaching a stage, and on a trait set through identify matching", () => {
    const byStage = shop({ horizon: "30d", conversion: [{ stage: "customer" }] });
    expect(leadOutcome([page("/", T0), ev("deal_won", T0 + DAY)], byStage, T0 + 90 * DAY)).toMatchObject({
      kind: "converted",
      trigger: "stage customer",
      before: { stage: "lead", score: 10 },
    });
    const byTrait = shop({ horizon: "30d", conversion: [{ trait: "crm_status", match: { in: ["won"] } }] });
    const identify = (status: string, ts: number) => ev("identify", ts, { traits: { crm_status: status } });
    const out = leadOutcome([page("/", T0), identify("open", T0 + DAY), identify("Won", T0 + 2 * DAY)], byTrait, T0 + 90 * DAY);
    expect(out).toMatchObject({ kind: "converted", at: T0 + 2 * DAY, trigger: "trait crm_status" });
  });

  it("is lost at a loss trigger before any conversion, and a later purchase does not undo it", () => {
    const config = shop({ horizon: "30d", conversion: [{ event: "purchase" }], loss: [{ event: "lost" }] });
    const out = leadOutcome([page("/", T0), ev("lost", T0 + DAY), ev("purchase", T0 + 2 * DAY)], config, T0 + 90 * DAY);
    expect(out).toMatchObject({ kind: "lost", at: T0 + DAY, trigger: "event lost", before: { score: 10 } });
  });

  it("reads a lead its first event converts as it stood before that event", () => {
    const out = leadOutcome([ev("purchase", T0)], shop({ ...PURCHASE, conversion: [...PURCHASE.conversion] }), T0 + 90 * DAY)!;
    expect(out).toMatchObject({ kind: "converted", before: { score: 0, label: "cold" }, peak: 0, peakLabel: "cold" });
  });

  it("judges nothing under a model with no outcomes, nor a lead with no events", () => {
    const config = shop({ ...PURCHASE, conversion: [...PURCHASE.conversion] });
    delete config.models[0]!.outcomes;
    expect(leadOutcome([page("/", T0), ev("purchase", T0 + DAY)], config, T0 + 90 * DAY)).toBeNull();
    expect(leadOutcome([], shop({ ...PURCHASE, conversion: [...PURCHASE.conversion] }), T0)).toBeNull();
  });

  it("agrees with the synthetic site's ground truth lead by lead: outcome, score before it, peak label", () => {
    const config = syntheticConfig();
    const leads = syntheticSite({ seed: 3, leads: 300, start: T0 });
    const now = T0 + (28 + SYNTHETIC_HORIZON_DAYS + 1) * DAY;
    for (const lead of leads) {
      const out = leadOutcome(lead.events, config, now)!;
      expect(out.kind).toBe(lead.converted ? "converted" : "negative");
      expect(out.peak).toBe(expectedScore(lead, config));
      expect(out.peakLabel).toBe(expectedLabel(expectedScore(lead, config)));
    }
    expect(leads.filter((l) => l.converted).length).toBeGreaterThan(20);
  });
});

describe("outcomes in the config", () => {
  it("are validated with JSON paths: an unknown stage, a bad trait condition, an empty conversion list", () => {
    const config: any = shop({ horizon: "30d", conversion: [{ stage: "champion" }, { trait: "crm_status", match: { pattern: "(" } }] });
    const paths = configIssues(config).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(["$.models[0].outcomes.conversion[0].stage", "$.models[0].outcomes.conversion[1].match.pattern"]));
    config.models[0].outcomes = { horizon: "soon", conversion: [] };
    expect(configIssues(config).map((i) => i.path)).toEqual(expect.arrayContaining(["$.models[0].outcomes.horizon", "$.models[0].outcomes.conversion"]));
    config.models[0].outcomes = { horizon: "30d", conversion: [{ event: "purchase", stage: "customer" }] };
    expect(configIssues(config).map((i) => i.path)).toContain("$.models[0].outcomes.conversion[0]");
  });

  it("accept every trigger form and a loss list", () => {
    expect(configIssues(shop({ horizon: "30d", conversion: [{ event: "purchase" }, { stage: "customer" }, { trait: "crm_status", match: { in: ["won"] } }], loss: [{ stage: "lost" }] }))).toEqual([]);
  });
});

describe("outcome invariants", () => {
  it("do not depend on the order events arrive in, and the peak is never below the reading before the outcome", () => {
    const config = syntheticConfig();
    const leads = syntheticSite({ seed: 21, leads: 60, start: T0 });
    const now = T0 + 90 * DAY;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: leads.length - 1 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (index, keys) => {
        const lead = leads[index]!;
        // A shuffle driven by the generated keys: the engine orders events itself.
        const shuffled = lead.events.map((e, i) => ({ e, k: keys[i % keys.length]! + i / 1000 })).sort((a, b) => a.k - b.k).map((x) => x.e);
        const a = leadOutcome(lead.events, config, now)!;
        expect(leadOutcome(shuffled, config, now)).toEqual(a);
        expect(a.peak).toBeGreaterThanOrEqual(a.before!.score);
      }),
      { numRuns: 100 },
    );
  });
});
