import { Registry, type Contribution } from '../core/registry.js';
import { ValidationError, describeValue } from '../core/errors.js';
import { rejectUnknownKeys } from '../core/validation.js';
import { validateDocument, validateWithSchema, type ValidateOptions } from '../core/json-validation.js';
import type { BuiltSchedule, ScheduleFamily, ScheduleResolver, ScheduleSpec, ScheduleSpecFormat } from './schedule.js';
import { nameFromFormat } from './spec-identity.js';

export interface ScheduleRegistryOptions {
  /**
   * Also check native params against the family's `paramsSchema` (after the factory's own eager
   * checks, whose Keras-style messages come first). Defaults to true.
   */
  readonly validateParamsSchema?: boolean;
}

/** What messages call a spec when no file names it. */
const SPEC_LABEL = 'schedule spec';

/**
 * Builds schedules from specs. A spec is native (`{"family": id, "params": {...}}`) or written in
 * one of the contributed foreign formats (Keras, PyTorch, optax, fastai): the first format whose
 * `matches(spec)` is true builds it. Families build their children (warm-up, join) through this
 * same resolver, so any spec can nest any other.
 */
export class ScheduleRegistry implements ScheduleResolver {
  readonly #families: Registry<ScheduleFamily>;
  readonly #formats: Registry<ScheduleSpecFormat>;
  readonly #validateParams: boolean;

  constructor(
    families: Iterable<Contribution<ScheduleFamily>>,
    formats: Iterable<Contribution<ScheduleSpecFormat>> = [],
    options: ScheduleRegistryOptions = {},
  ) {
    this.#families = new Registry({ kind: 'schedule family', notFoundCode: 'UNKNOWN_SCHEDULE_FAMILY' }, families);
    this.#formats = new Registry({ kind: 'schedule spec format', notFoundCode: 'UNKNOWN_SCHEDULE_FORMAT' }, formats);
    this.#validateParams = options.validateParamsSchema ?? true;
  }

  build(spec: ScheduleSpec): BuiltSchedule {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new ValidationError(
        'INVALID_SCHEDULE_SPEC',
        `A schedule spec must be a JSON object. Received: ${describeValue(spec)}. Accepted shapes: ${this.#acceptedShapes()}.`,
        { received: spec },
      );
    }
    const record = spec as Readonly<Record<string, unknown>>;
    if ('family' in record) return this.#buildNative(record);
    const format = this.#formatOf(record);
    // The format's own eager checks (messages in its library's words) come first, as for families.
    const built = format.build(record, this);
    if (this.#validateParams && format.specSchema) validateWithSchema(format.specSchema, record, { file: `${SPEC_LABEL} (format "${format.id}")` });
    return built;
  }

  /**
   * Checks a spec's shape without building it, every problem as `<file>: <pointer>: expected …,
   * found …`: the envelope against schemas/schedule-spec.schema.json, then a foreign spec against
   * the `specSchema` of the format that recognises it (a plugin's format included). Native params
   * and values are checked when the spec is built. `SCHEMA_VALIDATION_FAILED`, or
   * `UNKNOWN_SCHEDULE_SPEC` when no registered format recognises the spec.
   */
  validateSpec<T = ScheduleSpec>(spec: unknown, options: ValidateOptions = {}): T {
    validateDocument('schedule-spec', spec, { file: SPEC_LABEL, ...options });
    const record = spec as Readonly<Record<string, unknown>>;
    if (!('family' in record)) {
      const format = this.#formatOf(record);
      if (format.specSchema) validateWithSchema(format.specSchema, record, { file: SPEC_LABEL, ...options });
    }
    return spec as T;
  }

  #formatOf(record: Readonly<Record<string, unknown>>): ScheduleSpecFormat {
    const format = this.#formats.values().find((f) => f.matches(record));
    if (format) return format;
    throw new ValidationError(
      'UNKNOWN_SCHEDULE_SPEC',
      `Unrecognised schedule spec with keys ${describeValue(Object.keys(record))}. Accepted shapes: ${this.#acceptedShapes()}.`,
      { keys: Object.keys(record), formats: this.#formats.ids() },
    );
  }

