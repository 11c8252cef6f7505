import { describe, expect, it } from "vitest";
import { MAX_ATTEMPTS, nextAttemptDelay, RETRY_JITTER, RETRY_SCHEDULE_MS, RETRY_WINDOW_MS } from "../../../worker/webhooks/retry-schedule";

const HOUR = 3_600_000;

describe("retry schedule", () => {
  it("follows the Standard Webhooks example: now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h", () => {
    expect(RETRY_SCHEDULE_MS).toEqual([0, 5_000, 300_000, 1_800_000, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]);
    expect(MAX_ATTEMPTS).toBe(8);
  });

  it("keeps trying for at least a day", () => {
    expect(RETRY_WINDOW_MS).toBeGreaterThanOrEqual(24 * HOUR);
    expect(RETRY_WINDOW_MS).toBe(27 * HOUR + 35 * 60_000 + 5_000);
  });

  it("grows strictly until the 10 h plateau, then stays there", () => {
    const plateau = RETRY_SCHEDULE_MS.indexOf(10 * HOUR);
    for (let i = 1; i < plateau; i++) expect(RETRY_SCHEDULE_MS[i]).toBeGreaterThan(RETRY_SCHEDULE_MS[i - 1] as number);
    expect(RETRY_SCHEDULE_MS.slice(plateau).every((d) => d === 10 * HOUR)).toBe(true);
  });

  it("returns each delay, then null once the schedule is exhausted", () => {
    RETRY_SCHEDULE_MS.forEach((delay, attempt) => expect(nextAttemptDelay(attempt)).toBe(delay));
    expect(nextAttemptDelay(MAX_ATTEMPTS)).toBeNull();
    expect(nextAttemptDelay(100)).toBeNull();
  });

  it("jitters by at most ±10% with an injected random, and never delays the first attempt", () => {
    expect(nextAttemptDelay(0, { random: () => 0.99 })).toBe(0);
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt++) {
      const base = RETRY_SCHEDULE_MS[attempt] as number;
      expect(nextAttemptDelay(attempt, { random: () => 0 })).toBe(Math.round(base * (1 - RETRY_JITTER)));
      expect(nextAttemptDelay(attempt, { random: () => 0.5 })).toBe(base);
      expect(nextAttemptDelay(attempt, { random: () => 0.999_999 })).toBeLessThanOrEqual(Math.round(base * (1 + RETRY_JITTER)));
    }
  });

  it("rejects a negative or fractional attempt as a bug", () => {
    expect(() => nextAttemptDelay(-1)).toThrow(RangeError);
    expect(() => nextAttemptDelay(1.5)).toThrow(RangeError);
  });
});
