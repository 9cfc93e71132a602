import { describe, expect, it } from '@jest/globals';
import { build, expectTable, fixture, makeRegistry } from './helpers.js';

interface Case {
  name: string;
  spec: Record<string, unknown>;
  steps: number[];
  expected: number[];
  tolerance: { rtol?: number; atol?: number };
  formula: string;
}

// Values from test/fixtures/schedules/generate_reference.py (Keras' __call__ code and its tests' own formulas).
const { cases } = fixture<{ cases: Case[] }>('keras-cases.json');

describe('Keras spec format: values match keras.optimizers.schedules', () => {
  it('covers every supported class', () => {
    const classes = new Set(cases.map((c) => c.spec.class_name));
    expect([...classes].sort()).toEqual(
      ['CosineDecay', 'CosineDecayRestarts', 'ExponentialDecay', 'InverseTimeDecay', 'PiecewiseConstantDecay', 'PolynomialDecay'],
    );
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expectTable(build(c.spec), c.steps, c.expected, c.tolerance);
  });

  it('accepts the Keras 3 envelope (module, registered_name) and the Keras 2 one alike', () => {
    const config = { initial_learning_rate: 0.1, decay_steps: 100000, decay_rate: 0.96, staircase: true, name: 'ExponentialDecay' };
    const k2 = build({ class_name: 'ExponentialDecay', config });
    const k3 = build({ module: 'keras.optimizers.schedules', class_name: 'ExponentialDecay', config, registered_name: null });
    for (const step of [0, 99999, 100000, 250000]) expect(k3(step)).toBe(k2(step));
    expect(k3(100000)).toBeCloseTo(0.096, 12);
  });

  it('ignores warmup_steps when warmup_target is None, as Keras does', () => {
    const s = build({ class_name: 'CosineDecay', config: { initial_learning_rate: 1, decay_steps: 10, warmup_target: null, warmup_steps: 5 } });
    expect(s(0)).toBe(1);
    expect(s(5)).toBeCloseTo(0.5, 12);
  });
});

describe('Keras spec format: errors', () => {
  const registry = makeRegistry();
  it('rejects an unknown class, listing the supported ones', () => {
    expect(() => registry.build({ class_name: 'WarmUpCosine', config: {} })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_KERAS_SCHEDULE', message: expect.stringMatching(/"WarmUpCosine".*Supported classes: ExponentialDecay, PiecewiseConstantDecay/) }),
    );
  });
  it('names the Keras 2 experimental classes Keras 3 removed', () => {
    expect(() => registry.build({ class_name: 'NoisyLinearCosineDecay', config: {} })).toThrow(/removed in Keras 3/);
  });
  it('rejects a custom registered class even when it reuses a built-in name', () => {
    expect(() => registry.build({ class_name: 'ExponentialDecay', config: {}, registered_name: 'my_pkg>ExponentialDecay' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_KERAS_SCHEDULE' }),
    );
  });
  it('rejects unknown config keys with their Keras name', () => {
    expect(() => registry.build({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9, decay_step: 3 } })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PARAMETER', message: expect.stringMatching(/keras ExponentialDecay: unknown parameter `decay_step`\. Valid parameters: initial_learning_rate, decay_steps/) }),
    );
  });
  it('checks values under their Keras names', () => {
    expect(() => registry.build({ class_name: 'PolynomialDecay', config: { initial_learning_rate: 0.1, decay_steps: 0 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: '`decay_steps` must be > 0. Received: decay_steps=0.'.replace(/^/, 'keras PolynomialDecay: ') }),
    );
    expect(() => registry.build({ class_name: 'InverseTimeDecay', config: { initial_learning_rate: 0.1, decay_rate: 0.5 } })).toThrow(
      expect.objectContaining({ code: 'MISSING_PARAMETER', message: expect.stringMatching(/`decay_steps` is required/) }),
    );
    expect(() => registry.build({ class_name: 'PiecewiseConstantDecay', config: { boundaries: [10, 5], values: [1, 2, 3] } })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/`boundaries` must be strictly increasing/) }),
    );
    expect(() => registry.build({ class_name: 'PiecewiseConstantDecay', config: { boundaries: [10], values: [1, 2, 3] } })).toThrow(
      /`values` must be one element longer than `boundaries`/,
    );
    expect(() => registry.build({ class_name: 'CosineDecayRestarts', config: { initial_learning_rate: 0.1, first_decay_steps: 10, t_mul: 0.5 } })).toThrow(
      /`t_mul` must be >= 1/,
    );
  });
  it('rejects unknown envelope keys and a non-object config', () => {
    expect(() => registry.build({ class_name: 'ExponentialDecay', config: {}, extra: 1 })).toThrow(expect.objectContaining({ code: 'UNKNOWN_PARAMETER' }));
    expect(() => registry.build({ class_name: 'ExponentialDecay', config: [] })).toThrow(/`config` must be an object/);
  });
});
