import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configIssues } from "../../../worker/scoring";
import { siteConfigIssues } from "../../../worker/site/config";
import { verifyIdentityToken } from "../../../worker/identity/token";
import { historyResponseSchema } from "../../../worker/routes/history-schema";
import { webhookPayloadSchema } from "../../../worker/webhooks/payload";

const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const jsonBlocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!));

describe("documented configs and payloads", () => {
  it("README's config example passes the site config schema", () => {
    const configs = jsonBlocks.filter((b) => "models" in b);
    expect(configs.length).toBeGreaterThan(0);
    for (const config of configs) expect(siteConfigIssues(config)).toEqual([]);
  });

  it("docs/CONFIG.md's site settings example passes the site config schema (with a model added)", () => {
    const doc = readFileSync(new URL("../../../docs/CONFIG.md", import.meta.url), "utf8");
    // Most blocks there are fragments of a config; the site settings one is a whole document.
    const parsed = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].flatMap((m) => {
      try {
        return [JSON.parse(m[1]!)];
      } catch {
        return [];
      }
    });
    const block = parsed.find((b) => b && typeof b === "object" && "origins" in b);
    expect(block).toBeDefined();
    const model = { id: "m", rules: [], labels: [{ name: "cold" }] };
    expect(siteConfigIssues({ ...block, models: [model] })).toEqual([]);
  });

  it("every rule and model fragment in docs/CONFIG.md passes the schema, inside a model", () => {
    const doc = readFileSync(new URL("../../../docs/CONFIG.md", import.meta.url), "utf8");
    const parse = (text: string): unknown => {
      // Fragments are written as they sit in a config: one rule, a list of rules, or a model's keys.
      for (const wrapped of [text, `[${text}]`, `{${text}}`]) {
        try {
          return JSON.parse(wrapped);
        } catch {
          // try the next form
        }
      }
      return undefined;
    };
    const isRule = (x: any) => x && typeof x === "object" && "id" in x && ["event", "trait", "absence", "all"].some((k) => k in x);
    const model = { id: "m", rules: [] as unknown[], labels: [{ name: "cold" }], stages: [{ name: "lead" }, { name: "MQL", min: 50 }, { name: "SQL", min: 80 }, { name: "opportunity" }, { name: "customer" }] };
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
    const checked: string[] = [];
    for (const text of blocks) {
      if (text.includes('"..."') || text.includes("…")) continue;
      const value = parse(text) as any;
      let config: unknown;
      if (Array.isArray(value) && value.every(isRule)) config = { models: [{ ...model, rules: value }] };
      else if (isRule(value)) config = { models: [{ ...model, rules: [value] }] };
      else if (value && typeof value === "object" && "models" in value && !("origins" in value)) config = value;
      else if (value && typeof value === "object" && !("origins" in value) && !("error" in value)) config = { models: [{ ...model, ...value }] };
      else continue;
      checked.push(text.slice(0, 40));
      expect(configIssues(config), text).toEqual([]);
    }
    // Rules of every kind and the model-level fragments (visits, decay, labels, stages, grades, scale...).
    expect(checked.length).toBeGreaterThanOrEqual(15);
    for (const kind of ['"absence"', '"all"', '"visit_start"', '"within"', '"olderThan"', '"visits"']) {
      expect(checked.some((t) => blocks.find((b) => b.startsWith(t))!.includes(kind)), kind).toBe(true);
    }
  });

  it.each(["b2b.json", "b2c-shop.json"])("examples/%s passes the site config schema", (name) => {
    const config = JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), "utf8"));
    expect(siteConfigIssues(config)).toEqual([]);
  });

  it("README's webhook example is a valid payload", () => {
    const payloads = jsonBlocks.filter((b) => "type" in b && "data" in b);
    expect(payloads.length).toBe(1);
    expect(webhookPayloadSchema.safeParse(payloads[0]).success).toBe(true);
  });

  it("README's score history example is the history route's answer, its points in time order", () => {
    const answers = jsonBlocks.filter((b) => "points" in b && "transitions" in b);
    expect(answers.length).toBe(1);
    expect(historyResponseSchema.safeParse(answers[0]).error?.issues ?? []).toEqual([]);
    const ts = answers[0].points.map((p: { t: number }) => p.t);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
  });
});

describe("README's identity token", () => {
  it("computed the README's Node way, verifies in the worker's code; for another user it does not", async () => {
    const block = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!).find((code) => code.includes("function identityToken"));
    expect(block).toBeDefined();
    const identityToken = new Function("createHmac", `${block!.replace(/^import .*$/m, "")}\nreturn identityToken;`)(createHmac);
    const token = identityToken(" Ada@Example.com ", "readme-secret");
    expect(token).toMatch(/^\d+\.[0-9a-f]{64}$/);
    expect((await verifyIdentityToken("ada@example.com", token, "readme-secret", Date.now())).verified).toBe(true);
    expect((await verifyIdentityToken("grace@example.com", token, "readme-secret", Date.now())).verified).toBe(false);
    expect((await verifyIdentityToken("ada@example.com", identityToken("ada@example.com", "readme-secret", -60), "readme-secret", Date.now())).verified).toBe(false);
  });
});