  /**
   * Which schedule `spec` names: a native spec's `family`, else what the format that recognises it
   * says (`ScheduleSpecFormat.nameOf`); undefined when nothing recognises it.
   */
  nameOf(spec: unknown): string | undefined {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) return undefined;
    const record = spec as Readonly<Record<string, unknown>>;
    if ('family' in record) return typeof record.family === 'string' ? record.family : undefined;
    const format = this.#formats.values().find((f) => f.matches(record));
    return format ? nameFromFormat(format, record) : undefined;
  }

  /** Every registered family, sorted by id. */
  families(): ScheduleFamily[] {
    return this.#families.values();
  }

  /** Every registered foreign spec format, sorted by id. */
  formats(): ScheduleSpecFormat[] {
    return this.#formats.values();
  }

  /** The family `id`; `NotFoundError` (`UNKNOWN_SCHEDULE_FAMILY`) listing the valid ids otherwise. */
  family(id: string): ScheduleFamily {
    return this.#families.get(id);
  }

  /** The plugin that contributed family `id` (for `metatune families`). */
  pluginOf(id: string): string | undefined {
    return this.#families.pluginOf(id);
  }

  #buildNative(spec: Readonly<Record<string, unknown>>): BuiltSchedule {
    rejectUnknownKeys(spec, ['family', 'params'], 'schedule spec');
    const id = spec.family;
    if (typeof id !== 'string') {
      throw new ValidationError(
        'INVALID_SCHEDULE_SPEC',
        `\`family\` must be a string. Received: family=${describeValue(id)}. Valid families: ${this.#families.ids().join(', ')}.`,
        { argument: 'family', received: id },
      );
    }
    const family = this.#families.get(id);
    let params = spec.params ?? {};
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new ValidationError(
        'INVALID_PARAMETER',
        `${id}: \`params\` must be an object. Received: params=${describeValue(params)}.`,
        { argument: 'params', received: params },
      );
    }
    const schema = family.paramsSchema as { properties?: Record<string, unknown>; additionalProperties?: unknown };
    params = withCanonicalRate(id, params as Record<string, unknown>, Object.keys(schema.properties ?? {}));
    // Unknown keys are refused here, the same way for every family (built-in or a plugin's), before
    // the family sees them: `UNKNOWN_PARAMETER` naming the valid ones.
    if (schema.additionalProperties === false && schema.properties) rejectUnknownKeys(params as Record<string, unknown>, Object.keys(schema.properties), id);
    const built = family.build(params as Record<string, unknown>, this);
    if (this.#validateParams) {
      validateWithSchema(family.paramsSchema, params, { file: `schedule spec (family "${id}")`, pointer: '/params' });
    }
    return built;
  }

  #acceptedShapes(): string {
    const foreign = this.#formats.values().map((f) => f.shape ?? `a "${f.id}" spec`);
    return [`{"family": "<id>", "params": {...}} with family one of ${this.#families.ids().join(', ') || '(none registered)'}`, ...foreign].join('; ');
  }
}

/**
 * `learningRate` is the one documented name of a native schedule's peak / start rate. Families whose
 * own parameter has another name (`initialLearningRate` for the decays, `maxLearningRate` for
 * one_cycle and cyclic) keep it as an accepted alias: `learningRate` is handed to them under their name.
 */
export const PEAK_RATE_ALIASES: readonly string[] = ['initialLearningRate', 'maxLearningRate'];

function withCanonicalRate(id: string, params: Record<string, unknown>, known: readonly string[]): Record<string, unknown> {
  if (!('learningRate' in params) || known.includes('learningRate')) return params;
  const alias = PEAK_RATE_ALIASES.find((name) => known.includes(name));
  if (!alias) return params;
  if (alias in params) {
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${id}: give the peak rate once: \`learningRate\` or its alias \`${alias}\`, not both. Received: learningRate=${describeValue(params.learningRate)}, ${alias}=${describeValue(params[alias])}.`,
      { argument: 'learningRate', alias },
    );
  }
  const { learningRate, ...rest } = params;
  return { ...rest, [alias]: learningRate };
}
