import { describe, expect, it } from '@jest/globals';
import { build, expectTable, fixture, makeRegistry } from './helpers.js';
import { OPTAX_FACTORIES } from '../../../plugins/interop-optax/optax-factories.js';

interface Case {
  name: string;
  spec: { optax: string; kwargs: Record<string, unknown> };
  steps: number[];
  expected: number[];
  tolerance: { rtol?: number; atol?: number };
  provenance: string;
}

// Values from test/fixtures/schedules/generate_reference.py: optax's code transcribed to numpy, and its docstrings' printed numbers.
const { cases } = fixture<{ cases: Case[] }>('optax-cases.json');

describe('optax spec format: values match optax.schedules', () => {
  it('has at least one table per supported factory', () => {
    const covered = new Set(cases.map((c) => c.spec.optax));
    expect(Object.keys(OPTAX_FACTORIES).filter((f) => !covered.has(f))).toEqual([]);
  });

  it.each(cases.map((c) => [`${c.name} [${c.provenance}]`, c] as const))('%s', (_name, c) => {
    expectTable(build(c.spec), c.steps, c.expected, c.tolerance);
  });

  it('accepts boundaries_and_scales as [step, scale] pairs too, and the optax. prefix', () => {
    const a = build({ optax: 'optax.piecewise_constant_schedule', kwargs: { init_value: 1, boundaries_and_scales: [[200, 0.01], [100, 0.1]] } });
    expectTable(a, [99, 100, 200], [1, 0.1, 0.001], { rtol: 1e-12 });
  });

  it('switches piecewise constants at the boundary step, one step before Keras', () => {
    const optax = build({ optax: 'piecewise_constant_schedule', kwargs: { init_value: 1, boundaries_and_scales: { '10': 0.5 } } });
    const keras = build({ class_name: 'PiecewiseConstantDecay', config: { boundaries: [10], values: [1, 0.5] } });
    expect([optax(10), keras(10), keras(11)]).toEqual([0.5, 1, 0.5]);
  });
});

describe('optax spec format: errors', () => {
  const registry = makeRegistry();
  it('rejects an unknown factory, listing the supported ones', () => {
    expect(() => registry.build({ optax: 'cosine_annealing', kwargs: {} })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_OPTAX_SCHEDULE', message: expect.stringMatching(/"cosine_annealing".*Supported factories: constant_schedule, polynomial_schedule/) }),
    );
  });
  it('rejects unknown kwargs and missing required ones', () => {
    expect(() => registry.build({ optax: 'cosine_decay_schedule', kwargs: { init_value: 0.1, decay_steps: 10, end_value: 0 } })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PARAMETER', message: expect.stringMatching(/optax cosine_decay_schedule: unknown parameter `end_value`/) }),
    );
    expect(() => registry.build({ optax: 'warmup_cosine_decay_schedule', kwargs: { init_value: 0, peak_value: 1, warmup_steps: 10 } })).toThrow(
      expect.objectContaining({ code: 'MISSING_PARAMETER', message: expect.stringMatching(/`decay_steps` is required/) }),
    );
  });
  it('raises where optax raises', () => {
    expect(() => registry.build({ optax: 'cosine_decay_schedule', kwargs: { init_value: 0.1, decay_steps: 0 } })).toThrow(/`decay_steps` must be > 0/);
    expect(() => registry.build({ optax: 'warmup_cosine_decay_schedule', kwargs: { init_value: 0, peak_value: 1, warmup_steps: 10, decay_steps: 10 } })).toThrow(
      /`decay_steps` must be > warmup_steps \(10\)/,
    );
    expect(() => registry.build({ optax: 'piecewise_constant_schedule', kwargs: { init_value: 1, boundaries_and_scales: { '10': -1 } } })).toThrow(
      /boundaries_and_scales\[10\]` must be a finite number >= 0/,
    );
    expect(() => registry.build({ optax: 'piecewise_interpolate_schedule', kwargs: { interpolate_type: 'cubic', init_value: 1 } })).toThrow(
      /`interpolate_type` must be one of "linear", "cosine"/,
    );
    expect(() => registry.build({ optax: 'linear_onecycle_schedule', kwargs: { transition_steps: 0, peak_value: 1 } })).toThrow(/`transition_steps` must be an integer >= 1/);
  });
  it('checks join_schedules boundaries against its children', () => {
    expect(() =>
      registry.build({ optax: 'join_schedules', kwargs: { schedules: [{ optax: 'constant_schedule', kwargs: { value: 1 } }, { optax: 'constant_schedule', kwargs: { value: 2 } }], boundaries: [] } }),
    ).toThrow(/`boundaries` must be one element shorter than `schedules`/);
  });
});
