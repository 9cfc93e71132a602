/**
 * The spec schema is envelope-only (schemas/schedule-spec.schema.json: native `{family, params}` or
 * another object); each spec format checks the rest against its own `specSchema`. The interop
 * formats' shape errors still name the field, what was expected and what was found.
 */
import { describe, it, expect } from '@jest/globals';
import { SchemaValidationError, ValidationError } from '../../../src/core/errors.js';
import { builtinScheduleRuntime } from '../../../src/schedule-runtime.js';

const registry = builtinScheduleRuntime().schedules;

/** Each problem line of `validateSpec`, [] when the spec's shape is valid. */
function lines(spec: unknown, file = 'spec.json'): string[] {
  try {
    registry.validateSpec(spec, { file });
    return [];
  } catch (err) {
    if (!(err instanceof SchemaValidationError)) throw err;
    return err.message.split('\n');
  }
}

describe('validateSpec: the envelope, then the format that recognises the spec', () => {
  it('accepts a valid spec of every built-in format', () => {
    expect(lines({ family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 10 } })).toEqual([]);
    expect(lines({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1 } })).toEqual([]);
    expect(lines({ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: 0.05, interval: 'epoch' })).toEqual([]);
    expect(lines({ optax: 'cosine_decay_schedule', kwargs: { init_value: 1, decay_steps: 5 } })).toEqual([]);
    expect(lines({ fastai: 'fit_one_cycle', kwargs: { lr_max: 0.01 } })).toEqual([]);
  });

  it('a spec with `torch` is checked as a PyTorch spec', () => {
    expect(lines({ torch: 'StepLR', kwargs: {}, base_lr: -1 })).toEqual(['spec.json: /base_lr: expected a number >= 0, found -1']);
    expect(lines({ torch: 'StepLR', base_lr: [0.1, -2] }, 's.json')).toEqual(['s.json: /base_lr/1: expected a number >= 0, found -2']);
    expect(lines({ torch: 'StepLR', base_lr: 'high' }, 's.json')).toEqual(['s.json: /base_lr: expected one of: number | array, found "high"']);
    expect(lines({ torch: 42, base_lr: 0.1 })).toEqual(['spec.json: /torch: expected string, found 42']);
    expect(lines({ torch: 'StepLR', kwargs: [], interval: 'batch' })).toEqual([
      'spec.json: /kwargs: expected object, found array []',
      'spec.json: /interval: expected one of "epoch", "step", "fractional_epoch", found "batch"',
    ]);
  });

  it('a spec with `class_name` but no config is checked as a Keras spec', () => {
    expect(lines({ class_name: 'CosineDecay' })).toEqual(['spec.json: /config: expected required property "config", found nothing']);
  });

  it('optax and fastai: unknown keys and a kwargs that is no object', () => {
    expect(lines({ optax: 'cosine_decay_schedule', kwarg: {} })).toEqual([
      expect.stringMatching(/^spec\.json: \/kwarg: expected one of the properties "optax", "kwargs", found unknown property "kwarg"$/),
    ]);
    expect(lines({ fastai: 'fit_one_cycle', kwargs: 3 })).toEqual(['spec.json: /kwargs: expected object, found 3']);
  });

  it('the envelope: native specs keep their messages; an object no format recognises → UNKNOWN_SCHEDULE_SPEC listing the shapes', () => {
    expect(lines({ family: 42, params: [] })).toEqual(['spec.json: /family: expected string, found 42', 'spec.json: /params: expected object, found array []']);
    let caught: unknown;
    try {
      registry.validateSpec({ halving: { lr: 0.1 } }, { file: 'spec.json' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ValidationError);
    expect((caught as ValidationError).code).toBe('UNKNOWN_SCHEDULE_SPEC');
    expect((caught as Error).message).toMatch(/Unrecognised schedule spec with keys \["halving"\]\. Accepted shapes: \{"family": "<id>".*\{"fastai": "fit_one_cycle".*\(Keras\).*\(optax\).*\(PyTorch\)/);
  });

  it('build checks the same shape after the format\'s own (library-worded) checks', () => {
    // The torch format refuses base_lr < 0 in its own words first …
    expect(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: -1 })).toThrow(/base_lr/);
    // … and a shape only the schema refuses is refused by build too.
    expect(() => registry.build({ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9 }, module: 7 })).toThrow(
      /schedule spec \(format "keras"\): \/module: expected string, found 7/,
    );
  });
});
