/**
 * fastai's annealers (fastai/callback/schedule.py): functions of pos ∈ [0, 1], the fraction of
 * training done before the batch. Written as fastai writes them so the numbers agree.
 */
export type PosFn = (pos: number) => number;

/** `SchedLin(start, end)`. */
export const schedLin = (start: number, end: number): PosFn => (pos) => start + pos * (end - start);

/** `SchedCos(start, end)`: half a cosine from start to end. */
export const schedCos = (start: number, end: number): PosFn => (pos) => start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;

/** `SchedNo(start, end)`: constant start. */
export const schedNo = (start: number, _end: number): PosFn => () => start;

/** `SchedExp(start, end)`: geometric from start to end (both > 0). */
export const schedExp = (start: number, end: number): PosFn => (pos) => start * (end / start) ** pos;

/** `SchedPoly(start, end, power)`. */
export const schedPoly = (start: number, end: number, power: number): PosFn => (pos) => start + (end - start) * pos ** power;
