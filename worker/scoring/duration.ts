/** Durations in the config language ("90m", "36h", "7d", a number of hours) as milliseconds. */
import { DURATION_PATTERN, type Duration } from "./schema";

export const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/**
 * Milliseconds in a config duration; a bare number counts hours.
 *
 * @example durationMs("7d") // 604800000
 * @example durationMs(1.5)  // 5400000
 */
export function durationMs(duration: Duration): number {
  if (typeof duration === "number") return duration * MS_PER_UNIT.h!;
  const match = DURATION_PATTERN.exec(duration.trim());
  if (!match) throw new Error(`not a duration: ${duration}`);
  return Number(match[1]) * MS_PER_UNIT[match[2]!]!;
}
