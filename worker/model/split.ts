/**
 * The training / held-out split of a fit: decided per lead from a hash of its id and the seed, so the
 * same seed puts the same lead on the same side whatever order the fan-out answered in, and a lead
 * added later does not reshuffle the others.
 */

/**
 * 32-bit FNV-1a of a string, then MurmurHash3's finaliser: FNV alone leaves the high bits of ids that
 * differ only in their last characters alike, and the split reads the high bits.
 */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Whether the lead belongs to the training split: true for about `fraction` of all ids.
 *
 * @example inTraining("u_3f9…", 0.7, 1) // true for about 70 % of lead ids, always the same ones for seed 1
 */
export function inTraining(leadId: string, fraction: number, seed: number): boolean {
  return hash32(`${seed}:${leadId}`) / 2 ** 32 < fraction;
}
