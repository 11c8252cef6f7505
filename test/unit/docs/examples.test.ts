import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { siteConfigIssues } from "../../../worker/site/config";
import { verifyIdentityToken } from "../../../worker/identity/token";
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

  it.each(["b2b.json", "b2c-shop.json"])("examples/%s passes the site config schema", (name) => {
    const config = JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), "utf8"));
    expect(siteConfigIssues(config)).toEqual([]);
  });

  it("README's webhook example is a valid payload", () => {
    const payloads = jsonBlocks.filter((b) => "type" in b && "data" in b);
    expect(payloads.length).toBe(1);
    expect(webhookPayloadSchema.safeParse(payloads[0]).success).toBe(true);
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
