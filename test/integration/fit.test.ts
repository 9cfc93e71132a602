import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/container.js';
import { fit } from '../../src/fit/fit.js';
import { loadFitted } from '../../src/fit/model-io.js';
import { predictFile } from '../../src/fit/predict.js';
import { getStore } from '../../src/container.js';
import { corpusWinnersPolicy } from '../helpers/corpus-winners-policy.js';

const ANES = 'data/examples/anes96.csv';

/** anes96 split in two files by row parity: a training file and a test file with the same header. */
function splitFile(dir: string): { train: string; test: string } {
  const [header, ...rows] = readFileSync(ANES, 'utf8').trim().split('\n');
  const train = join(dir, 'train.csv');
  const test = join(dir, 'test.csv');
  writeFileSync(train, [header, ...rows.filter((_, i) => i % 5 !== 0)].join('\n'));
  writeFileSync(test, [header, ...rows.filter((_, i) => i % 5 === 0)].join('\n'));
  return { train, test };
}

describe('fit (library)', () => {
  it('budget 2 on real survey data: halving over the ranked candidates, the winner saved, predict reproduces its test metric', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metatune-fit-'));
    const { train, test } = splitFile(dir);
    const runtime = await createContainer({ cwd: dir });
    const store = await getStore('memory:');
    const out = join(dir, 'model');
    const events: string[] = [];
    const { summary } = await fit({
      data: train,
      target: 'vote',
      test,
      policy: corpusWinnersPolicy(),
      budget: 2,
      epochs: 10,
      seed: 3,
      out,
      store,
      runtime,
      backend: 'wasm',
      onEvent: (e) => void events.push(e.type),
    });
    expect(summary.kind).toBe('classification');
    expect(summary.classes).toEqual(['Clinton', 'Dole']);
    expect(summary.rows).toEqual({ train: 604, validation: 151, test: 189 });
    // 2 × 10 epochs: 4 candidates to epoch 2, 2 of them on to 5, 1 to 10 (4×2 + 2×3 + 1×5 = 19 epochs).
    expect(summary.budget.rungs).toEqual([
      { epochs: 2, entrants: 4, survivors: 2 },
      { epochs: 5, entrants: 2, survivors: 1 },
      { epochs: 10, entrants: 1, survivors: 1 },
    ]);
    expect(summary.budget.used).toBeLessThanOrEqual(2);
    expect(summary.budget.candidates.filter((c) => c.status === 'pruned')).toHaveLength(3);
    expect(summary.result.candidate.status).toBe('completed');
    expect(summary.result.candidate.epochs).toBe(10);
    // Party id and ideology predict the 1996 vote well: far above the 58 % majority class.
    const t = summary.result.test as { accuracy: number; auc: number; balancedAccuracy: number; macroF1: number };
    expect(t.accuracy).toBeGreaterThan(0.8);
    expect(t.auc).toBeGreaterThan(0.85);
    expect(events).toContain('rung');

    // Every candidate is a trace: 1 completed + 3 pruned.
    const runs = [];
    for await (const r of store.query({})) runs.push(r);
    expect(runs.map((r) => r.status).sort()).toEqual(['completed', 'pruned', 'pruned', 'pruned']);
    expect(runs.every((r) => r.task.metaFeatures?.['basic.rows'] === 604 + 151)).toBe(true);

    // predict: the saved model + preprocess.json give the same test metric.
    const predicted = await predictFile({ model: out, data: test });
    expect(predicted.metrics).toEqual(summary.result.test);
    const loaded = await loadFitted(out);
    expect(loaded.preprocess.columns!.map((c) => c.name)).toEqual(['popul', 'TVnews', 'selfLR', 'ClinLR', 'DoleLR', 'PID', 'age', 'educ', 'income']);
    loaded.model.dispose();
    await store.close();
  });
});
