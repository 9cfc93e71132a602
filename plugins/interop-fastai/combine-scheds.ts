import type { PosFn } from './annealers.js';
import { schedCos } from './annealers.js';

/**
 * `combine_scheds(pcts, scheds)`: scheds[i] runs over the fraction pcts[i] of training, each seeing
 * its own pos ∈ [0, 1]. fastai keeps the cumulative pcts in a float32 tensor; float64 here (the
 * difference is below fastai's own test tolerance of 1e-5).
 */
export function combineScheds(pcts: readonly number[], scheds: readonly PosFn[]): PosFn {
  const cum = [0];
  for (const p of pcts) cum.push(cum[cum.length - 1] + p);
  const pctLim = cum.length - 2;
  return (pos) => {
    let idx = 0;
    for (let i = 0; i < cum.length; i++) if (pos >= cum[i]) idx = i;
    idx = Math.min(idx, pctLim);
    const actualPos = (pos - cum[idx]) / (cum[idx + 1] - cum[idx]);
    return scheds[idx](actualPos);
  };
}

/** `combined_cos(pct, start, middle, end)`: cosine start→middle over pct, then middle→end. */
export function combinedCos(pct: number, start: number, middle: number, end: number): PosFn {
  return combineScheds([pct, 1 - pct], [schedCos(start, middle), schedCos(middle, end)]);
}
