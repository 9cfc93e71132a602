import { describe, expect, it } from '@jest/globals';
import { build, expectTable, fixture } from './helpers.js';
import { cosineDecaySchedule, joinSchedules, linearSchedule, oneCycleSchedule, warmupSchedule } from '../../../plugins/schedules-core/api.js';

interface TorchCase {
  id: string;
  schedule: 'StepLR' | 'MultiStepLR' | 'CyclicLR' | 'OneCycleLR';
  params: Record<string, unknown>;
  base_lr: number | null;
  steps: number[];
  expected_lr: number[];
  expected_momentum?: number[];
  tolerance: { rtol?: number; atol?: number };
}

// PyTorch's own test vectors (test/fixtures/schedules/pytorch-native-cases.json, copied with provenance).
const torch = fixture<{ cases: TorchCase[] }>('pytorch-native-cases.json').cases;

/** The native spec with the same numbers as a PyTorch scheduler (called once per optimizer step). */
function nativeOf(c: TorchCase): { family: string; params: Record<string, unknown> } {
  const p = c.params as Record<string, never>;
  switch (c.schedule) {
    case 'StepLR':
      return { family: 'step', params: { initialLearningRate: c.base_lr, stepSize: p.step_size, gamma: p.gamma } };
    case 'MultiStepLR':
      return { family: 'multi_step', params: { initialLearningRate: c.base_lr, milestones: p.milestones, gamma: p.gamma } };
    case 'CyclicLR':
      return {
        family: 'cyclic',
        params: {
          baseLearningRate: p.base_lr, maxLearningRate: p.max_lr, stepSizeUp: p.step_size_up, stepSizeDown: p.step_size_down,
          mode: p.mode, gamma: p.gamma, cycleMomentum: p.cycle_momentum, baseMomentum: p.base_momentum, maxMomentum: p.max_momentum,
        },
      };
    case 'OneCycleLR':
      return {
        family: 'one_cycle',
        params: {
          maxLearningRate: p.max_lr, totalSteps: p.total_steps, pctStart: p.pct_start, annealStrategy: p.anneal_strategy,
          divFactor: p.div_factor, finalDivFactor: p.final_div_factor, threePhase: p.three_phase,
          baseMomentum: p.base_momentum, maxMomentum: p.max_momentum,
        },
      };
  }
}

const strip = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

describe('step, multi_step, cyclic, one_cycle: PyTorch test_lrscheduler.py vectors', () => {
  it.each(torch.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const spec = nativeOf(c);
    const s = build({ family: spec.family, params: strip(spec.params) });
    const tol = { rtol: c.tolerance.rtol ?? 0, atol: c.tolerance.atol ?? 0 };
    expectTable(s, c.steps, c.expected_lr, tol);
    if (c.expected_momentum) {
      expect(s.momentum).toBeDefined();
      expectTable(s.momentum!, c.steps.slice(0, c.expected_momentum.length), c.expected_momentum, tol);
    }
  });
});

describe('one_cycle', () => {
  it('takes totalSteps from the run context when not given, and clamps past the end', () => {
    const fromCtx = oneCycleSchedule({ maxLearningRate: 0.1 });
    const fixed = oneCycleSchedule({ maxLearningRate: 0.1, totalSteps: 20 });
    const ctx = { totalSteps: 20 };
    for (const step of [0, 3, 5, 19]) expect(fromCtx(step, ctx)).toBe(fixed(step));
    // PyTorch raises past total_steps; here the final value 0.1 / 25 / 1e4 holds.
    expect(fixed(19)).toBeCloseTo(4e-7, 15);
    expect(fixed(20)).toBe(fixed(19));
    expect(fixed(1e6)).toBe(fixed(19));
    expect(fixed.momentum!(1e6)).toBeCloseTo(0.95, 12);
  });
  it('fails at the first step when neither totalSteps nor ctx.totalSteps is known', () => {
    const s = oneCycleSchedule({ maxLearningRate: 0.1 });
    expect(() => s(0)).toThrow(expect.objectContaining({ code: 'MISSING_PARAMETER', message: expect.stringMatching(/`totalSteps` is required/) }));
  });
  it('has no momentum when cycleMomentum is false', () => {
    expect(oneCycleSchedule({ maxLearningRate: 0.1, totalSteps: 10, cycleMomentum: false }).momentum).toBeUndefined();
  });
});

