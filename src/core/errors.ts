/**
 * Typed errors. Every error metatune throws on purpose is a `MetatuneError` with a stable `code`
 * (callers and tests switch on the code, never on the message). Validation messages name the
 * argument, the rule and the value received, Keras style:
 *   "`decaySteps` must be > 0. Received: decaySteps=0."
 * Operational errors (files, stores, backends) end with the fix.
 */
export class MetatuneError extends Error {
  readonly code: string;
  /** Structured details for programmatic use (argument name, file, pointer, …). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = Object.freeze({ ...details });
  }
}

/** A user-supplied value broke a rule (bad schedule parameter, unknown family, …). */
export class ValidationError extends MetatuneError {}

/** A JSON document failed its JSON Schema; `details.errors` lists file, pointer, expected, found. */
export class SchemaValidationError extends MetatuneError {}

/** Something asked for by id does not exist (run, plugin, family, optimizer adapter). */
export class NotFoundError extends MetatuneError {}

/** Two plugins contributed the same id to one registry, or a plugin failed to load. */
export class PluginError extends MetatuneError {}

/** Training-time problems: divergence, a second LR controller, a missing metric. */
export class TrainingError extends MetatuneError {}

/** Environment problems (backend could not be set, missing optional package). Message ends with the fix. */
export class EnvironmentError extends MetatuneError {}

/** Formats a value for an error message: short, unambiguous, JSON where possible. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}
