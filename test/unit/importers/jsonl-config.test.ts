import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonlImporter } from '../../../plugins/importer-jsonl/jsonl-importer.js';
import { importWith } from './helpers.js';

/** A run's configuration travels in `model_params`, `optimizer_params` and `schedule` (the LCBench logs use them). */
describe('jsonl importer: run configuration', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'mt-jsonl-config-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('puts model_params, optimizer_params and schedule on the trace; they are not metrics', async () => {
    const p = join(dir, 'cfg.jsonl');
    const schedule = { family: 'cosine_decay', params: { initialLearningRate: 0.01, decaySteps: '$totalSteps' } };
    writeFileSync(
      p,
      [
        { run: 'a', epoch: 0, val_loss: 0.9, model: 'lcbench-mlp', optimizer: 'momentum', model_params: { layers: 3, units: 256 }, optimizer_params: { learningRate: 0.01, momentum: 0.9 }, schedule },
        { run: 'a', epoch: 1, val_loss: 0.7 },
        { run: 'b', epoch: 0, val_loss: 1.2 },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n'),
    );
    const r = await importWith(jsonlImporter(), p);
    expect(r.rejections).toEqual([]);
    const a = r.runs.find((x) => x.provenance.sourceKey === 'a')!;
    expect(a.model).toEqual({ name: 'lcbench-mlp', params: { layers: 3, units: 256 } });
    expect(a.optimizer).toEqual({ className: 'momentum', hyperparameters: { learningRate: 0.01, momentum: 0.9 } });
    expect(a.schedule).toEqual(schedule);
    expect(a.epochs.map((e) => e.val_loss)).toEqual([0.9, 0.7]);
    expect(Object.keys(a.epochs[0]!.metrics)).toEqual([]);
    const b = r.runs.find((x) => x.provenance.sourceKey === 'b')!;
    expect(b.model).toBeUndefined();
    expect(b.schedule).toBeUndefined();
  });

  it('rejects a non-object configuration field with its line and field, keeping the other lines', async () => {
    const p = join(dir, 'bad.jsonl');
    writeFileSync(p, [{ run: 'a', epoch: 0, loss: 1, schedule: 'cosine' }, { run: 'a', epoch: 1, loss: 0.5, optimizer_params: { lr: [1] } }, { run: 'a', epoch: 2, loss: 0.4 }].map((r) => JSON.stringify(r)).join('\n'));
    const r = await importWith(jsonlImporter(), p);
    expect(r.rejections.map((x) => [x.line, x.field, x.code, x.expected])).toEqual([
      [1, 'schedule', 'SCHEMA_MISMATCH', 'a JSON object'],
      [2, 'optimizer_params', 'SCHEMA_MISMATCH', 'an object of numbers, strings or booleans'],
    ]);
    expect(r.runs[0]!.epochs.map((e) => e.epoch)).toEqual([2]);
  });
});
