import type { BuiltSchedule, ScheduleSpecFormat } from '../../src/schedules/schedule.js';
import { ValidationError, describeValue } from '../../src/core/errors.js';
import { invalidArgument, rejectUnknownKeys } from '../../src/core/validation.js';
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
  // Recognised by its envelope key alone, so that a spec missing `config` (or with a non-string
  // class name) is told what is wrong with it instead of "unrecognised spec".
  matches: (spec) => spec.class_name !== undefined,
  nameOf: (spec) => (typeof spec.class_name === 'string' ? spec.class_name : undefined),
  shape: '{"class_name": "ExponentialDecay", "config": {...}} (Keras)',
  specSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Keras {"class_name", "config"}',
    description: 'As keras.optimizers.schedules.serialize writes it.',
    type: 'object',
    properties: {
      class_name: { type: 'string', minLength: 1 },
      config: { type: 'object' },
      module: { type: 'string' },
      registered_name: { type: ['string', 'null'] },
    },
    required: ['class_name', 'config'],
    additionalProperties: false,
  },
  build(spec): BuiltSchedule {
    if (typeof spec.class_name !== 'string') invalidArgument('class_name', 'a Keras schedule class name such as "ExponentialDecay"', spec.class_name, 'keras schedule spec');
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
    if (typeof config !== 'object' || config === null || Array.isArray(config)) invalidArgument('config', 'an object', config, where);
    rejectUnknownKeys(config as Record<string, unknown>, cls.keys, where);
    return cls.build(config as Record<string, unknown>, where);
  },
};
