import { describe, expect, it } from "vitest";
import { etagOf, ifMatchHolds, parseIfMatch } from "../../../worker/routes/admin-etag";

describe("If-Match against config versions", () => {
  it.each<[string | undefined, number | null, boolean]>([
    [undefined, 3, true], // no header: unconditional
    [undefined, null, true],
    ["*", 3, true], // any current config
    ["*", null, false], // none exists yet
    ['"v3"', 3, true],
    ['"v2"', 3, false], // stale
    ['"v2", "v3"', 3, true], // a list matches any of its tags
    ['W/"v3"', 3, false], // weak tags never match (strong comparison)
    ['"3"', 3, false], // not one of our tags
    ['"v0"', 0, true], // the demo's shipped config before any save
    ['"v1"', null, false],
  ])("If-Match %s with version %s in force: %s", (header, current, holds) => {
    expect(ifMatchHolds(parseIfMatch(header), current)).toBe(holds);
  });

  it("names a version as a strong entity tag", () => {
    expect(etagOf(12)).toBe('"v12"');
    expect(parseIfMatch(etagOf(12))).toEqual([12]);
  });
});
