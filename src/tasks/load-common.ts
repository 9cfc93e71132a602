/** Errors and small decisions shared by the loaders, so every format words them the same way. */
import { ValidationError } from '../core/errors.js';

/**
 * Text cells in feature columns: "error" (default: a typed NON_NUMERIC_COLUMN error), "onehot"
 * (every text column is one-hot encoded), or the names of the columns to one-hot encode.
 */
export type CategoricalPolicy = 'error' | 'onehot' | readonly string[];

export function allowsText(policy: CategoricalPolicy, column: string): boolean {
  return policy === 'onehot' || (Array.isArray(policy) && policy.includes(column));
}

/** `NOT_A_DATASET`: the file is something else (binary, a config, an empty file). */
export function notADataset(file: string, where: string, expected: string, found: string): ValidationError {
  return new ValidationError(
    'NOT_A_DATASET',
    `${file}: ${where}: expected ${expected}, found ${found}. This file is not a dataset metatune can read. Fix: point the task at a CSV (header optional), a JSON array of row objects or {"x": [...], "y": [...]}, or MNIST-style IDX files.`,
    { file, where, expected, found },
  );
}

/** `NON_NUMERIC_COLUMN` naming file, line, column and the value, with both fixes. */
export function nonNumericColumn(file: string, line: number | string, index: number, name: string, value: string): ValidationError {
  const where = typeof line === 'number' ? `${file}:${line}` : `${file}: ${line}`;
  return new ValidationError(
    'NON_NUMERIC_COLUMN',
    `${where}: ${index >= 0 ? `column ${index + 1} ("${name}")` : `target column "${name}" (regression)`}: expected a number, found ${JSON.stringify(value)}. ` +
      `Fix: remove or encode the column, or one-hot encode text columns with "categorical": "onehot" (or ["${name}"]) in the task file's data (loader option \`categorical\`).`,
    { file, line, column: index >= 0 ? index + 1 : undefined, columnName: name, found: value },
  );
}

/** A target given by name or (negative) index → its 0-based index; unknown names list the columns. */
export function resolveTargetIndex(target: string | number, names: readonly string[], file: string): number {
  if (typeof target === 'number') {
    const idx = target < 0 ? names.length + target : target;
    if (!Number.isInteger(target) || idx < 0 || idx >= names.length) {
      throw new ValidationError(
        'TARGET_NOT_FOUND',
        `${file}: \`target\` must be a column name or an index in [${-names.length}, ${names.length - 1}]. Received: target=${target}. Columns: ${names.join(', ')}.`,
        { file, target, columns: names },
      );
    }
    return idx;
  }
  const idx = names.indexOf(target);
  if (idx < 0) {
    throw new ValidationError(
      'TARGET_NOT_FOUND',
      `${file}: target column ${JSON.stringify(target)} not found. Columns: ${names.join(', ')}. Fix: set "target" to one of these names or to a 0-based index.`,
      { file, target, columns: names },
    );
  }
  return idx;
}
