import { z } from "zod";
import { describe, expect, it } from "vitest";
import { configIssues, scoringObjectSchema, scoringSchema } from "../../../worker/scoring";

function valid(): any {
  return {
    models: [
      {
        id: "m",
        decay: { halfLife: "7d" },
        hysteresis: 5,
        rules: [
          { id: "pricing", event: "page_view", when: { path: "/pricing*" }, points: 20, cap: { max: 1, per: "day" } },
          { id: "title", trait: "jobTitle", match: { pattern: "ceo", flags: "i" }, points: 10 },
        ],
        labels: [{ name: "cold" }, { name: "warm", min: 30 }, { name: "hot", min: 60 }],
        stages: [{ name: "lead" }, { name: "MQL", min: 40 }, { name: "customer" }],
      },
    ],
  };
}

function withChange(mutate: (c: any) => void): any {
  const c = valid();
  mutate(c);
  return c;
}

describe("configIssues", () => {
  it("is empty for a valid config", () => {
    expect(configIssues(valid())).toEqual([]);
  });

  it.each<[string, (c: any) => void, string, RegExp]>([
    ["not an object", (c) => (c.models = 3), "$.models", /array/],
    ["no models", (c) => (c.models = []), "$.models", /.+/],
    ["points not a number", (c) => (c.models[0].rules[0].points = "20"), "$.models[0].rules[0].points", /number/],
    ["a typo in a rule key", (c) => (c.models[0].rules[0].pionts = 3), "$.models[0].rules[0]", /pionts/],
    ["a typo in a fit rule", (c) => (c.models[0].rules[1].match = { patern: "x" }), "$.models[0].rules[1].match", /patern/],
    ["bad duration", (c) => (c.models[0].decay = { halfLife: "7 days" }), "$.models[0].decay.halfLife", /duration/],
    ["bad cap", (c) => (c.models[0].rules[0].cap = { max: 0 }), "$.models[0].rules[0].cap.max", /.+/],
    ["bad cap period", (c) => (c.models[0].rules[0].cap = { max: 1, per: "month" }), "$.models[0].rules[0].cap.per", /.+/],
    ["bad channel", (c) => (c.models[0].rules[0].when.channel = "tv"), "$.models[0].rules[0].when.channel", /.+/],
    ["a rule without event or trait", (c) => (c.models[0].rules[0] = { id: "x", points: 1 }), "$.models[0].rules[0].event", /required/],
    ["duplicate rule ids", (c) => (c.models[0].rules[1].id = "pricing"), "$.models[0].rules[1].id", /duplicate rule id/],
    ["labels not ascending", (c) => (c.models[0].labels = [{ name: "cold" }, { name: "hot", min: 60 }, { name: "warm", min: 30 }]), "$.models[0].labels[2].min", /ascend/],
    ["label without min", (c) => (c.models[0].labels[1] = { name: "warm" }), "$.models[0].labels[1]", /needs a min/],
    ["duplicate label names", (c) => (c.models[0].labels[2].name = "warm"), "$.models[0].labels[2].name", /duplicate/],
    ["hysteresis too wide", (c) => (c.models[0].hysteresis = 30), "$.models[0].hysteresis", /hysteresis 30/],
    ["invalid regex", (c) => (c.models[0].rules[1].match = { pattern: "(ceo" }), "$.models[0].rules[1].match.pattern", /regular expression/],
    ["invalid regex flags", (c) => (c.models[0].rules[1].match = { pattern: "ceo", flags: "q" }), "$.models[0].rules[1].match.flags", /flags/],
    ["regex in props", (c) => (c.models[0].rules[0].when.props = { plan: { pattern: "[" } }), "$.models[0].rules[0].when.props.plan.pattern", /regular/],
    ["empty condition", (c) => (c.models[0].rules[1].match = {}), "$.models[0].rules[1].match", /tests nothing/],
    ["glob not a path", (c) => (c.models[0].rules[0].when.path = "pricing*"), "$.models[0].rules[0].when.path", /must start with/],
    ["glob in a list", (c) => (c.models[0].rules[0].when.path = ["/a", "b"]), "$.models[0].rules[0].when.path[1]", /must start with/],
    ["unknown setStage", (c) => (c.models[0].rules[0].setStage = "won"), "$.models[0].rules[0].setStage", /no stage named "won"/],
    ["separate without grades", (c) => (c.models[0].combine = "separate"), "$.models[0].grades", /grades/],
    ["duplicate model ids", (c) => c.models.push({ ...valid().models[0], audience: { company: { exists: true } } }), "$.models[1].id", /duplicate model/],
    ["unreachable model", (c) => c.models.push({ ...valid().models[0], id: "n" }), "$.models[1]", /unreachable/],
    ["content stage glob", (c) => (c.models[0].contentStages = { BOFU: ["pricing"] }), "$.models[0].contentStages.BOFU[0]", /must start/],
    ["scale upside down", (c) => (c.models[0].scale = { min: 10, max: 0 }), "$.models[0].scale", /below/],
  ])("%s", (_name, mutate, path, message) => {
    const issues = configIssues(withChange(mutate));
    expect(issues.length).toBeGreaterThan(0);
    const hit = issues.find((i) => i.path === path);
    expect(hit, JSON.stringify(issues)).toBeDefined();
    expect(hit!.message).toMatch(message);
  });

  it("quotes keys that are not identifiers", () => {
    const issues = configIssues(withChange((c) => (c.models[0].rules[0].when.props = { "utm-x": { pattern: "(" } })));
    expect(issues[0]!.path).toBe('$.models[0].rules[0].when.props["utm-x"].pattern');
  });

  it("ignores keys it does not own at the top level (the site layer adds them)", () => {
    expect(configIssues({ ...valid(), webhooks: [] })).toEqual([]);
  });
});

describe("scoringSchema", () => {
  it("yields a JSON Schema", () => {
    const schema = z.toJSONSchema(scoringSchema) as any;
    expect(schema.properties.models.type).toBe("array");
    expect(JSON.stringify(schema)).toContain("halfLife");
  });

  it("can be extended by the site layer", () => {
    const site = scoringObjectSchema.extend({ webhooks: z.array(z.string()) });
    expect(site.safeParse({ ...valid(), webhooks: ["a"] }).success).toBe(true);
  });

  it("keeps a parsed config exactly as written (no transforms, no defaults)", () => {
    expect(scoringSchema.parse(valid())).toEqual(valid());
  });
});
