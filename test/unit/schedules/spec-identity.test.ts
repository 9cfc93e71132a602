/**
 * One schedule identity: which schedule a spec names is asked of its format (ScheduleRegistry.nameOf),
 * for native specs, every built-in interop format and a plugin's format; the callback's label asks
 * the same; without a registry the envelope keys give the same names (what stores index).
 */
import { createContainer } from '../../../src/container.js';
import { builtinScheduleRuntime } from '../../../src/schedule-runtime.js';
import { scheduleNameOf } from '../../../src/schedules/spec-identity.js';
import { describeSchedule } from '../../../src/tfjs/runtime.js';

const SPECS: ReadonlyArray<readonly [unknown, string]> = [
  [{ family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 10 } }, 'cosine_decay'],
  [{ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9 } }, 'ExponentialDecay'],
  [{ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: 0.1 }, 'StepLR'],
  [{ optax: 'cosine_decay_schedule', kwargs: { init_value: 0.1, decay_steps: 10 } }, 'cosine_decay_schedule'],
  [{ fastai: 'fit_one_cycle', kwargs: { n_epoch: 1, lr_max: 0.1 } }, 'fit_one_cycle'],
];

describe('schedule identity', () => {
  const registry = builtinScheduleRuntime().schedules;

  it.each(SPECS)('%j names %s — through its format, and by its envelope alike', (spec, name) => {
    expect(registry.nameOf(spec)).toBe(name);
    expect(scheduleNameOf(spec)).toBe(name);
    expect(describeSchedule(spec, { schedules: registry })).toBe(name);
  });

  it('a plugin format names its specs; an unrecognised spec names nothing', async () => {
    const rt = await createContainer({ plugins: ['./test/fixtures/plugins/spec-format-fixture'], configFile: false });
    const spec = { halving: { lr: 0.1, every: 2 } };
    // The fixture has no nameOf: the format's id stands for it.
    expect(rt.schedules.nameOf(spec)).toBe('halving');
    expect(registry.nameOf(spec)).toBeUndefined();
    expect(describeSchedule(spec, { schedules: registry })).toBe('custom schedule');
    expect(registry.nameOf(null)).toBeUndefined();
  });
});

describe('one name for the peak rate: learningRate', () => {
  const registry = builtinScheduleRuntime().schedules;
  const values = (spec: unknown, steps = [0, 3, 7, 10]) => {
    const s = registry.build(spec as never) as (step: number, ctx: { totalSteps?: number }) => number;
    return steps.map((t) => s(t, { totalSteps: 10 }));
  };

  it.each([
    ['cosine_decay', { decaySteps: 10 }, 'initialLearningRate'],
    ['exponential', { decaySteps: 5, decayRate: 0.5 }, 'initialLearningRate'],
    ['one_cycle', { totalSteps: 10 }, 'maxLearningRate'],
    ['cyclic', { baseLearningRate: 0.01, stepSizeUp: 3 }, 'maxLearningRate'],
  ] as const)('%s takes learningRate as its %s', (family, rest, alias) => {
    expect(values({ family, params: { ...rest, learningRate: 0.1 } })).toEqual(values({ family, params: { ...rest, [alias]: 0.1 } }));
  });

  it('refuses both names at once, and leaves families that already say learningRate alone', () => {
    expect(() => registry.build({ family: 'cosine_decay', params: { learningRate: 0.1, initialLearningRate: 0.2, decaySteps: 10 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/cosine_decay: give the peak rate once: `learningRate` or its alias `initialLearningRate`/) }),
    );
    expect(values({ family: 'constant', params: { learningRate: 0.3 } })).toEqual([0.3, 0.3, 0.3, 0.3]);
    // A family with no peak rate (linear) still refuses it as unknown.
    expect(() => registry.build({ family: 'linear', params: { learningRate: 0.1, initialValue: 1, endValue: 0, transitionSteps: 5 } })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PARAMETER' }),
    );
  });
});
