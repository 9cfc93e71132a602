import { BatchTable, EpochTable, metricSlot } from '../../src/traces/import-support.js';
import type { TraceBatch, TraceEpoch } from '../../src/traces/trace.js';
import { Series } from './scalars.js';

export type Split = 'train' | 'val';

/**
 * Puts a file's tags into one namespace. The three Keras callback generations:
 *  - standalone Keras 2.x: `loss`, `val_acc` (steps are epochs);
 *  - tf.keras on TF1: `epoch_loss`, `epoch_val_acc`, `batch_loss` (per batch);
 *  - tf.keras on TF2: `epoch_loss` in `train/` and again in `validation/` (the folder is the split).
 * `epoch_` is stripped, `batch_` tags are marked as per-batch, and a validation folder's tags get `val_`.
 */
export function addFileSeries(into: Map<string, Series>, batchTags: Set<string>, file: Map<string, Series>, split: Split | undefined): void {
  for (const [tag, s] of file) {
    let name = tag;
    let perBatch = false;
    if (name.startsWith('epoch_') && name !== 'epoch_') name = name.slice(6);
    else if (name.startsWith('batch_') && name !== 'batch_') {
      name = name.slice(6);
      perBatch = true;
    }
    if (split === 'val' && name !== 'epoch' && !name.startsWith('val_')) name = `val_${name}`;
    const key = perBatch ? `batch:${name}` : name;
    if (perBatch) batchTags.add(key);
    const existing = into.get(key);
    if (existing) existing.append(s);
    else {
      const copy = new Series();
      copy.append(s);
      into.set(key, copy);
    }
  }
}

/** Lightning and other loggers name the training loss `train_loss` and the validation loss `valid_loss`. */
function slotName(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'train_loss' || lower === 'training_loss') return 'loss';
  if (lower === 'valid_loss' || lower === 'validation_loss') return 'val_loss';
  return name;
}

export interface BuiltRun {
  readonly epochs: TraceEpoch[];
  readonly batches: TraceBatch[];
  readonly notes: string[];
  readonly divergedAt?: number;
}

/** Epoch-duration wall times from the last write time of each epoch (seconds → ms). */
function wallTimes(table: EpochTable, lastWall: Map<number, number>): void {
  const epochs = [...lastWall.keys()].sort((a, b) => a - b);
  for (let i = 1; i < epochs.length; i++) {
    const ms = (lastWall.get(epochs[i]!)! - lastWall.get(epochs[i - 1]!)!) * 1000;
    if (epochs[i]! - epochs[i - 1]! === 1) table.setWallTime(epochs[i]!, Math.round(ms * 1000) / 1000);
  }
}

/** Maps a global step to the epoch logged at the last `epoch` point at or before it (Lightning logs `epoch` as a scalar). */
function epochMapper(epochSeries: Series): (step: number) => number {
  // A non-finite or negative `epoch` point (a corrupted or NaN scalar) says nothing about the epoch: skipped.
  const idx = epochSeries.steps.map((_, i) => i).filter((i) => Number.isFinite(epochSeries.values[i]) && epochSeries.values[i]! >= 0).sort((a, b) => epochSeries.steps[a]! - epochSeries.steps[b]! || a - b);
  const steps = idx.map((i) => epochSeries.steps[i]!);
  const epochs = idx.map((i) => Math.round(epochSeries.values[i]!));
  return (step: number) => {
    let lo = 0;
    let hi = steps.length - 1;
    if (step < steps[0]!) return epochs[0]!;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (steps[mid]! <= step) lo = mid;
      else hi = mid - 1;
    }
    return epochs[lo]!;
  };
}

