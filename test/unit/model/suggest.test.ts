import { describe, expect, it } from "vitest";
import { compile } from "../../../worker/scoring/compile";
import { featureColumns, outcomeRow } from "../../../worker/model/features";
import { MIN_PER_CLASS, suggestWeights, withPoints, type LeadRow } from "../../../worker/model/suggest";
import { SYNTHETIC_BEHAVIOURS, syntheticConfig, syntheticSite } from "../../support/synthetic-site";

const DAY = 86_400_000;
const START = Date.UTC(2026, 6, 1);
/** Every horizon (30 days from a first event within 28 days of START) has ended by then. */
const NOW = START + 90 * DAY;
const OPTIONS = { trainFraction: 0.7, seed: 1, l2: 1 };

function rowsOf(config: ReturnType<typeof syntheticConfig>, leads = syntheticSite({ seed: 11, leads: 2000, start: START })): LeadRow[] {
  return leads.flatMap((lead) => {
    const row = outcomeRow(lead.events, config, "synthetic", NOW);
    return row ? [{ leadId: lead.id, ...row }] : [];
  });
}

describe("outcomeRow", () => {
  it("counts each rule's hits before the purchase, and the purchase decides", () => {
    const [lead] = syntheticSite({ seed: 3, leads: 200, start: START }).filter((l) => l.converted);
    const row = outcomeRow(lead!.events, syntheticConfig(), "synthetic", NOW)!;
    expect(row.converted).toBe(true);
    expect(row.features).toEqual(SYNTHETIC_BEHAVIOURS.map((b) => lead!.counts[b.rule]));
  });

  it("is null while the horizon is open, and for a model that does not judge the lead", () => {
    const [lead] = syntheticSite({ seed: 3, leads: 200, start: START }).filter((l) => !l.converted);
    expect(outcomeRow(lead!.events, syntheticConfig(), "synthetic", lead!.firstSeen + DAY)).toBeNull();
    expect(outcomeRow(lead!.events, syntheticConfig(), "other", NOW)).toBeNull();
    expect(outcomeRow(lead!.events, syntheticConfig(), "synthetic", NOW)).toMatchObject({ converted: false });
  });
});

describe("suggestWeights on the synthetic site", () => {
  it("lowers the points of a rule over-weighted by mistake, and the held-out AUC rises", () => {
    // newsletter opens have no effect on converting (true weight 0); the mistaken config gives them 30 points.
    const config = syntheticConfig({ overweight: { rule: "newsletter", points: 30 } });
    const suggestion = suggestWeights(config, "synthetic", rowsOf(config), OPTIONS);
    const newsletter = suggestion.rules.find((r) => r.rule === "newsletter")!;
    expect(newsletter.current).toBe(30);
    expect(newsletter.suggested).toBeLessThan(newsletter.current);
    expect(suggestion.auc.suggested!).toBeGreaterThan(suggestion.auc.current!);
    // The rules that matter keep their order: demo (true weight 1.2) > cart (0.9) > pricing (0.6) > docs (0.3).
    const points = Object.fromEntries(suggestion.rules.map((r) => [r.rule, r.suggested]));
    expect(points.demo).toBeGreaterThan(points.cart!);
    expect(points.cart).toBeGreaterThan(points.pricing!);
    expect(points.pricing).toBeGreaterThan(points.docs!);
    // The positive total stays on the config's scale: 12 + 18 + 24 + 6 + 30 = 90 points, give or take rounding.
    const positive = suggestion.rules.reduce((sum, r) => sum + Math.max(0, r.suggested), 0);
    expect(Math.abs(positive - (12 + 18 + 24 + 6 + 30))).toBeLessThanOrEqual(suggestion.rules.length / 2);
    // The candidate is the config with those points, nothing else changed.
    expect(suggestion.candidate).toEqual(withPoints(config, "synthetic", new Map(Object.entries(points))));
    expect(config.models[0]!.rules.find((r) => r.id === "newsletter")!.points).toBe(30);
    // 70 % in training, give or take the hash's spread.
    const { training, heldOut } = suggestion.split;
    expect(training.leads + heldOut.leads).toBe(2000);
    expect(Math.abs(training.leads / 2000 - 0.7)).toBeLessThan(0.05);
  });

  it("answers the same whatever order the rows come in", () => {
    const config = syntheticConfig({ overweight: { rule: "newsletter", points: 30 } });
    const rows = rowsOf(config, syntheticSite({ seed: 5, leads: 600, start: START }));
    expect(suggestWeights(config, "synthetic", [...rows].reverse(), OPTIONS)).toEqual(suggestWeights(config, "synthetic", rows, OPTIONS));
  });

  it(`says why when the training split has fewer than ${MIN_PER_CLASS} leads of a class, and suggests nothing`, () => {
    const config = syntheticConfig();
    const rows = rowsOf(config, syntheticSite({ seed: 5, leads: 600, start: START })).filter((r) => !r.converted);
    const suggestion = suggestWeights(config, "synthetic", rows, OPTIONS);
    expect(suggestion.candidate).toBeNull();
    expect(suggestion.auc.suggested).toBeNull();
    expect(suggestion.notice).toMatch(/holds 0 converted and \d+ unconverted leads; a fit needs at least 10 of each/);
  });
});

describe("featureColumns", () => {
  it("weighs rules with points of their own, fit rules by match, and leaves disqualifying and stage-only rules alone", () => {
    const model = compile({
      models: [
        {
          id: "m",
          labels: [{ name: "cold" }],
          stages: [{ name: "lead" }, { name: "customer" }],
          rules: [
            { id: "pricing", event: "page_view", points: 20 },
            { id: "student", trait: "job", match: "student", disqualify: true },
            { id: "big", trait: "employees", match: { gte: 100 }, points: 15 },
            { id: "bought", event: "purchase", setStage: "customer" },
          ],
        },
      ],
    }).byId.get("m")!;
    expect(featureColumns(model)).toEqual([
      { rule: "pricing", kind: "behaviour", points: 20 },
      { rule: "big", kind: "fit", points: 15 },
    ]);
  });
});
