import { readFileSync } from "node:fs";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { lineOfOffset, offsetOfPath, parseJsonPath, parseWithPositions, pointerToJsonPath } from "../../../console/src/editor/json-paths";
import { schemaChecker } from "../../../console/src/editor/schema-issues";
import { checkSiteConfig, siteConfigSchema } from "../../../worker/site/config";
import { configWarnings } from "../../../worker/site/config-warnings";

// The same JSON Schema the worker serves at /config.schema.json.
const SCHEMA = z.toJSONSchema(siteConfigSchema, { io: "input", unrepresentable: "any" }) as any;
const SHOP = JSON.parse(readFileSync(new URL("../../../examples/b2c-shop.json", import.meta.url), "utf8"));

describe("JSON paths", () => {
  it("reads the worker's paths and the validator's pointers alike", () => {
    expect(parseJsonPath("$.models[0].rules[2].points")).toEqual(["models", 0, "rules", 2, "points"]);
    expect(parseJsonPath("$")).toEqual([]);
    expect(pointerToJsonPath("#/models/0/rules/2/points")).toBe("$.models[0].rules[2].points");
    expect(pointerToJsonPath("#/a~1b/c~0d")).toBe("$.a/b.c~d");
  });

  it("finds the line of a field, or of its nearest existing parent", () => {
    const text = JSON.stringify({ models: [{ id: "m", rules: [{ id: "r", points: "x" }] }] }, null, 2);
    const { tree, syntaxErrors } = parseWithPositions(text);
    expect(syntaxErrors).toEqual([]);
    const line = (path: string) => lineOfOffset(text, offsetOfPath(tree, parseJsonPath(path)));
    expect(text.split("\n")[line("$.models[0].rules[0].points") - 1]).toContain('"points": "x"');
    expect(text.split("\n")[line("$.models[0].rules[0].missing") - 1]!.trim()).toBe("{");
    expect(line("$.models[0].rules[0].missing")).toBe(line("$.models[0].rules[0]"));
  });

  it("reads bracketed names, so a trait with a dot in its name is found at its own line", () => {
    expect(parseJsonPath('$.models[0].audience["company.size"]')).toEqual(["models", 0, "audience", "company.size"]);
    expect(parseJsonPath('$.a["say \\"hi\\""][1]')).toEqual(["a", 'say "hi"', 1]);
    const text = JSON.stringify({ models: [{ audience: { city: "Berlin", "company.size": { gte: 10 } } }] }, null, 2);
    const line = lineOfOffset(text, offsetOfPath(parseWithPositions(text).tree, parseJsonPath('$.models[0].audience["company.size"]')));
    expect(text.split("\n")[line - 1]).toContain('"company.size"');
  });

  it("puts each of the worker's warnings on the line its path names", () => {
    const config = structuredClone(SHOP);
    config.models[0].rules.push({ id: "newsletter-open", event: "Email Opened", points: 2 });
    const check = checkSiteConfig(config, { allowedWebhookHosts: [] });
    if (!check.ok) throw new Error(JSON.stringify(check.issues));
    const warnings = configWarnings(check.config, { site: "shop", secret: () => "whsec_" + "A".repeat(32), seenTraits: [] });
    const text = JSON.stringify(config, null, 2);
    const { tree } = parseWithPositions(text);
    const found = warnings.find((w) => w.code === "segment_event_name")!;
    expect(found.path).toBe(`$.models[0].rules[${config.models[0].rules.length - 1}].event`);
    expect(text.split("\n")[lineOfOffset(text, offsetOfPath(tree, parseJsonPath(found.path))) - 1]).toContain('"event": "Email Opened"');
  });

  it("reports only the first of a syntax error's cascade, at its line", () => {
    const text = '{\n  "models": [],\n  "history": { "retention": "400d",, }\n}';
    const parsed = parseWithPositions(text);
    expect(parsed.syntaxErrors).toHaveLength(1);
    expect(lineOfOffset(text, parsed.syntaxErrors[0]!.offset)).toBe(3);
    expect(parsed.value).toBeUndefined();
  });

  it("reports a syntax error with its position and no value", () => {
    const parsed = parseWithPositions('{\n  "models": [\n}');
    expect(parsed.value).toBeUndefined();
    expect(parsed.syntaxErrors.length).toBeGreaterThan(0);
    expect(lineOfOffset('{\n  "models": [\n}', parsed.syntaxErrors[0]!.offset)).toBe(3);
  });
});

describe("schema issues", () => {
  const check = schemaChecker(SCHEMA);

  it("finds nothing wrong with a shipped config", () => {
    expect(check(SHOP)).toEqual([]);
  });

  it("names each mistake once, at its own path, not every branch of the rule union", () => {
    const bad = structuredClone(SHOP);
    bad.models[1].rules[1].points = "thirty";
    bad.models[1].labels[0].nme = "x";
    bad.models[0].rules[3].cap = "twice";
    const issues = check(bad);
    expect(issues.map((i) => i.path).sort()).toEqual(["$.models[0].rules[3].cap", "$.models[1].labels[0].nme", "$.models[1].rules[1].points"]);
    expect(issues.find((i) => i.path.endsWith("points"))!.message).toMatch(/number/);
    expect(issues.find((i) => i.path.endsWith("nme"))!.message).toBe('"nme" is not a known property here');
  });

  it("follows the union branch whose type the value has, as the worker does: a bad half-life is named at `halfLife`", () => {
    const bad = structuredClone(SHOP);
    // decay is false, a duration, or { halfLife: duration }: the object form is the one meant here.
    bad.models[0].decay = { halfLife: "3 days" };
    // In the schema's words, as the worker's 422 names it, not "String does not match pattern."
    expect(check(bad)).toEqual([{ path: "$.models[0].decay.halfLife", message: expect.stringContaining('A duration: "90m", "36h", "7d", "2w", or a number of hours.') }]);
    // A string is the duration form, even though the number form of that same union fails on its type.
    bad.models[0].decay = "3 days";
    expect(check(bad)).toEqual([{ path: "$.models[0].decay", message: expect.stringContaining("A duration") }]);
    // No form takes a list: the closest branch still says what went wrong.
    bad.models[0].decay = [1];
    expect(check(bad).map((i) => i.path)).toEqual(["$.models[0].decay"]);
  });

  it("reports a missing required field at its parent", () => {
    const bad = structuredClone(SHOP);
    delete bad.models[0].labels;
    expect(check(bad)).toEqual([expect.objectContaining({ path: "$.models[0]", message: expect.stringContaining("labels") })]);
  });
});