describe('warmup', () => {
  it('ramps linearly to the next schedule\'s first value, then shifts its steps', () => {
    const after = cosineDecaySchedule({ initialLearningRate: 0.1, decaySteps: 100 });
    const s = warmupSchedule({ warmupSteps: 10, startLearningRate: 0.02, after });
    // 0.02 + (0.1 - 0.02) * step / 10 during warm-up; after(step - 10) from step 10 on.
    expectTable(s, [0, 1, 5, 9, 10, 60, 110, 500], [0.02, 0.028, 0.06, 0.092, 0.1, 0.05, 0, 0], { rtol: 1e-12, atol: 1e-15 });
  });
  it('matches optax warmup_cosine_decay_schedule and Keras CosineDecay warm-up', () => {
    const native = build({ family: 'warmup', params: { warmupSteps: 50, after: { family: 'cosine_decay', params: { initialLearningRate: 1, decaySteps: 950, alpha: 0.01 } } } });
    const optax = build({ optax: 'warmup_cosine_decay_schedule', kwargs: { init_value: 0, peak_value: 1, warmup_steps: 50, decay_steps: 1000, end_value: 0.01 } });
    const keras = build({ class_name: 'CosineDecay', config: { initial_learning_rate: 0, decay_steps: 950, alpha: 0.01, warmup_target: 1, warmup_steps: 50 } });
    for (const step of [0, 1, 25, 49, 50, 51, 500, 999, 1000, 5000]) {
      expect(native(step)).toBeCloseTo(optax(step), 12);
      expect(keras(step)).toBeCloseTo(optax(step), 12);
    }
  });
  it('with warmupSteps 0 is the schedule itself, momentum included', () => {
    const oc = oneCycleSchedule({ maxLearningRate: 0.1, totalSteps: 30 });
    const s = warmupSchedule({ warmupSteps: 0, after: oc });
    for (const step of [0, 7, 29]) {
      expect(s(step)).toBe(oc(step));
      expect(s.momentum!(step)).toBe(oc.momentum!(step));
    }
  });
  it('gives the following schedule a run context shortened by the warm-up', () => {
    const s = build({ family: 'warmup', params: { warmupSteps: 10, after: { family: 'one_cycle', params: { maxLearningRate: 0.1 } } } });
    const inner = oneCycleSchedule({ maxLearningRate: 0.1, totalSteps: 90 });
    expect(s(10, { totalSteps: 100 })).toBe(inner(0));
    expect(s(99, { totalSteps: 100 })).toBe(inner(89));
  });
});

describe('piecewise_linear', () => {
  it('interpolates between knots and is constant outside', () => {
    const s = build({ family: 'piecewise_linear', params: { points: [[10, 0.0], [20, 0.1], [120, 0.001]] } });
    // 0.1 + (0.001 - 0.1) * (70 - 20) / 100 = 0.0505
    expectTable(s, [0, 10, 15, 20, 70, 120, 1000], [0, 0, 0.05, 0.1, 0.0505, 0.001, 0.001], { rtol: 1e-12, atol: 1e-15 });
  });
  it('with one knot is constant', () => {
    expect(build({ family: 'piecewise_linear', params: { points: [[5, 0.3]] } })(100)).toBe(0.3);
  });
});

