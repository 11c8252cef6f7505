import { describe, expect, it } from "vitest";
import { sweepSlot } from "../../../worker/site/horizon-sweep";

const DAY = 86_400_000;
const MIDNIGHT = Date.parse("2026-12-02T00:00:00Z");

describe("the horizon sweep's daily slot", () => {
  it.each([
    ["during the day before", MIDNIGHT - 14 * 3_600_000, MIDNIGHT],
    ["at the day's last instant", MIDNIGHT - 1, MIDNIGHT],
    // A conversion at the horizon's last instant still counts: the sweep comes strictly after it.
    ["at midnight itself", MIDNIGHT, MIDNIGHT + DAY],
  ])("is the first midnight (UTC) after a horizon ending %s", (_, horizonEnd, slot) => {
    expect(sweepSlot(horizonEnd)).toBe(slot);
    expect(sweepSlot(horizonEnd)).toBeGreaterThan(horizonEnd);
    expect(sweepSlot(horizonEnd) - horizonEnd).toBeLessThanOrEqual(DAY);
  });

  it("gives every horizon ending on one day the same sweep: one alarm a day, whatever the number of leads", () => {
    const ends = Array.from({ length: 24 }, (_, h) => MIDNIGHT - DAY + h * 3_600_000 + 1);
    expect(new Set(ends.map(sweepSlot))).toEqual(new Set([MIDNIGHT]));
  });
});
