import { expect } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScheduleRegistry } from '../../../src/schedules/registry.js';
import type { BuiltSchedule, Schedule, ScheduleContext, ScheduleSpec } from '../../../src/schedules/schedule.js';
import { isStatefulSchedule } from '../../../src/schedules/schedule.js';
import { coreScheduleFamilies } from '../../../plugins/schedules-core/families.js';
import { kerasSpecFormat } from '../../../plugins/interop-keras/keras-format.js';
import { optaxSpecFormat } from '../../../plugins/interop-optax/optax-format.js';

const here = dirname(fileURLToPath(import.meta.url));

export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(here, '../../fixtures/schedules', name), 'utf8')) as T;
}

/** A registry with the core families and the Keras and optax formats, as the container builds it. */
export function makeRegistry(): ScheduleRegistry {
  return new ScheduleRegistry(
    coreScheduleFamilies.map((value) => ({ plugin: 'schedules-core', value })),
    [
      { plugin: 'interop-keras', value: kerasSpecFormat },
      { plugin: 'interop-optax', value: optaxSpecFormat },
    ],
  );
}

export function pure(s: BuiltSchedule): Schedule {
  if (isStatefulSchedule(s)) throw new Error('expected a pure schedule');
  return s;
}

export function build(spec: ScheduleSpec): Schedule {
  return pure(makeRegistry().build(spec));
}

export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
}

/** numpy.allclose semantics: |a - e| <= atol + rtol * |e|, element by element, with the step in the message. */
export function expectTable(
  fn: (step: number, ctx?: ScheduleContext) => number,
  steps: readonly number[],
  expected: readonly number[],
  tol: Tolerance = { rtol: 1e-6, atol: 1e-12 },
  ctx?: ScheduleContext,
): void {
  const rtol = tol.rtol ?? 1e-6;
  const atol = tol.atol ?? 0;
  const bad = steps
    .map((s, i) => ({ step: s, actual: fn(s, ctx), expected: expected[i] }))
    .filter(({ actual, expected: e }) => !(Math.abs(actual - e) <= atol + rtol * Math.abs(e)));
  expect(bad).toEqual([]);
}
