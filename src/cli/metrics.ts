import { ValidationError, describeValue } from '../core/errors.js';

/** Per-epoch logs, epoch 0 first. `null` in a file (pandas' NaN) becomes NaN. */
export type EpochLogs = ReadonlyArray<Readonly<Record<string, number>>>;

function numberAt(file: string, pointer: string, v: unknown): number {
  if (v === null) return Number.NaN;
  if (typeof v !== 'number') {
    throw new ValidationError('INVALID_METRICS', `${file}: ${pointer}: expected a number, found ${describeValue(v)}.`, { file, pointer, received: v });
  }
  return v;
}

/**
 * Accepts the shapes training logs come in:
 * - rows: `[{"loss": 0.9, "val_loss": 1.0}, ...]` (one object per epoch),
 * - columns: `{"val_loss": [1.0, 0.8, ...], "loss": [...]}` (Keras / tfjs `history.history`),
 * - a tfjs `History` object as JSON: `{"epoch": [0, 1, ...], "history": {...columns}}`.
 */
export function parseMetrics(doc: unknown, file: string): EpochLogs {
  if (Array.isArray(doc)) {
    return doc.map((row, i) => {
      if (row === null || typeof row !== 'object' || Array.isArray(row)) {
        throw new ValidationError('INVALID_METRICS', `${file}: /${i}: expected an object of epoch logs such as {"val_loss": 0.5}, found ${describeValue(row)}.`, { file });
      }
      return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, numberAt(file, `/${i}/${k}`, v)]));
    });
  }
  if (doc !== null && typeof doc === 'object') {
    const record = doc as Record<string, unknown>;
    const columns = record.history !== null && typeof record.history === 'object' && !Array.isArray(record.history) ? (record.history as Record<string, unknown>) : record;
    const base = columns === record ? '' : '/history';
    const entries = Object.entries(columns);
    const lengths = new Set<number>();
    for (const [k, v] of entries) {
      if (!Array.isArray(v)) {
        throw new ValidationError('INVALID_METRICS', `${file}: ${base}/${k}: expected an array with one value per epoch, found ${describeValue(v)}.`, { file });
      }
      lengths.add(v.length);
    }
    if (lengths.size > 1) {
      throw new ValidationError(
        'INVALID_METRICS',
        `${file}: the metric columns have different lengths (${entries.map(([k, v]) => `${k}: ${(v as unknown[]).length}`).join(', ')}); each needs one value per epoch.`,
        { file },
      );
    }
    const epochs = lengths.size ? [...lengths][0]! : 0;
    return Array.from({ length: epochs }, (_, i) =>
      Object.fromEntries(entries.map(([k, v]) => [k, numberAt(file, `${base}/${k}/${i}`, (v as unknown[])[i])])),
    );
  }
  throw new ValidationError(
    'INVALID_METRICS',
    `${file}: expected per-epoch logs ([{"val_loss": ...}, ...] or {"val_loss": [...]}), found ${describeValue(doc)}.`,
    { file },
  );
}
