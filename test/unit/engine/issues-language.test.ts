import { z } from "zod";
import { describe, expect, it } from "vitest";
import { configIssues, scoringSchema } from "../../../worker/scoring";

const withRule = (rule: unknown, model: Record<string, unknown> = {}) => ({
  models: [{ id: "m", rules: [rule], labels: [{ name: "cold" }], stages: [{ name: "lead" }, { name: "customer" }], ...model }],
});

describe("configIssues for visits, absence, combined and relative rules", () => {
  it.each<[string, unknown]>([
    ["a visit_start rule with visit conditions", { id: "r", event: "visit_start", when: { visit: { number: { gte: 2 }, landing: "/pricing/**", channel: ["email", "paid"] } }, points: 5 }],
    ["a visit count", { id: "r", event: "visit_start", when: { visits: { atLeast: 3, within: "7d" } }, points: 10 }],
    ["an absence rule", { id: "r", absence: { after: "30d" }, points: -10 }],
    ["an absence rule on some events, after a single visit", { id: "r", absence: { after: "14d", events: ["page_view"], visits: 1 }, points: -5, cap: "once" }],
    ["a combined rule", { id: "r", all: [{ event: "email_open" }, { event: "email_click" }], within: "7d", points: 10, cap: { max: 1, per: "week" } }],
    ["a combined rule in order with setStage", { id: "r", all: [{ event: "demo_request" }, { event: "page_view", when: { path: "/pricing*" } }], inOrder: true, within: "14d", setStage: "customer" }],
    ["a relative trait condition", { id: "r", trait: "expectedPurchase", match: { within: "90d" }, points: 15 }],
    ["an older-than trait condition", { id: "r", trait: "lastSeen", match: { olderThan: "30d" }, points: -5 }],
  ])("accepts %s", (_name, rule) => {
    expect(configIssues(withRule(rule))).toEqual([]);
  });

  it("accepts the model's visit settings", () => {
    expect(configIssues(withRule({ id: "r", event: "visit_start", points: 1 }, { visits: { timeout: "45m", newOnCampaign: false } }))).toEqual([]);
  });

  it.each<[string, unknown, string, RegExp]>([
    ["positive absence points", { id: "r", absence: { after: "30d" }, points: 10 }, "$.models[0].rules[0].points", /0/],
    ["an absence rule without after", { id: "r", absence: {}, points: -1 }, "$.models[0].rules[0].absence.after", /.+/],
    ["a typo in an absence rule", { id: "r", absence: { afterr: "1d" }, points: -1 }, "$.models[0].rules[0].absence", /afterr/],
    ["a combined rule with one step", { id: "r", all: [{ event: "a" }], within: "1d", points: 1 }, "$.models[0].rules[0].all", /2/],
    ["a combined rule without within", { id: "r", all: [{ event: "a" }, { event: "b" }], points: 1 }, "$.models[0].rules[0].within", /.+/],
    ["a bad glob in a combined step", { id: "r", all: [{ event: "a", when: { path: "pricing" } }, { event: "b" }], within: "1d" }, "$.models[0].rules[0].all[0].when.path", /start with/],
    ["an unknown stage in a combined rule", { id: "r", all: [{ event: "a" }, { event: "b" }], within: "1d", setStage: "SQL" }, "$.models[0].rules[0].setStage", /SQL/],
    ["a visit count that counts nothing", { id: "r", event: "visit_start", when: { visits: { within: "7d" } } }, "$.models[0].rules[0].when.visits", /atLeast or atMost/],
    ["a visit count upside down", { id: "r", event: "visit_start", when: { visits: { atLeast: 3, atMost: 2, within: "7d" } } }, "$.models[0].rules[0].when.visits", /above/],
    ["a bad landing glob", { id: "r", event: "visit_start", when: { visit: { landing: "pricing" } } }, "$.models[0].rules[0].when.visit.landing", /start with/],
    ["an unknown visit channel", { id: "r", event: "visit_start", when: { visit: { channel: "tv" } } }, "$.models[0].rules[0].when.visit.channel", /.+/],
    ["a bad relative duration", { id: "r", trait: "d", match: { within: "soon" } }, "$.models[0].rules[0].match.within", /duration/],
  ])("reports %s", (_name, rule, path, message) => {
    const issues = configIssues(withRule(rule));
    expect(issues, JSON.stringify(issues)).toEqual(expect.arrayContaining([expect.objectContaining({ path, message: expect.stringMatching(message) })]));
  });

  it("yields a JSON Schema with the new rule kinds", () => {
    const schema = JSON.stringify(z.toJSONSchema(scoringSchema, { io: "input", unrepresentable: "any" }));
    for (const id of ["AbsenceRule", "CombinedRule", "VisitCondition", "VisitCount", "VisitSettings"]) expect(schema).toContain(`"${id}"`);
  });
});
