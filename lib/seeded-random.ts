/** Uniform numbers in [0, 1) from a 32-bit seed (mulberry32): the same seed gives the same sequence. */
export const seededRandom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// murmur3's finaliser: every input bit moves every output bit.
const mix = (h: number) => {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return h ^ (h >>> 16)
}
/** A uniform number in [0, 1) fixed by a seed and two keys, drawn in any order (e.g. per card and review). */
export const uniformAt = (seed: number, a: number, b: number) =>
  (mix(mix(mix(seed) ^ a) ^ b) >>> 0) / 4294967296
