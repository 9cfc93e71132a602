/**
 * The one argument-check vocabulary (src/core/validation.ts): the readers' treatment of absent and
 * null values, and the same refusal wording from native families and every interop format.
 */
import { describe, expect, it } from '@jest/globals';
import { MetatuneError } from '../../../src/core/errors.js';
import { PYTHON_NONE_IS_DEFAULT, readBoolean, readChoice, readNumber, readNumberArray, readOptionalNumber, requireObject } from '../../../src/core/validation.js';
import { builtinScheduleRuntime } from '../../../src/schedule-runtime.js';

function refusal(fn: () => unknown): { code: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(MetatuneError);
    return { code: (err as MetatuneError).code, message: (err as Error).message };
  }
  throw new Error('expected a refusal');
}

describe('argument readers', () => {
  it('absent → the default, or MISSING_PARAMETER; null is a value unless Python None means the default', () => {
    expect(readNumber({}, 'gamma', '>0', 'f', 0.1)).toBe(0.1);
    expect(refusal(() => readNumber({}, 'gamma', '>0', 'f'))).toEqual({ code: 'MISSING_PARAMETER', message: 'f: `gamma` is required. Received: gamma=undefined.' });
    expect(refusal(() => readNumber({ gamma: null }, 'gamma', '>0', 'f', 0.1))).toEqual({ code: 'INVALID_PARAMETER', message: 'f: `gamma` must be a finite number. Received: gamma=null.' });
    expect(readNumber({ gamma: null }, 'gamma', '>0', 'f', 0.1, PYTHON_NONE_IS_DEFAULT)).toBe(0.1);
    expect(refusal(() => readNumber({ gamma: null }, 'gamma', '>0', 'f', undefined, PYTHON_NONE_IS_DEFAULT)).code).toBe('MISSING_PARAMETER');
    expect(readOptionalNumber({ warmup: null }, 'warmup', '>=0', 'f')).toBeUndefined();
    expect(readBoolean({ flag: null }, 'flag', 'f', true, PYTHON_NONE_IS_DEFAULT)).toBe(true);
    expect(readChoice({ mode: null }, 'mode', ['min', 'max'] as const, 'f', 'min', PYTHON_NONE_IS_DEFAULT)).toBe('min');
  });

  it('each rule names itself', () => {
    expect(refusal(() => readNumber({ n: 0 }, 'n', 'int>=1', 'f')).message).toBe('f: `n` must be an integer >= 1. Received: n=0.');
    expect(refusal(() => readNumber({ n: 1.5 }, 'n', 'int>=0', 'f')).message).toBe('f: `n` must be an integer >= 0. Received: n=1.5.');
    expect(refusal(() => readNumber({ n: -1 }, 'n', '>=0', 'f')).message).toBe('f: `n` must be >= 0. Received: n=-1.');
    expect(refusal(() => readChoice({ m: 'x' }, 'm', ['a', 'b'] as const, 'f')).message).toBe('f: `m` must be one of "a", "b". Received: m="x".');
    expect(refusal(() => readNumberArray({ b: [3, 1] }, 'b', 'f', { order: 'increasing' })).message).toBe('f: `b` must be strictly increasing. Received: b=[3,1].');
    expect(refusal(() => requireObject('kwargs', 3, 'f')).message).toBe('f: `kwargs` must be an object. Received: kwargs=3.');
  });
});

describe('one vocabulary: native families and every interop format refuse in the same words', () => {
  const schedules = builtinScheduleRuntime().schedules;
  const cases: ReadonlyArray<readonly [string, unknown, RegExp]> = [
    ['native', { family: 'step', params: { initialLearningRate: 0.1, stepSize: 0 } }, /^step: `stepSize` must be an integer >= 1\. Received: stepSize=0\.$/],
    ['keras', { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 0, decay_rate: 0.9 } }, /^keras ExponentialDecay: `decay_steps` must be > 0\. Received: decay_steps=0\.$/],
    ['torch', { torch: 'StepLR', kwargs: { step_size: 0 }, base_lr: 0.1 }, /^torch StepLR: `step_size` must be an integer >= 1\. Received: step_size=0\.$/],
    ['optax', { optax: 'exponential_decay', kwargs: { init_value: 0.1, transition_steps: 10, decay_rate: 0.9, staircase: 'yes' } }, /^optax exponential_decay: `staircase` must be a boolean\. Received: staircase="yes"\.$/],
    ['fastai', { fastai: 'fit_one_cycle', kwargs: { lr_max: 0 } }, /^fastai fit_one_cycle: `lr_max` must be > 0\. Received: lr_max=0\.$/],
  ];
  it.each(cases)('%s', (_format, spec, message) => {
    const r = refusal(() => schedules.build(spec as never));
    expect(r.code).toBe('INVALID_PARAMETER');
    expect(r.message).toMatch(message);
  });

  it("PyTorch's None reads as the default (OneCycleLR total_steps=None with epochs × steps_per_epoch)", () => {
    const s = schedules.build({ torch: 'OneCycleLR', kwargs: { max_lr: 0.1, total_steps: null, epochs: 2, steps_per_epoch: 5, three_phase: null } }) as (step: number) => number;
    expect(s(0)).toBeCloseTo(0.1 / 25, 10);
  });
});
