/**
 * The built-in Keras `LearningRateSchedule` classes (Keras 2.x `tf.keras` and Keras 3), each read
 * from its `get_config()` keys (snake_case, with the Keras defaults) and mapped onto the native
 * factory with the same numbers. Config values are checked here, under their Keras names, so a
 * message says `decay_steps`, not `decaySteps`.
 */
import type { Schedule } from '../../src/schedules/schedule.js';
import {
  cosineDecaySchedule,
  cosineRestartsSchedule,
  exponentialSchedule,
  inverseTimeSchedule,
  piecewiseConstantSchedule,
  polynomialSchedule,
} from '../schedules-core/api.js';
import { invalidArgument, readBoolean, readNumber, readNumberArray, readOptionalNumber } from '../../src/core/validation.js';

export interface KerasClass {
  /** Keys `get_config()` writes (plus `name`, which is ignored). */
  readonly keys: readonly string[];
  /** The native family it maps to (for docs and error hints). */
  readonly family: string;
  readonly build: (config: Readonly<Record<string, unknown>>, where: string) => Schedule;
}

export const KERAS_CLASSES: Readonly<Record<string, KerasClass>> = {
  ExponentialDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase', 'name'],
    family: 'exponential',
    build: (c, where) =>
      exponentialSchedule({
        initialLearningRate: readNumber(c, 'initial_learning_rate', '>=0', where),
        decaySteps: readNumber(c, 'decay_steps', '>0', where),
        decayRate: readNumber(c, 'decay_rate', '>0', where),
        staircase: readBoolean(c, 'staircase', where, false),
      }),
  },
  PiecewiseConstantDecay: {
    keys: ['boundaries', 'values', 'name'],
    family: 'piecewise_constant',
    build: (c, where) => {
      const boundaries = readNumberArray(c, 'boundaries', where, { order: 'increasing', minLength: 1 });
      const values = readNumberArray(c, 'values', where, { rule: '>=0' });
      if (values.length !== boundaries.length + 1) {
        invalidArgument('values', `one element longer than \`boundaries\` (${boundaries.length + 1} elements)`, values, where);
      }
      return piecewiseConstantSchedule({ boundaries, values });
    },
  },
  PolynomialDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'end_learning_rate', 'power', 'cycle', 'name'],
    family: 'polynomial',
    build: (c, where) =>
      polynomialSchedule({
        initialLearningRate: readNumber(c, 'initial_learning_rate', '>=0', where),
        decaySteps: readNumber(c, 'decay_steps', '>0', where),
        endLearningRate: readNumber(c, 'end_learning_rate', '>=0', where, 0.0001),
        power: readNumber(c, 'power', '>0', where, 1),
        cycle: readBoolean(c, 'cycle', where, false),
      }),
  },
  InverseTimeDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'decay_rate', 'staircase', 'name'],
    family: 'inverse_time',
    build: (c, where) =>
      inverseTimeSchedule({
        initialLearningRate: readNumber(c, 'initial_learning_rate', '>=0', where),
        decaySteps: readNumber(c, 'decay_steps', '>0', where),
        decayRate: readNumber(c, 'decay_rate', '>=0', where),
        staircase: readBoolean(c, 'staircase', where, false),
      }),
  },
  CosineDecay: {
    keys: ['initial_learning_rate', 'decay_steps', 'alpha', 'name', 'warmup_target', 'warmup_steps'],
    family: 'cosine_decay',
    build: (c, where) => {
      const warmupTarget = readOptionalNumber(c, 'warmup_target', '>=0', where);
      const warmupSteps = readNumber(c, 'warmup_steps', 'int>=0', where, 0);
      return cosineDecaySchedule({
        initialLearningRate: readNumber(c, 'initial_learning_rate', '>=0', where),
        decaySteps: readNumber(c, 'decay_steps', '>0', where),
        alpha: readNumber(c, 'alpha', '>=0', where, 0),
        // Keras ignores warmup_steps when warmup_target is None; so do we, to keep its numbers.
        ...(warmupTarget !== undefined ? { warmupTarget, warmupSteps } : {}),
      });
    },
  },
  CosineDecayRestarts: {
    keys: ['initial_learning_rate', 'first_decay_steps', 't_mul', 'm_mul', 'alpha', 'name'],
    family: 'cosine_restarts',
    build: (c, where) => {
      const tMul = readNumber(c, 't_mul', 'finite', where, 2);
      if (!(tMul >= 1)) invalidArgument('t_mul', '>= 1', tMul, where);
      return cosineRestartsSchedule({
        initialLearningRate: readNumber(c, 'initial_learning_rate', '>=0', where),
        firstDecaySteps: readNumber(c, 'first_decay_steps', '>0', where),
        tMul,
        mMul: readNumber(c, 'm_mul', '>=0', where, 1),
        alpha: readNumber(c, 'alpha', '>=0', where, 0),
      });
    },
  },
};
