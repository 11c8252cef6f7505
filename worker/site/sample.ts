/** A seeded random sample of lead ids: the same seed and the same index draw the same leads. */

/**
 * A small seeded PRNG (mulberry32): numbers in [0, 1), the same sequence for the same seed everywhere.
 *
 * @example const rand = seededRandom(7); rand() // always the same first number for seed 7
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * `n` of `ids` drawn without replacement (a partial Fisher-Yates shuffle), in id order; all of them when n >= their count.
 *
 * @example sampleIds(["a", "b", "c", "d"], 2, 1) // two of them, the same two for seed 1 every time
 */
export function sampleIds(ids: readonly string[], n: number, seed: number): string[] {
  if (n >= ids.length) return [...ids];
  const rand = seededRandom(seed);
  const pool = [...ids];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(rand() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool.slice(0, n).sort();
}
