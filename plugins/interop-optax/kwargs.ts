import { invalidArgument, requireMissing } from '../../src/core/validation.js';

/**
 * optax's `boundaries_and_scales` is a Python dict `{step: scale}`; in JSON its keys are strings.
 * Accept that object form and an array of `[step, scale]` pairs; return the pairs sorted by step
 * (optax sorts the dict items), scales >= 0 as optax requires.
 */
export function boundariesAndScales(kwargs: Readonly<Record<string, unknown>>, where: string): [number, number][] {
  const raw = kwargs.boundaries_and_scales;
  if (raw === undefined || raw === null) return [];
  let pairs: [unknown, unknown][];
  if (Array.isArray(raw)) {
    pairs = raw.map((p, i) => {
      if (!Array.isArray(p) || p.length !== 2) invalidArgument(`boundaries_and_scales[${i}]`, 'a [step, scale] pair', p, where);
      return [p[0], p[1]] as [unknown, unknown];
    });
  } else if (typeof raw === 'object') {
    pairs = Object.entries(raw).map(([k, v]) => [k.trim() === '' ? NaN : Number(k), v]);
  } else {
    return invalidArgument('boundaries_and_scales', 'an object {"step": scale} or an array of [step, scale] pairs', raw, where);
  }
  const out = pairs.map(([b, s]) => {
    if (typeof b !== 'number' || !Number.isFinite(b)) invalidArgument('boundaries_and_scales', 'keyed by finite step numbers', raw, where);
    if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) invalidArgument(`boundaries_and_scales[${b}]`, 'a finite number >= 0', s, where);
    return [b, s] as [number, number];
  });
  out.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < out.length; i++) {
    if (out[i][0] === out[i - 1][0]) invalidArgument('boundaries_and_scales', 'free of repeated steps', raw, where);
  }
  return out;
}

/** The list of specs / kwargs objects an optax factory takes (`join_schedules`, `sgdr_schedule`). */
export function objectList(kwargs: Readonly<Record<string, unknown>>, name: string, where: string): Record<string, unknown>[] {
  const raw = kwargs[name];
  if (raw === undefined) requireMissing(name, where);
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((x) => typeof x !== 'object' || x === null || Array.isArray(x))) {
    invalidArgument(name, 'a non-empty array of objects', raw, where);
  }
  return raw as Record<string, unknown>[];
}
