import { readFileSync } from "node:fs";
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { lineOfOffset, offsetOfPath, parseJsonPath, parseWithPositions, pointerToJsonPath } from "../../../console/src/editor/json-paths";
import { schemaChecker } from "../../../console/src/editor/schema-issues";
import { siteConfigSchema } from "../../../worker/site/config";

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

  it("reports a missing required field at its parent", () => {
    const bad = structuredClone(SHOP);
    delete bad.models[0].labels;
    expect(check(bad)).toEqual([expect.objectContaining({ path: "$.models[0]", message: expect.stringContaining("labels") })]);
  });
});
