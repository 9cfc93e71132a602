import type { BuiltSchedule, ScheduleSpecFormat } from '../../src/schedules/schedule.js';
import { ValidationError, describeValue } from '../../src/core/errors.js';
import { invalidArgument, rejectUnknownKeys } from '../../src/core/validation.js';
import { OPTAX_FACTORIES } from './optax-factories.js';

/**
 * Spec format "optax": `{"optax": "<factory name>", "kwargs": {...}}`, the keyword arguments of
 * the optax schedule factory of that name (`optax.` / `optax.schedules.` prefixes are accepted).
 * `join_schedules` children may be any spec (optax ones included).
 */
export const optaxSpecFormat: ScheduleSpecFormat = {
  id: 'optax',
  matches: (spec) => spec.optax !== undefined,
  nameOf: (spec) => (typeof spec.optax === 'string' ? spec.optax : undefined),
  shape: '{"optax": "warmup_cosine_decay_schedule", "kwargs": {...}} (optax)',
  specSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'optax {"optax", "kwargs"}',
    description: 'An optax schedule factory name with its keyword arguments.',
    type: 'object',
    properties: { optax: { type: 'string', minLength: 1 }, kwargs: { type: 'object' } },
    required: ['optax'],
    additionalProperties: false,
  },
  build(spec, resolver): BuiltSchedule {
    rejectUnknownKeys(spec, ['optax', 'kwargs'], 'optax schedule spec');
    const name = typeof spec.optax === 'string' ? spec.optax.replace(/^optax\.(schedules\.)?/, '') : '';
    const factory = Object.hasOwn(OPTAX_FACTORIES, name) ? OPTAX_FACTORIES[name] : undefined;
    if (!factory) {
      const supported = Object.keys(OPTAX_FACTORIES);
      throw new ValidationError(
        'UNKNOWN_OPTAX_SCHEDULE',
        `Unknown optax schedule factory ${describeValue(spec.optax)}. Supported factories: ${supported.join(', ')}.`,
        { factory: spec.optax, supported },
      );
    }
    const where = `optax ${name}`;
    const kwargs = spec.kwargs ?? {};
    if (typeof kwargs !== 'object' || kwargs === null || Array.isArray(kwargs)) invalidArgument('kwargs', 'an object', kwargs, where);
    rejectUnknownKeys(kwargs as Record<string, unknown>, factory.keys, where);
    return factory.build(kwargs as Record<string, unknown>, where, resolver);
  },
};
