/**
 * schemas/trace.schema.json and task.schema.json against src/traces/trace.ts: a record with every
 * optional field validates, the schema has exactly the TypeScript fields (no more, no fewer), and
 * bad records fail with a JSON pointer to the bad field.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { schemaProblems, validateDocument } from '../../../src/core/json-validation.js';
import type { TaskRef, TraceBatch, TraceEpoch, TraceOutcome, TraceProvenance, TraceRecord, TraceEnvironment, ModelRef, OptimizerRef } from '../../../src/traces/trace.js';

const trace = JSON.parse(readFileSync(new URL('../../../schemas/trace.schema.json', import.meta.url), 'utf8'));
const task = JSON.parse(readFileSync(new URL('../../../schemas/task.schema.json', import.meta.url), 'utf8'));

// `Required<…>` makes the compiler insist that every optional field is present: when trace.ts gains
// a field, this file stops compiling until the fixture (and so the key comparison below) has it.
const fullTask: Required<TaskRef> = {
  id: 'iris-noisy-10',
  name: 'Iris with 10% label noise',
  kind: 'classification',
  parentDataset: 'iris',
  metaFeatures: { rows: 150, features: 4, classes: 3, classEntropy: 1.585 },
  dataRef: 'data/datasets/iris.csv',
};
const fullEpoch: Required<TraceEpoch> = { epoch: 0, step: 5, lr: 0.01, loss: 1.1, val_loss: 1.2, metrics: { acc: 0.4, val_acc: 0.35 }, wallTimeMs: 120.5 };
const fullBatch: Required<TraceBatch> = { step: 3, lr: 0.01, loss: 1.3 };
const fullModel: Required<ModelRef> = { zooId: 'mlp-small', name: 'MLP 16-8', params: { units: [16, 8], activation: 'relu' } };
const fullOptimizer: Required<OptimizerRef> = { className: 'Adam', hyperparameters: { learningRate: 0.01, beta1: 0.9, amsgrad: false, name: 'adam', clipnorm: null } };
const fullOutcome: Required<TraceOutcome> = {
  best: { name: 'val_loss', value: 1.2, epoch: 0, mode: 'min' },
  final: { name: 'val_loss', value: 1.2, epoch: 0 },
  epochsRun: 1,
  wallTimeMs: 120.5,
  reason: 'loss became NaN at step 12',
};
const fullEnvironment: Required<TraceEnvironment> = { backend: 'wasm', tfjsVersion: '4.22.0', framework: 'tfjs', host: 'ci-runner' };
const fullProvenance: Required<TraceProvenance> = {
  importer: 'keras-csv',
  file: 'logs/keras/training.log',
  line: 2,
  byteOffset: 57,
  contentHash: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  sourceKey: 'run-1',
  notes: ['every row has epoch 0: row order is used as the epoch'],
};
const fullRecord: Required<TraceRecord> = {
  id: '5f0c2a4e-3b1d-4c8e-9a7f-2d6b1e0c9a11',
  task: fullTask,
  model: fullModel,
  optimizer: fullOptimizer,
  schedule: { family: 'cosine_decay', params: { initialLearningRate: 0.01, decaySteps: 100 } },
  epochs: [fullEpoch, { epoch: 1, metrics: {} }],
  batches: [fullBatch],
  status: 'completed',
  outcome: fullOutcome,
  environment: fullEnvironment,
  provenance: fullProvenance,
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T10:05:00.000Z',
  finishedAt: '2024-05-01T10:05:00.000Z',
};

const keys = (o: object) => Object.keys(o).sort();
const props = (schema: { properties?: object }) => keys(schema.properties ?? {});

function withChange(change: (r: Record<string, any>) => void): unknown {
  const copy = structuredClone(fullRecord) as Record<string, any>;
  change(copy);
  return copy;
}

describe('trace and task schemas', () => {
  it('have the $ids other schemas refer to', () => {
    expect(trace.$id).toBe('https://metatune.dev/schemas/trace.schema.json');
    expect(task.$id).toBe('https://metatune.dev/schemas/task.schema.json');
    expect(trace.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('accept a record with every optional field, and a minimal one', () => {
    expect(validateDocument('trace', fullRecord)).toBe(fullRecord);
    expect(schemaProblems('trace', { id: 'r', task: { id: 't' }, epochs: [], status: 'running', createdAt: fullRecord.createdAt, updatedAt: fullRecord.updatedAt })).toEqual([]);
    expect(schemaProblems('task', fullTask)).toEqual([]);
  });

  it('declare exactly the fields of trace.ts', () => {
    expect(props(trace)).toEqual(keys(fullRecord));
    expect(props(task)).toEqual(keys(fullTask));
    expect(props(trace.$defs.epoch)).toEqual(keys(fullEpoch));
    expect(props(trace.$defs.batch)).toEqual(keys(fullBatch));
    expect(props(trace.$defs.outcome)).toEqual(keys(fullOutcome));
    expect(props(trace.$defs.outcome.properties.best)).toEqual(keys(fullOutcome.best));
    expect(props(trace.$defs.metricSummary)).toEqual(keys(fullOutcome.final));
    expect(props(trace.$defs.provenance)).toEqual(keys(fullProvenance));
    expect(props(trace.properties.environment)).toEqual(keys(fullEnvironment));
    expect(props(trace.properties.model)).toEqual(keys(fullModel));
    expect(props(trace.properties.optimizer)).toEqual(keys(fullOptimizer));
    expect(trace.properties.status.enum).toEqual(['running', 'completed', 'diverged', 'pruned', 'failed', 'incomplete']);
    expect(trace.required.sort()).toEqual(['createdAt', 'epochs', 'id', 'status', 'task', 'updatedAt']);
  });

  it.each([
    ['unknown status', (r: any) => (r.status = 'done'), '/status', /one of "running"/],
    ['negative epoch', (r: any) => (r.epochs[0].epoch = -1), '/epochs/0/epoch', />= 0/],
    ['fractional step', (r: any) => (r.epochs[0].step = 1.5), '/epochs/0/step', /integer/],
    ['string metric', (r: any) => (r.epochs[1].metrics.acc = '0.9'), '/epochs/1/metrics/acc', /number/],
    ['epoch without metrics', (r: any) => delete r.epochs[1].metrics, '/epochs/1/metrics', /required/],
    ['task without id', (r: any) => delete r.task.id, '/task/id', /required/],
    ['empty task id', (r: any) => (r.task.id = ''), '/task/id', /non-empty/],
    ['unknown task kind', (r: any) => (r.task.kind = 'ranking'), '/task/kind', /"classification"/],
    ['non-numeric meta-feature', (r: any) => (r.task.metaFeatures.rows = 'many'), '/task/metaFeatures/rows', /number/],
    ['unknown top-level field', (r: any) => (r.colour = 'red'), '/colour', /unknown property/],
    ['bad createdAt', (r: any) => (r.createdAt = 'yesterday'), '/createdAt', /date-time/],
    ['object hyperparameter', (r: any) => (r.optimizer.hyperparameters.beta = { a: 1 }), '/optimizer/hyperparameters/beta', /number or string or boolean or null/],
    ['optimizer without class', (r: any) => delete r.optimizer.className, '/optimizer/className', /required/],
    ['best mode', (r: any) => (r.outcome.best.mode = 'avg'), '/outcome/best/mode', /"min", "max"/],
    ['extra field in final', (r: any) => (r.outcome.final.mode = 'min'), '/outcome/final', /mode|unevaluated/],
    ['provenance without importer', (r: any) => delete r.provenance.importer, '/provenance/importer', /required/],
    ['negative byte offset', (r: any) => (r.provenance.byteOffset = -3), '/provenance/byteOffset', />= 0/],
    ['batch without step', (r: any) => delete r.batches[0].step, '/batches/0/step', /required/],
    ['negative lr', (r: any) => (r.epochs[0].lr = -0.1), '/epochs/0/lr', />= 0/],
  ])('rejects %s with a pointer', (_name, change, pointer, expected) => {
    const problems = schemaProblems('trace', withChange(change), { file: 'run.json' });
    expect(problems.length).toBeGreaterThan(0);
    const hit = problems.find((p) => p.pointer === pointer || p.pointer.startsWith(`${pointer}/`));
    expect(hit).toBeDefined();
    expect(`${hit!.expected} ${hit!.found}`).toMatch(expected);
    expect(hit!.file).toBe('run.json');
  });
});
