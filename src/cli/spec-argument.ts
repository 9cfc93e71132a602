import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { NotFoundError } from '../core/errors.js';
import { displayPath, parseJson, readJsonFile, validateDocument } from '../core/json-validation.js';
import type { ScheduleSpec } from '../schedules/schedule.js';
import type { ScheduleRegistry } from '../schedules/registry.js';
import { inFile } from './io.js';

export interface SpecArgument {
  readonly spec: ScheduleSpec;
  /** How messages name it: the file path, or the flag for inline JSON. */
  readonly label: string;
}

/**
 * `--spec <json|file>`: inline JSON when it parses (or looks like JSON: a syntax error in inline
 * JSON is reported with its column, not as a missing file), else a path relative to `cwd`.
 * Validated with the file name in the messages: the envelope against schemas/schedule-spec.schema.json
 * and, given the runtime's `schedules`, a foreign spec against its format's own schema (a plugin's
 * format included).
 */
export function readSpec(arg: string, options: { flag?: string; cwd?: string; schedules?: Pick<ScheduleRegistry, 'validateSpec'> } = {}): SpecArgument {
  const flag = options.flag ?? '--spec';
  const text = arg.trim();
  let spec: unknown;
  let label = flag;
  let parsed = false;
  try {
    spec = JSON.parse(text);
    parsed = true;
  } catch {
    // Not JSON: a file, unless it clearly meant to be JSON.
  }
  if (!parsed) {
    const path = resolve(options.cwd ?? process.cwd(), arg);
    if (existsSync(path) && statSync(path).isFile()) {
      label = displayPath(path);
      spec = readJsonFile(path, label);
    } else if (/^[{["]/.test(text)) {
      spec = parseJson(text, flag); // throws INVALID_JSON with line/column in the inline text
    } else {
      throw new NotFoundError(
        'FILE_NOT_FOUND',
        `${flag} ${JSON.stringify(arg)} is neither JSON nor an existing file. Give a spec such as '{"family": "cosine_decay", "params": {"initialLearningRate": 0.1, "decaySteps": 100}}' or the path of a .json file.`,
        { argument: flag, received: arg },
      );
    }
  }
  if (!options.schedules) return { spec: validateDocument<ScheduleSpec>('schedule-spec', spec, { file: label }), label };
  try {
    return { spec: options.schedules.validateSpec<ScheduleSpec>(spec, { file: label }), label };
  } catch (err) {
    throw inFile(err, label);
  }
}

