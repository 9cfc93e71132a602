import { describe, expect, it } from '@jest/globals';
import {
  buildRecord,
  computeOutcome,
  dedupeKey,
  deepFreeze,
  mergeOutcome,
  normalizeEpoch,
  scheduleFamilyOf,
  toJsonValue,
} from '../../../src/traces/record-utils.js';
import type { TraceEpoch } from '../../../src/traces/trace.js';

const e = (epoch: number, loss?: number, val_loss?: number, wallTimeMs?: number): TraceEpoch => ({
  epoch,
  metrics: {},
  ...(loss === undefined ? {} : { loss }),
  ...(val_loss === undefined ? {} : { val_loss }),
  ...(wallTimeMs === undefined ? {} : { wallTimeMs }),
});

describe('computeOutcome', () => {
  it.each([
    ['no epochs', [], { epochsRun: 0 }],
    ['loss only', [e(0, 2), e(1, 1), e(2, 1.5)], { epochsRun: 3, best: { name: 'loss', value: 1, epoch: 1, mode: 'min' }, final: { name: 'loss', value: 1.5, epoch: 2 } }],
    [
      'val_loss wins over loss',
      [e(0, 2, 3), e(1, 1, 2.5), e(2, 0.5, 2.7)],
      { epochsRun: 3, best: { name: 'val_loss', value: 2.5, epoch: 1, mode: 'min' }, final: { name: 'val_loss', value: 2.7, epoch: 2 } },
    ],
    ['ties keep the first epoch', [e(0, 1), e(1, 1)], { epochsRun: 2, best: { name: 'loss', value: 1, epoch: 0, mode: 'min' }, final: { name: 'loss', value: 1, epoch: 1 } }],
    [
      'val_loss missing in the last epoch: final is the last one that has it',
      [e(0, 1, 2), e(1, 0.5)],
      { epochsRun: 2, best: { name: 'val_loss', value: 2, epoch: 0, mode: 'min' }, final: { name: 'val_loss', value: 2, epoch: 0 } },
    ],
    [
      'wall time summed over the epochs that have it',
      [e(0, 1, undefined, 10), e(1, 1, undefined, 12.5), e(2, 1)],
      { epochsRun: 3, wallTimeMs: 22.5, best: { name: 'loss', value: 1, epoch: 0, mode: 'min' }, final: { name: 'loss', value: 1, epoch: 2 } },
    ],
    ['metrics only', [{ epoch: 0, metrics: { acc: 0.9 } }], { epochsRun: 1 }],
  ])('%s', (_name, epochs, expected) => {
    expect(computeOutcome(epochs as TraceEpoch[])).toMatchObject(expected);
    if (!('best' in expected)) expect(computeOutcome(epochs as TraceEpoch[]).best).toBeUndefined();
  });

  it('lets given fields win and checks the result against the schema', () => {
    expect(mergeOutcome([e(0, 1)], { epochsRun: 7, reason: 'pruned by median rule' })).toEqual({
      epochsRun: 7,
      reason: 'pruned by median rule',
      best: { name: 'loss', value: 1, epoch: 0, mode: 'min' },
      final: { name: 'loss', value: 1, epoch: 0 },
    });
    expect(() => mergeOutcome([], { epochsRun: -1 })).toThrow(/\/outcome\/epochsRun: expected a number >= 0/);
  });
});

describe('scheduleFamilyOf', () => {
  it.each([
    [{ family: 'cosine_decay', params: {} }, 'cosine_decay'],
    [{ class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1 } }, 'ExponentialDecay'],
    [{ torch: 'OneCycleLR', kwargs: { max_lr: 0.1 } }, 'OneCycleLR'],
    [{ optax: 'warmup_cosine_decay_schedule', kwargs: {} }, 'warmup_cosine_decay_schedule'],
    [{ fastai: 'fit_one_cycle' }, 'fit_one_cycle'],
    [{ fastai: { fn: 'x' } }, undefined],
    [undefined, undefined],
    ['cosine', undefined],
  ])('%j → %s', (spec, family) => {
    expect(scheduleFamilyOf(spec)).toBe(family);
  });
});

