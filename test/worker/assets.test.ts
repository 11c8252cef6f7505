import { env, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";

describe("static assets", () => {
  it("serves the built snippet with CORS for every site and a short cache", async () => {
    const res = await SELF.fetch("https://leadscore.test/leadscore.js");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toBe("public, max-age=300, s-maxage=3600");
    expect((await res.text()).startsWith("(()=>{")).toBe(true);
  });

  it("answers every console path with the console's page and its security headers", async () => {
    for (const path of ["/console/", "/console/demo", "/console/demo/leads", "/console/demo/leads/ada%40example.com", "/console/shop-1/scoring"]) {
      const res = await SELF.fetch(`https://leadscore.test${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(/text\/html/);
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(await res.text()).toContain('<script type="module" src="/console/_/app.js">');
    }
    const redirect = await SELF.fetch("https://leadscore.test/console", { redirect: "manual" });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.get("location")).toMatch(/\/console\/$/);
  });

  it("serves the console's bundle and says 404 for a file it does not have", async () => {
    const js = await SELF.fetch("https://leadscore.test/console/_/app.js");
    expect(js.status).toBe(200);
    expect(js.headers.get("content-type")).toMatch(/javascript/);
    const css = await SELF.fetch("https://leadscore.test/console/_/app.css");
    expect(css.headers.get("content-type")).toMatch(/text\/css/);
    const missing = await SELF.fetch("https://leadscore.test/console/_/nothing.js");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).error.code).toBe("not_found");
  });

  it("does not serve the demo shop without DEMO=1, though its files are uploaded", async () => {
    expect(env.DEMO).toBe("0");
    for (const path of ["/", "/index.html", "/pricing.html", "/demo/pricing.html", "/app/step-1", "/shop.js", "/inspector"]) {
      const res = await SELF.fetch(`https://leadscore.test${path}`);
      expect(res.status, path).toBe(404);
      expect(((await res.json()) as any).error.code, path).toBe("not_found");
    }
  });
});
