/**
 * @jest-environment ./test/setup/onnx-environment.cjs
 */
import { readFileSync } from 'node:fs';
import { LcbenchSurrogate, SURROGATE_OUTPUTS, type LcbenchConfig } from '../../../bench/lcbench/surrogate.js';

interface FixtureCase {
  config: { OpenML_task_id: string; epoch: number; batch_size: number; learning_rate: number; momentum: number; weight_decay: number; num_layers: number; max_units: number; max_dropout: number };
  x_cat: number[][];
  x_cont: number[][];
  output: Record<string, number>;
}
const fixture = JSON.parse(readFileSync(new URL('../../fixtures/lcbench/surrogate_fixture.json', import.meta.url), 'utf8')) as { cases: FixtureCase[] };

/** The 24 reference pairs of the surrogate (computed outside onnxruntime): agreement to ~1e-4 relative. */
describe('LCBench surrogate (onnxruntime-node)', () => {
  let s: LcbenchSurrogate;
  beforeAll(async () => (s = await LcbenchSurrogate.load()));
  afterAll(async () => s.close());

  it('knows the 34 tasks', () => {
    expect(s.tasks).toHaveLength(34);
    expect(s.tasks).toContain('3945');
    expect(s.tasks).toContain('189909');
  });

  it('reproduces the 24 fixture pairs through the typed API', async () => {
    expect(fixture.cases).toHaveLength(24);
    const out = await s.predict(
      fixture.cases.map((c) => {
        const k = c.config;
        const config: LcbenchConfig = { batchSize: k.batch_size, learningRate: k.learning_rate, momentum: k.momentum, weightDecay: k.weight_decay, numLayers: k.num_layers, maxUnits: k.max_units, maxDropout: k.max_dropout };
        return { task: k.OpenML_task_id, epoch: k.epoch, config };
      }),
    );
    let worst = 0;
    fixture.cases.forEach((c, i) => {
      SURROGATE_OUTPUTS.forEach((name, j) => {
        const want = c.output[name]!;
        const got = out[i * 6 + j]!;
        worst = Math.max(worst, Math.abs(got - want) / Math.max(1e-6, Math.abs(want)));
      });
    });
    expect(worst).toBeLessThan(1e-3);
  });

  it('gives the same numbers from the raw x_cat / x_cont encoding of the fixture', async () => {
    const n = fixture.cases.length;
    const xCat = Int32Array.from(fixture.cases, (c) => c.x_cat[0]![0]!);
    const xCont = new Float32Array(n * 8);
    fixture.cases.forEach((c, i) => xCont.set(c.x_cont[0]!, i * 8));
    const out = await s.runRaw(xCat, xCont);
    expect(out[1]).toBeCloseTo(fixture.cases[0]!.output.val_accuracy!, 1);
    expect(out[2]).toBeCloseTo(fixture.cases[0]!.output.val_cross_entropy!, 3);
  });

  it('refuses an unknown task with the valid choices', async () => {
    const config: LcbenchConfig = { batchSize: 64, learningRate: 0.01, momentum: 0.9, weightDecay: 1e-4, numLayers: 2, maxUnits: 128, maxDropout: 0 };
    await expect(s.predict([{ task: '167083x', epoch: 1, config }])).rejects.toMatchObject({ code: 'UNKNOWN_TASK', message: expect.stringMatching(/Valid choices: 3945, 7593/) });
  });
});
