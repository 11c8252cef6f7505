import { describe, expect, it } from "vitest";
import { matches, type Condition } from "../../../worker/scoring";

describe("conditions", () => {
  it.each<[string, unknown, Condition, boolean]>([
    ["scalar equals, case-insensitive", "Student", "student", true],
    ["equals", "CEO", { equals: "ceo" }, true],
    ["equals number vs numeric string", "250", { equals: 250 }, true],
    ["equals boolean", true, { equals: true }, true],
    ["equals null", null, { equals: null }, true],
    ["equals misses", "CTO", { equals: "ceo" }, false],
    ["array means in", "Retail", ["software", "retail"], true],
    ["in", "FinTech", { in: ["fintech", "saas"] }, true],
    ["in misses", "mining", { in: ["fintech", "saas"] }, false],
    ["in with numbers", 3, { in: [1, 2, 3] }, true],
    ["pattern", "VP of Sales", { pattern: "\\bvp\\b", flags: "i" }, true],
    ["pattern is case-sensitive without i", "VP of Sales", { pattern: "\\bvp\\b" }, false],
    ["pattern ignores g (stateless)", "aaa", { pattern: "a", flags: "g" }, true],
    ["gte", 50, { gte: 50 }, true],
    ["gte numeric string", " 1200 ", { gte: 1000 }, true],
    ["gte non-numeric", "51-200", { gte: 50 }, false],
    ["range", 33, { gte: 25, lte: 54 }, true],
    ["range misses", 60, { gte: 25, lte: 54 }, false],
    ["gt/lt are strict", 10, { gt: 10 }, false],
    ["lt", 9.5, { lt: 10 }, true],
    ["exists", "Acme", { exists: true }, true],
    ["exists: empty string is absent", "", { exists: true }, false],
    ["exists: false on missing", undefined, { exists: false }, true],
    ["endsWith e-mail domain", "ada@Rival.example", { endsWith: "@rival.example" }, true],
    ["endsWith any of", "bo@gmail.com", { endsWith: ["@yahoo.com", "@gmail.com"] }, true],
    ["startsWith", "DE-10115", { startsWith: "de-" }, true],
    ["contains", "Head of Growth", { contains: "growth" }, true],
    ["not", "engineer", { not: { in: ["student", "intern"] } }, true],
    ["not misses", "intern", { not: { in: ["student", "intern"] } }, false],
    ["not exists", undefined, { not: { exists: true } }, true],
    ["several tests all hold", "ceo@acme.example", { endsWith: ".example", contains: "acme" }, true],
    ["several tests, one fails", "ceo@acme.example", { endsWith: ".example", contains: "rival" }, false],
    ["list-valued traits: any item", ["b2b", "saas"], { in: ["saas"] }, true],
    ["missing value fails tests", undefined, { gte: 0 }, false],
  ])("%s", (_name, value, condition, expected) => {
    expect(matches(value, condition)).toBe(expected);
  });
});