describe('piecewise_interpolate, linear, join: the optax numbers through native specs', () => {
  it('piecewise_interpolate equals optax piecewise_interpolate_schedule', () => {
    const native = build({ family: 'piecewise_interpolate', params: { initValue: 2, boundariesAndScales: [[10, 0.5], [30, 0.2]], interpolateType: 'cosine' } });
    const optax = build({ optax: 'piecewise_interpolate_schedule', kwargs: { interpolate_type: 'cosine', init_value: 2, boundaries_and_scales: { '10': 0.5, '30': 0.2 } } });
    for (const step of [0, 3, 10, 15, 29, 30, 50]) expect(native(step)).toBe(optax(step));
  });
  it('join hands each child its own step count', () => {
    const s = joinSchedules([linearSchedule({ initialValue: 0, endValue: 1, transitionSteps: 10 }), linearSchedule({ initialValue: 1, endValue: 0, transitionSteps: 10 })], [10]);
    expectTable(s, [0, 5, 10, 15, 20, 30], [0, 0.5, 1, 0.5, 0, 0], { rtol: 1e-12, atol: 1e-15 });
  });
  it('join with equal boundaries skips the empty segment, as optax where-chains do', () => {
    const c = (v: number) => linearSchedule({ initialValue: v, endValue: v, transitionSteps: 1 });
    const s = joinSchedules([c(1), c(2), c(3)], [5, 5]);
    expect([s(4), s(5), s(6)]).toEqual([1, 3, 3]);
  });
});

describe('constant, exponential, polynomial, inverse_time, cosine_restarts through native specs', () => {
  it('constant', () => {
    expectTable(build({ family: 'constant', params: { learningRate: 0.003 } }), [0, 1, 1e9], [0.003, 0.003, 0.003]);
  });
  it('exponential equals Keras ExponentialDecay with the defaults and optax exponential_decay with the extras', () => {
    const native = build({ family: 'exponential', params: { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true, endValue: 0.01 } });
    const optax = build({ optax: 'exponential_decay', kwargs: { init_value: 0.1, transition_steps: 10, decay_rate: 0.5, staircase: true, end_value: 0.01 } });
    for (const step of [0, 9, 10, 25, 33, 40, 100]) expect(native(step)).toBe(optax(step));
    const plain = build({ family: 'exponential', params: { initialLearningRate: 0.05, decaySteps: 10, decayRate: 0.96 } });
    // Keras test_continuous: 0.05 * 0.96 ** (5 / 10)
    expect(plain(5)).toBeCloseTo(0.05 * Math.sqrt(0.96), 15);
  });
  it('polynomial cycles like Keras (test_beyond_end_with_cycle: (lr - end) * 0.25 + end at step 15)', () => {
    const s = build({ family: 'polynomial', params: { initialLearningRate: 0.05, decaySteps: 10, endLearningRate: 0.001, cycle: true } });
    expect(s(15)).toBeCloseTo((0.05 - 0.001) * 0.25 + 0.001, 15);
    expect(s(0)).toBe(0.05);
  });
  it('cosine_restarts lands every restart on the exact step', () => {
    const s = build({ family: 'cosine_restarts', params: { initialLearningRate: 1, firstDecaySteps: 10, tMul: 2 } });
    // Periods [0,10), [10,30), [30,70), [70,150): each restart returns to 1.
    for (const step of [0, 10, 30, 70, 150, 310, 630, 1270]) expect(s(step)).toBeCloseTo(1, 12);
    for (const step of [9, 29, 69, 149]) expect(s(step)).toBeLessThan(0.03);
  });
});

describe('README example (schedule catalogue)', () => {
  it('warm-up then cosine decay gives 0, 0.1, 0.001', () => {
    const lr = warmupSchedule({ warmupSteps: 500, after: cosineDecaySchedule({ initialLearningRate: 0.1, decaySteps: 9500, alpha: 0.01 }) });
    expectTable(lr, [0, 500, 10000, 20000], [0, 0.1, 0.001, 0.001], { rtol: 1e-12, atol: 1e-15 });
  });
});
