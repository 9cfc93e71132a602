import { seededRandom } from '../tasks/random.js';

/** FNV-1a of a string: the seed of a run's random stream comes from its id. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

/**
 * Runs `fn` with `Math.random` replaced by a PRNG seeded from `key`. tfjs draws its batch shuffles
 * (`model.fit({ shuffle: true })`) and unseeded dropout masks from `Math.random` and offers no
 * seed for either, so this is the only way to make a training run reproducible. Trials run one at
 * a time per process (tfjs is single-threaded), which keeps the swap safe; it is always undone.
 */
export async function withSeededMathRandom<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  Math.random = seededRandom(hashString(key));
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}
