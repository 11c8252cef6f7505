import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { globWarnings, type ScoringConfig } from "../../../worker/scoring";

const config = (when: unknown, extra: unknown[] = []): ScoringConfig =>
  ({ models: [{ id: "m", rules: [{ id: "r", event: "page_view", when, points: 1 }, ...extra], labels: [{ name: "cold" }] }] }) as ScoringConfig;

describe("globWarnings", () => {
  it.each<[string, ScoringConfig, string[], string[]]>([
    ["/careers* misses a real /careers/barista", config({ path: "/careers*" }), ["/careers/barista"], ["$.models[0].rules[0].when.path"]],
    ["/careers* is fine for /careers.html and /careers-2026", config({ path: "/careers*" }), ["/careers.html", "/careers-2026", "/"], []],
    ["no paths, no evidence: no warning", config({ path: "/careers*" }), [], []],
    ["the config's own deeper path is evidence", config({ path: "/careers*" }, [{ id: "b", event: "x", when: { path: "/careers/barista" }, points: 1 }]), [], ["$.models[0].rules[0].when.path"]],
    ["/careers/** reaches everything below", config({ path: "/careers/**" }), ["/careers/barista/senior"], []],
    ["/blog/* misses a deeper post", config({ path: ["/", "/blog/*"] }), ["/blog/2026/brew"], ["$.models[0].rules[0].when.path[1]"]],
    ["exclusions are checked too", config({ path: ["/products/**", "!/products/gift*"] }), ["/products/gift/card"], ["$.models[0].rules[0].when.path[1]"]],
  ])("%s", (_name, cfg, paths, expected) => {
    expect(globWarnings(cfg, paths).map((w) => w.path)).toEqual(expected);
  });

  it("says what to write instead", () => {
    expect(globWarnings(config({ path: "/careers*" }), ["/careers/barista"])[0]!.message).toBe(
      '"/careers*" does not match "/careers/barista": a * stops at the next "/". For the whole section write ["/careers*", "/careers/**"] or "/careers/**"',
    );
  });

  it.each(["b2b.json", "b2c-shop.json"])("examples/%s reaches the careers section's pages too", (name) => {
    const example = JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), "utf8"));
    expect(globWarnings(example, ["/careers/barista", "/careers.html", "/products/grinder.html", "/blog/2026/brew"])).toEqual([]);
  });
});
