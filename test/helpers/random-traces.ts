/**
 * Seeded random traces for the round-trip property tests: every field a TraceRecord can have,
 * in many combinations — all statuses (with reasons), runs without epochs, running runs,
 * batches, provenance with notes, odd ids and keys, extreme numbers — written into a store
 * through the store's own API (so the records are what a store really holds).
 */
import type { TraceStore } from '../../src/traces/store.js';
import type { NewTrace, RunStatus, TraceBatch, TraceEpoch, TraceRecord } from '../../src/traces/trace.js';

/** mulberry32: small, fast, seeded. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD = ['iris', 'digits~noise10', 'ünïcödé/τask', 'with "quotes"', 'back\\slash', 'tab\tand\nnewline', '__proto__x', '   spaced  '];
const NUMBERS = [0, 1, -1, 0.1, 1e-7, 5e-324, 1.7976931348623157e308, 1e300, -2.5e-12, 123456789.123456789, 2 ** 53 - 1];

export function randomTraceInputs(seed: number, n: number): Array<{ kind: 'import' | 'live'; run: NewTrace; finish?: Exclude<RunStatus, 'running'>; reason?: string }> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = (p = 0.5) => r() < p;
  const num = () => (maybe(0.2) ? pick(NUMBERS) : Number((r() * (maybe() ? 10 : 0.01)).toPrecision(1 + Math.floor(r() * 17))));
  const out: Array<{ kind: 'import' | 'live'; run: NewTrace; finish?: Exclude<RunStatus, 'running'>; reason?: string }> = [];
  for (let i = 0; i < n; i++) {
    const nEpochs = maybe(0.2) ? 0 : 1 + Math.floor(r() * 12);
    const epochs: TraceEpoch[] = [];
    for (let e = 0; e < nEpochs; e++) {
      const metrics: Record<string, number> = {};
      if (maybe(0.7)) metrics.acc = r();
      if (maybe(0.3)) metrics[pick(['val_acc', 'mae', 'weird key.with/dots', 'ключ'])] = num();
      epochs.push({
        epoch: e + (maybe(0.1) ? 100 : 0) * (e > 0 ? 1 : 0),
        ...(maybe(0.7) ? { step: (e + 1) * 17 } : {}),
        ...(maybe(0.8) ? { lr: Math.abs(num()) } : {}),
        ...(maybe(0.9) ? { loss: num() } : {}),
        ...(maybe(0.6) ? { val_loss: num() } : {}),
        ...(maybe(0.4) ? { wallTimeMs: Math.floor(r() * 1e5) } : {}),
        metrics,
      });
    }
    // epochs must be strictly increasing: rebuild numbers when the jump above made a collision
    const seen = new Set<number>();
    const epochsUnique = epochs.filter((e) => !seen.has(e.epoch) && (seen.add(e.epoch), true));
    const batches: TraceBatch[] | undefined = maybe(0.2) ? Array.from({ length: 1 + Math.floor(r() * 5) }, (_, k) => ({ step: k * 3, ...(maybe() ? { lr: Math.abs(num()) } : {}), ...(maybe() ? { loss: num() } : {}) })) : undefined;
    const taskId = pick(ODD);
    const run: NewTrace = {
      task: {
        id: taskId,
        ...(maybe() ? { name: `${taskId} task` } : {}),
        ...(maybe() ? { kind: pick(['classification', 'regression', 'unknown'] as const) } : {}),
        ...(maybe() ? { parentDataset: pick(['iris', 'digits', 'wine']) } : {}),
        ...(maybe(0.3) ? { metaFeatures: { rows: Math.floor(r() * 1e4), features: Math.floor(r() * 100), entropy: num() } } : {}),
        ...(maybe(0.2) ? { dataRef: 'data/x.csv' } : {}),
      },
      ...(maybe(0.7) ? { model: maybe() ? { zooId: pick(['mlp-small', 'mlp-wide', 'cnn-tiny']), params: { units: [16, 8], dropout: num() } } : { name: pick(['resnet18', 'my model']) } } : {}),
      ...(maybe(0.7)
        ? { optimizer: { className: pick(['Adam', 'SGD', 'torch.optim.AdamW']), ...(maybe() ? { hyperparameters: { learningRate: num(), beta1: 0.9, amsgrad: maybe(), name: 'x', nothing: null } } : {}) } }
        : {}),
      ...(maybe(0.7)
        ? {
            schedule: pick([
              { family: 'cosine_decay', params: { initialLearningRate: num(), decaySteps: 100, alpha: 0 } },
              { family: 'piecewise_constant', params: { boundaries: [10, 20], values: [0.1, 0.01, 0.001] } },
              { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.9, staircase: true } },
              { torch: 'OneCycleLR', max_lr: 0.1, total_steps: 100 },
            ]),
          }
        : {}),
      epochs: epochsUnique,
      ...(batches ? { batches } : {}),
      ...(maybe(0.4) ? { environment: { backend: pick(['cpu', 'wasm', 'tensorflow']), tfjsVersion: '4.22.0', ...(maybe() ? { host: 'box-1' } : {}) } } : {}),
    };
    if (maybe(0.6)) {
      const status = pick(['completed', 'completed', 'diverged', 'pruned', 'failed', 'incomplete'] as const);
      out.push({
        kind: 'import',
        run: {
          ...run,
          status,
          ...(status !== 'completed' ? { outcome: { epochsRun: epochsUnique.length, reason: pick(['non-finite loss at epoch 3', 'pruned by ASHA at rung 1', 'worker died: SIGKILL']) } } : {}),
          ...(maybe(0.3) ? { finishedAt: new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 3e10)).toISOString() } : {}),
          provenance: {
            importer: pick(['keras-csv', 'tfevents', 'optuna-journal', 'mlflow', 'jsonl']),
            file: `/logs/${i}/run.log`,
            ...(maybe() ? { line: 1 + Math.floor(r() * 1000) } : { byteOffset: Math.floor(r() * 1e6) }),
            contentHash: `sha256-${seed}-${i}`,
            sourceKey: maybe() ? `trial-${i}` : `${i}`,
            ...(maybe(0.4) ? { notes: ['row order used as epoch', 'duplicate step 3: last value kept'] } : {}),
          },
        },
      });
    } else {
      const finish = maybe(0.8) ? pick(['completed', 'diverged', 'pruned', 'failed'] as const) : undefined;
      out.push({ kind: 'live', run, ...(finish ? { finish } : {}), ...(finish && finish !== 'completed' ? { reason: 'stopped: loss became NaN' } : {}) });
    }
  }
  return out;
}

/** Writes the random traces into `store` through its API; returns the stored records in query order. */
export async function fillStore(store: TraceStore, seed: number, n: number): Promise<TraceRecord[]> {
  const inputs = randomTraceInputs(seed, n);
  const imports = inputs.filter((x) => x.kind === 'import').map((x) => x.run);
  await store.importRuns(imports);
  for (const x of inputs) {
    if (x.kind !== 'live') continue;
    const { epochs, batches, ...rest } = x.run;
    const created = await store.createRun(rest);
    if (epochs?.length) await store.appendEpochs(created.id, epochs);
    if (batches?.length) await store.appendBatches(created.id, batches);
    if (x.finish) await store.finishRun(created.id, x.finish, { epochsRun: epochs?.length ?? 0, ...(x.reason ? { reason: x.reason } : {}) });
  }
  await store.putPolicy('meta/rank-v1', { kind: 'knn', k: 5, weights: [0.25, 0.5, 0.25], note: 'ünïcödé' });
  await store.putPolicy('z-last', [1, 2, 3]);
  const out: TraceRecord[] = [];
  for await (const r of store.query()) out.push(r);
  return out;
}