describe('dedupeKey', () => {
  it('is defined by importer, content hash and source key', () => {
    expect(dedupeKey({ importer: 'jsonl', contentHash: 'h' })).toBe(dedupeKey({ importer: 'jsonl', contentHash: 'h', file: 'elsewhere.jsonl', line: 9 }));
    expect(dedupeKey({ importer: 'jsonl', contentHash: 'h', sourceKey: 'a' })).not.toBe(dedupeKey({ importer: 'jsonl', contentHash: 'h', sourceKey: 'b' }));
    expect(dedupeKey({ importer: 'jsonl', contentHash: 'h' })).not.toBe(dedupeKey({ importer: 'keras-csv', contentHash: 'h' }));
    // No separator ambiguity: ("a|b", "c") and ("a", "b|c") differ.
    expect(dedupeKey({ importer: 'a|b', contentHash: 'c' })).not.toBe(dedupeKey({ importer: 'a', contentHash: 'b|c' }));
    expect(dedupeKey({ importer: 'jsonl' })).toBeUndefined();
  });
});

describe('normalisation', () => {
  it('drops non-finite epoch values and rejects unknown epoch fields', () => {
    expect(normalizeEpoch({ epoch: 3, loss: NaN, lr: 0.1, metrics: { a: Infinity, b: 1 } }, '/epochs/0', 'test')).toEqual({ epoch: 3, lr: 0.1, metrics: { b: 1 } });
    expect(normalizeEpoch({ epoch: 0 }, '/e', 'test')).toEqual({ epoch: 0, metrics: {} });
    expect(() => normalizeEpoch({ epoch: 0, acc: 0.5, metrics: {} }, '/epochs/2', 'appendEpochs')).toThrow(/appendEpochs: `\/epochs\/2\/acc` must be one of the epoch fields/);
    expect(() => normalizeEpoch({ epoch: 1.5, metrics: {} }, '/epochs/0', 't')).toThrow(/`\/epochs\/0\/epoch` must be an integer >= 0/);
  });

  it('copies JSON and names the pointer of what JSON cannot hold', () => {
    const src = { a: [1, { b: undefined, c: 'x' }], d: null };
    expect(toJsonValue(src, '', 't')).toEqual({ a: [1, { c: 'x' }], d: null });
    expect(() => toJsonValue({ a: { 'b/c': [0, NaN] } }, '/params', 't')).toThrow(/`\/params\/a\/b~1c\/1` must be a finite number/);
    expect(() => toJsonValue({ when: new Date(0) }, '', 't')).toThrow(/`\/when` must be a JSON value/);
  });

  it('builds a record: defaults, timestamps normalised, empty batches left out', () => {
    const r = buildRecord({ task: { id: 't' }, batches: [], status: 'completed', finishedAt: '2024-01-02T03:04:05Z', schedule: null }, 'running', 'importRun', '2024-05-05T00:00:00.000Z');
    expect(r).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      task: { id: 't' },
      epochs: [],
      status: 'completed',
      createdAt: '2024-05-05T00:00:00.000Z',
      updatedAt: '2024-05-05T00:00:00.000Z',
      finishedAt: '2024-01-02T03:04:05.000Z',
      outcome: { epochsRun: 0 },
    });
    expect(() => buildRecord({ task: { id: 't' }, status: 'completed', finishedAt: 'soon' }, 'running', 'importRun')).toThrow(/`\/finishedAt` must be an ISO-8601/);
  });

  it('deepFreeze freezes nested objects and arrays', () => {
    const o = deepFreeze({ a: [{ b: 1 }], c: { d: { e: 2 } } });
    expect(Object.isFrozen(o.a[0])).toBe(true);
    expect(Object.isFrozen(o.c.d)).toBe(true);
  });
});
