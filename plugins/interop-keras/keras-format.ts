import type { BuiltSchedule, ScheduleSpecFormat } from '../../src/schedules/schedule.js';
import { ValidationError, describeValue } from '../../src/core/errors.js';
import { rejectUnknownKeys } from '../../src/core/validation.js';
import { invalid } from '../schedules-core/common.js';
import { KERAS_CLASSES } from './keras-classes.js';

/** Keras 2 experimental classes that Keras 3 dropped; named in the error so nobody hunts for them. */
const DROPPED = ['LinearCosineDecay', 'NoisyLinearCosineDecay'];

/**
 * Spec format "keras": what `keras.optimizers.schedules.serialize(schedule)` returns.
 * Keras 2: `{"class_name": "ExponentialDecay", "config": {...}}`; Keras 3 adds
 * `"module": "keras.optimizers.schedules"` and `"registered_name": null` (a string there means a
 * custom, registered class, which only its own Python code can compute).
 */
export const kerasSpecFormat: ScheduleSpecFormat = {
  id: 'keras',
  matches: (spec) => typeof spec.class_name === 'string' && 'config' in spec,
  nameOf: (spec) => spec.class_name as string,
  build(spec): BuiltSchedule {
    rejectUnknownKeys(spec, ['class_name', 'config', 'module', 'registered_name'], 'keras schedule spec');
    const rawName = spec.class_name as string;
    // Some serializers write the dotted path ("keras.optimizers.schedules.ExponentialDecay").
    const className = rawName.slice(rawName.lastIndexOf('.') + 1);
    const registered = spec.registered_name;
    const custom = typeof registered === 'string' && registered !== className && registered !== rawName;
    const cls = Object.hasOwn(KERAS_CLASSES, className) && !custom ? KERAS_CLASSES[className] : undefined;
    if (!cls) {
      const supported = Object.keys(KERAS_CLASSES);
      throw new ValidationError(
        'UNKNOWN_KERAS_SCHEDULE',
        `Unknown Keras learning-rate schedule ${describeValue(custom ? registered : rawName)}. Supported classes: ${supported.join(', ')}` +
          `${DROPPED.includes(className) ? ` (${className} was a Keras 2 experimental class, removed in Keras 3)` : ''}. ` +
          'Custom schedules cannot be imported; write them as a native {"family", "params"} spec.',
        { className: rawName, registeredName: registered, supported },
      );
    }
    const where = `keras ${className}`;
    const config = spec.config;
    if (typeof config !== 'object' || config === null || Array.isArray(config)) invalid('config', 'an object', config, where);
    rejectUnknownKeys(config as Record<string, unknown>, cls.keys, where);
    return cls.build(config as Record<string, unknown>, where);
  },
};
