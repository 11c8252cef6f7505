/**
 * Band movement with hysteresis. A score moves up into a band as soon as it reaches the band's min,
 * and down out of it only once it falls below min - hysteresis, so the band is state, not a function
 * of the score alone. Between events a score only falls (decay), so settling the band at any later
 * instant gives the same answer however many times it is done: the band is path-independent.
 */
import type { CompiledBand } from "./compile";

/**
 * The band index after the score becomes `score`, coming from band `prev` (-1: unknown, no memory).
 * Bands whose min is NaN (stages reached only by events) are never entered by score.
 *
 * @example bandAfter(coldWarm30Hot60, 2, 57, 5) // 2: still hot inside the hysteresis
 */
export function bandAfter(bands: CompiledBand[], prev: number, score: number, hysteresis: number): number {
  let up = 0;
  for (let i = 1; i < bands.length; i++) if (score >= bands[i]!.min) up = i;
  if (prev < 0 || prev >= bands.length || up > prev) return up;
  let i = prev;
  // Falling through several bands lands where a continuous fall would have stopped.
  while (i > 0 && (Number.isNaN(bands[i]!.min) || score < bands[i]!.min - hysteresis)) i--;
  return i;
}

/** The line (hysteresis included) below which the score leaves band `index`; undefined for the lowest band. */
export function lowerLine(bands: CompiledBand[], index: number, hysteresis: number): number | undefined {
  const band = bands[index];
  if (!band || index === 0 || Number.isNaN(band.min)) return undefined;
  return band.min - hysteresis;
}

/** The next band above `index` that a score can reach, if any. */
export function nextBandUp(bands: CompiledBand[], index: number): { band: CompiledBand; index: number } | undefined {
  for (let i = index + 1; i < bands.length; i++) {
    const band = bands[i]!;
    if (Number.isFinite(band.min)) return { band, index: i };
  }
  return undefined;
}