export function buildRun(series: Map<string, Series>, batchTags: Set<string>): BuiltRun {
  const table = new EpochTable();
  const batches = new BatchTable();
  const notes: string[] = [];
  const lastWall = new Map<number, number>();
  const dropped: string[] = [];
  const decimated: string[] = [];
  for (const [tag, s] of series) if (s.stride > 1) decimated.push(`${tag} (every ${s.stride}th point)`);

  const toBatches = (tag: string, name: string, s: Series) => {
    const slot = metricSlot(slotName(name));
    if (slot === 'loss' || slot === 'lr') for (let i = 0; i < s.steps.length; i++) batches.set(s.steps[i]!, slot, s.values[i]!);
    else dropped.push(tag);
  };

  const epochSeries = series.get('epoch');
  if (epochSeries && epochSeries.values.some((v) => Number.isFinite(v) && v >= 0)) {
    // Lightning: steps are global batch steps; `epoch` says which epoch a step belongs to.
    const epochOf = epochMapper(epochSeries);
    notes.push('steps are global batch steps; epochs come from the logged `epoch` scalar');
    const badEpochs = epochSeries.values.filter((v) => !Number.isFinite(v) || v < 0).length;
    if (badEpochs) notes.push(`${badEpochs} \`epoch\` point(s) were not a finite number >= 0 and were skipped`);
    for (const [tag, s] of series) {
      if (tag === 'epoch') continue;
      const name = tag.startsWith('batch:') ? tag.slice(6) : tag;
      const perEpoch = new Map<number, number>();
      let multi = batchTags.has(tag);
      for (let i = 0; i < s.steps.length && !multi; i++) {
        const e = epochOf(s.steps[i]!);
        if (perEpoch.has(e) && perEpoch.get(e) !== s.steps[i]) multi = true;
        perEpoch.set(e, s.steps[i]!);
      }
      if (multi) {
        toBatches(tag, name, s);
        continue;
      }
      const metric = slotName(name);
      const slot = metricSlot(metric);
      for (let i = 0; i < s.steps.length; i++) {
        const step = s.steps[i]!;
        const e = epochOf(step);
        table.setIn(e, slot, metric, s.values[i]!);
        table.setStep(e, step);
        lastWall.set(e, Math.max(lastWall.get(e) ?? 0, s.walls[i]!));
      }
    }
  } else {
    const stepSet = new Set<number>();
    for (const [tag, s] of series) if (!batchTags.has(tag)) for (const st of s.steps) stepSet.add(st);
    const steps = [...stepSet].sort((a, b) => a - b);
    const contiguous = steps.length > 0 && steps[steps.length - 1]! - steps[0]! === steps.length - 1;
    const ordinal = new Map<number, number>();
    if (!contiguous) {
      steps.forEach((st, i) => ordinal.set(st, i));
      if (steps.length) notes.push(`steps are not consecutive (${steps.length} distinct steps from ${steps[0]} to ${steps[steps.length - 1]}): epoch = rank of the step, \`step\` keeps the logged step`);
    } else if (steps[0]! > 0) {
      notes.push(`steps start at ${steps[0]} (resumed run): epochs keep the logged step numbers`);
    }
    for (const [tag, s] of series) {
      if (batchTags.has(tag)) {
        toBatches(tag, tag.slice(6), s);
        continue;
      }
      const metric = slotName(tag);
      const slot = metricSlot(metric);
      for (let i = 0; i < s.steps.length; i++) {
        const st = s.steps[i]!;
        const e = contiguous ? st : ordinal.get(st)!;
        table.setIn(e, slot, metric, s.values[i]!);
        if (!contiguous) table.setStep(e, st);
        const w = s.walls[i]!;
        if (!(lastWall.get(e)! >= w)) lastWall.set(e, w);
      }
    }
  }
  wallTimes(table, lastWall);
  const epochs = table.toEpochs();
  if (epochs.length && epochSeries && epochs[0]!.epoch > 0) {
    notes.push(`resumed run: first epoch ${epochs[0]!.epoch} (step ${epochs[0]!.step ?? '?'})`);
  }
  notes.push(...table.notes().map((n) => n.replace('for an epoch and metric', 'for a tag and step')));
  if (dropped.length) notes.push(`per-batch tags other than loss/lr not kept: ${dropped.join(', ')}`);
  if (decimated.length) notes.push(`long tags down-sampled: ${decimated.join(', ')}`);
  return { epochs, batches: batches.toBatches(), notes, ...(table.divergedAt !== undefined ? { divergedAt: table.divergedAt } : {}) };
}
