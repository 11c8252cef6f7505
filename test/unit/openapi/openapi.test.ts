import SwaggerParser from "@apidevtools/swagger-parser";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { buildOpenApi, OPERATIONS } from "../../../worker/routes/openapi";
// @ts-expect-error: a plain .mjs script without types
import { clientTypes } from "../../../scripts/openapi-client.mjs";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const doc = buildOpenApi() as any;

describe("/openapi.json", () => {
  it("is valid OpenAPI 3.1 for a real validator, every $ref resolved", async () => {
    const api = (await SwaggerParser.validate(structuredClone(doc))) as any;
    expect(api.openapi).toBe("3.1.0");
    const refs = [...new Set([...JSON.stringify(doc).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!))];
    expect(refs.length).toBeGreaterThan(10);
    const $refs = await SwaggerParser.resolve(structuredClone(doc));
    for (const ref of refs) expect($refs.exists(ref, {}), ref).toBe(true);
  });

  it("describes every operation's answers, errors and security", () => {
    for (const op of OPERATIONS) {
      const operation = doc.paths[op.path][op.method];
      const success = Object.entries(operation.responses).filter(([status]) => status.startsWith("2"));
      expect(success.length, `${op.method} ${op.path}`).toBeGreaterThan(0);
      for (const [, response] of success) expect((response as any).content, `${op.method} ${op.path}`).toBeDefined();
      for (const status of op.errors) expect(operation.responses[status].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
      if (op.path.startsWith("/v1/sites/")) expect(operation.security).toEqual([{ adminToken: [] }, { sessionCookie: [] }]);
      if (/^\/v1\/(track|identify|page|group|alias|batch)$/.test(op.path)) expect(operation.security).toEqual([{ writeKey: [] }]);
    }
    expect(doc.components.securitySchemes).toMatchObject({ adminToken: { type: "http", scheme: "bearer" }, writeKey: { type: "http", scheme: "basic" }, sessionCookie: { type: "apiKey", in: "cookie" } });
  });

  it("takes request bodies from the schemas that validate them, and answers PATCH as a merge patch", () => {
    const config = doc.paths["/v1/sites/{site}/config"];
    expect(config.put.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/SiteConfig" });
    expect(Object.keys(config.patch.requestBody.content)).toEqual(["application/merge-patch+json", "application/json"]);
    expect(doc.components.schemas.SiteConfig.properties.models.items).toEqual({ $ref: "#/components/schemas/Model" });
    expect(doc.components.schemas.Model.properties.rules.items.anyOf).toEqual(["BehaviourRule", "FitRule", "AbsenceRule", "CombinedRule"].map((name) => ({ $ref: `#/components/schemas/${name}` })));
    // What PUT accepts has defaults; what GET answers has them filled in.
    expect(doc.components.schemas.SiteConfig.required).toEqual(["models"]);
    expect(doc.components.schemas.StoredSiteConfig.required).toEqual(expect.arrayContaining(["models", "origins", "webhooks", "limits"]));
    expect(config.get.responses["200"].headers.ETag).toBeDefined();
  });
});

describe("the generated TypeScript client", () => {
  const dir = mkdtempSync(join(ROOT, "node_modules", ".leadscore-client-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("compiles, and its types catch a wrong call", async () => {
    writeFileSync(join(dir, "leadscore-api.d.ts"), await clientTypes(doc));
    copyFileSync(join(ROOT, "clients", "leadscore.ts"), join(dir, "leadscore.ts"));
    writeFileSync(
      join(dir, "usage.ts"),
      `import { leadscoreClient, type components } from "./leadscore";
const api = leadscoreClient("http://127.0.0.1:8787", "token");
export async function usage(): Promise<number> {
  const got = await api.GET("/v1/sites/{site}/config", { params: { path: { site: "demo" } } });
  const origins: string[] = got.data!.origins;
  const saved = await api.PATCH("/v1/sites/{site}/config", {
    params: { path: { site: "demo" }, header: { "If-Match": got.response.headers.get("etag") ?? "*" } },
    body: { origins: [...origins, "https://shop.example"] },
  });
  const warnings: components["schemas"]["ConfigWriteResponse"]["warnings"] = saved.data?.warnings ?? [];
  const versions = await api.GET("/v1/sites/{site}/config/versions", { params: { path: { site: "demo" }, query: { limit: 5 } } });
  await api.POST("/v1/sites/{site}/config/rollback", { params: { path: { site: "demo" } }, body: { version: versions.data!.versions[0]!.version } });
  const leads = await api.GET("/v1/sites/{site}/leads", { params: { path: { site: "demo" }, query: { label: "hot" } } });
  await api.POST("/e", { body: { s: "demo", a: "anon-1234567890", e: [] } });
  if (saved.error) return saved.error.error.issues.length;
  // @ts-expect-error: a rule's points are a number
  await api.PUT("/v1/sites/{site}/config", { params: { path: { site: "demo" } }, body: { models: [{ id: "m", rules: [{ id: "r", event: "x", points: "5" }], labels: [{ name: "cold" }] }] } });
  // @ts-expect-error: a merge patch's origins are strings (or null to remove them)
  await api.PATCH("/v1/sites/{site}/config", { params: { path: { site: "demo" } }, body: { origins: [1] } });
  await api.PATCH("/v1/sites/{site}/config", { params: { path: { site: "demo" } }, body: { promo: null } });
  // @ts-expect-error: no such path
  await api.GET("/v1/sites/{site}/nothing", { params: { path: { site: "demo" } } });
  return warnings.length + (leads.data?.leads.length ?? 0);
}
`,
    );
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "ES2022", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], strict: true, noEmit: true, skipLibCheck: true, types: [] }, files: ["usage.ts"] }),
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    let output = "";
    try {
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
    } catch (err) {
      output = `${(err as { stdout?: string }).stdout ?? ""}${(err as { stderr?: string }).stderr ?? ""}`;
    }
    expect(output).toBe("");
  }, 60_000);
});
