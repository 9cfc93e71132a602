import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { createContainer, type MetatuneRuntime } from '../../src/container.js';
import { MetatuneError } from '../../src/core/errors.js';
import { registerFitCommand } from '../../src/cli/fit-command.js';
import { registerPredictCommand } from '../../src/cli/predict-command.js';
import { main } from '../../src/cli/main.js';

/** The learner `npm run policy` chose for the bundled default policy. */
const DEFAULT_POLICY_LEARNER: string = JSON.parse(readFileSync(new URL('../../data/policy/manifest.json', import.meta.url), 'utf8')).chosen;

const ANES = readFileSync('data/examples/anes96.csv', 'utf8').trim().split('\n');

let dir: string;
let runtime: MetatuneRuntime;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'metatune-fit-cli-'));
  runtime = await createContainer({ cwd: dir });
});

function write(name: string, lines: readonly string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The fit and predict commands as main() registers them, with the bundled default policy. */
async function run(args: readonly string[]): Promise<{ out: string; err: string; error?: MetatuneError }> {
  let out = '';
  let err = '';
  const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (err += s), cwd: dir };
  const program = new Command().exitOverride();
  registerFitCommand(program, { io, runtime: async () => runtime, isTTY: false });
  registerPredictCommand(program, io);
  try {
    await program.parseAsync(['node', 'metatune', ...args, ...(args[0] === 'fit' ? ['--store', 'memory:', '--backend', 'wasm'] : [])]);
    return { out, err };
  } catch (e) {
    if (!(e instanceof MetatuneError)) throw e;
    return { out, err, error: e };
  }
}

describe('metatune fit / predict (CLI)', () => {
  it('--compare --json: one summary with the suggestion, budget, both runs, gain and timings; predict writes the same predictions', async () => {
    const train = write('anes-train.csv', [ANES[0]!, ...ANES.slice(1).filter((_, i) => i % 4 !== 0)]);
    const test = write('anes-test.csv', [ANES[0]!, ...ANES.slice(1).filter((_, i) => i % 4 === 0)]);
    const { out, error } = await run(['fit', '--data', train, '--target', 'vote', '--test', test, '--epochs', '6', '--compare', '--json', '--out', 'm1', '--seed', '2']);
    expect(error).toBeUndefined();
    const s = JSON.parse(out);
    expect(s.backend).toBe('wasm');
    // The bundled default policy: the learner `npm run policy` chose (data/policy/manifest.json).
    expect(s.suggestion.learner.id).toBe(DEFAULT_POLICY_LEARNER);
    expect(s.suggestion.ranked[0].id).toBe(s.result.candidate.id);
    expect(s.suggestion.why.length + s.suggestion.ranked[0].why.length).toBeGreaterThan(0);
    expect(s.budget).toMatchObject({ requested: 1, planned: 1, used: 1 });
    expect(s.result.candidate.epochs).toBe(6);
    expect(s.tfjsDefaults.candidate.id).toBe('tfjs-defaults/mlp-medium/adam/constant@1e-3');
    expect(s.relativeGain.split).toBe('test');
    expect(s.relativeGain.metric).toBe('accuracy');
    for (const run of [s.result, s.tfjsDefaults]) {
      expect(run.test.accuracy).toBeGreaterThan(0.75);
      expect(run.test.auc).toBeGreaterThan(0.8);
      expect(run.trainSeconds).toBeGreaterThan(0);
    }
    expect(s.timings.totalSeconds).toBeGreaterThan(s.timings.trainSeconds);
    expect(s.out).toBe('m1');

    const p = await run(['predict', '--model', 'm1', '--data', test, '--out', 'preds.csv']);
    expect(p.error).toBeUndefined();
    expect(p.err).toMatch(/236 rows; the file has the target column: accuracy /);
    const preds = readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n');
    expect(preds[0]).toBe('prediction,p_Clinton,p_Dole');
    expect(preds).toHaveLength(237);
    const truth = ANES.slice(1).filter((_, i) => i % 4 === 0).map((l) => l.split(',')[9]);
    const acc = preds.slice(1).filter((l, i) => l.split(',')[0] === truth[i]).length / truth.length;
    expect(acc).toBeCloseTo(s.result.test.accuracy, 10);
  });

  it('the report: suggestion, budget, a side-by-side table and where the model went', async () => {
    const { out, error } = await run(['fit', '--data', join(process.cwd(), 'data/examples/anes96.csv'), '--target', 'vote', '--epochs', '2', '--out', 'm2']);
    expect(error).toBeUndefined();
    expect(out).toMatch(/target "vote": classification \(2 classes: Clinton, Dole\)/);
    expect(out).toMatch(new RegExp(`suggestion \\(${DEFAULT_POLICY_LEARNER}\\): `));
    expect(out).toMatch(/budget: 1 run\(s\), used 1\.00 — the top suggestion trained once/);
    expect(out).toMatch(/│ metatune fit +│/);
    expect(out).toMatch(/saved to m2\/ .*metatune predict --model m2 --data new\.csv/);
  });

  it('a class under 5 % of the rows: class weights (said), balanced accuracy picks at every rung', async () => {
    // Republicans (PID 5-6) who voted Clinton are rare (34 of 944): relabel them as a third class.
    const rows = ANES.slice(1).map((l) => {
      const cells = l.split(',');
      return Number(cells[5]) >= 5 && cells[9] === 'Clinton' ? [...cells.slice(0, 9), 'swing'].join(',') : l;
    });
    const swing = rows.filter((l) => l.endsWith(',swing')).length;
    expect(swing / rows.length).toBeLessThan(0.05);
    expect(swing).toBe(34);
    const file = write('rare.csv', [ANES[0]!, ...rows]);
    const { out, error } = await run(['fit', '--data', file, '--target', 'vote', '--budget', '2', '--epochs', '4', '--json', '--out', 'm4']);
    expect(error).toBeUndefined();
    const s = JSON.parse(out);
    expect(s.classes).toEqual(['Clinton', 'Dole', 'swing']);
    expect(s.selection.name).toBe('balancedAccuracy');
    expect(s.selection.classWeight.swing).toBeGreaterThan(5);
    expect(s.selection.classWeight.Clinton).toBeLessThan(1);
    expect(s.notes.join('\n')).toMatch(/a class holds under 5% of the training rows: training with class weights \(Clinton: 0\.\d\d, Dole: \d\.\d\d, swing: \d+\.\d\d\) and choosing by balanced accuracy/);
    expect(s.budget.candidates.filter((c: { status: string }) => c.status === 'pruned').length).toBeGreaterThan(0);
    expect(s.result.validation.balancedAccuracy).toBeGreaterThan(1 / 3);
  });

  describe('bad input: typed errors that say the fix', () => {
    it('a CSV without the target column', async () => {
      const { error } = await run(['fit', '--data', join(process.cwd(), 'data/examples/anes96.csv'), '--target', 'party']);
      expect(error?.code).toBe('TARGET_NOT_FOUND');
      expect(error?.message).toMatch(/target column "party" not found\. Columns: popul, TVnews, .*Fix: set "target"/);
    });

    it('--budget 0', async () => {
      const { error } = await run(['fit', '--data', 'x.csv', '--target', 'y', '--budget', '0']);
      expect(error?.code).toBe('INVALID_BUDGET');
      expect(error?.message).toMatch(/`--budget` must be a number >= 1 .*Received: --budget=0\..*Fix: use --budget 1/);
    });

    it('one class only', async () => {
      const file = write('one-class.csv', ['a,b,y', ...Array.from({ length: 30 }, (_, i) => `${i},${i % 7},yes`)]);
      const { error } = await run(['fit', '--data', file, '--target', 'y']);
      expect(error?.code).toBe('SINGLE_CLASS_TARGET');
      expect(error?.message).toMatch(/expected at least 2 classes, found 1 \(every row is "yes"\)\. Fix:/);
    });

    it('a text column with too many distinct values (an id) is refused with the cap and the fix', async () => {
      const file = write('ids.csv', ['name,x,y', ...Array.from({ length: 60 }, (_, i) => `person${i},${i},${i % 2}`)]);
      const { error } = await run(['fit', '--data', file, '--target', 'y']);
      expect(error?.code).toBe('TOO_MANY_LEVELS');
      expect(error?.message).toMatch(/column "name" holds text with 60 distinct values .*over the cap of 32\. Fix: drop the column.*--max-levels 60/);
    });

    it('a test file whose columns differ from the training file', async () => {
      const test = write('bad-test.csv', [ANES[0]!.replace('DoleLR', 'DoleScore').replace('income,', 'income,extra,'), ...ANES.slice(1, 20).map((l) => l.replace(/,(\w+)$/, ',0,$1'))]);
      const { error } = await run(['fit', '--data', join(process.cwd(), 'data/examples/anes96.csv'), '--target', 'vote', '--test', test]);
      expect(error?.code).toBe('COLUMNS_DIFFER');
      expect(error?.message).toMatch(/the columns differ from the training file's\. Missing: "DoleLR"\. Not in the training file: "DoleScore", "extra"\..*Fix:/);
    });

    it('an all-missing column is dropped and said; a small text column is one-hot encoded; predict needs neither to be perfect', async () => {
      const rows = ANES.slice(1, 301).map((l, i) => `${l.split(',').slice(0, 9).join(',')},NA,${['north', 'south', 'west'][i % 3]},${l.split(',')[9]}`);
      const file = write('with-empty.csv', ['popul,TVnews,selfLR,ClinLR,DoleLR,PID,age,educ,income,empty,region,vote', ...rows]);
      const { out, error } = await run(['fit', '--data', file, '--target', 'vote', '--epochs', '1', '--json', '--out', 'm3']);
      expect(error).toBeUndefined();
      const s = JSON.parse(out);
      expect(s.notes.join('\n')).toMatch(/dropped 1 constant column: "empty" \(missing\)/);
      expect(s.notes.join('\n')).toMatch(/one-hot encoded 1 text column: "region" \(3 levels\)/);
      expect(s.inputs).toBe(9 + 3);
      const spec = JSON.parse(readFileSync(join(dir, 'm3', 'preprocess.json'), 'utf8'));
      expect(spec.droppedColumns).toEqual(['empty']);
      expect(spec.columns.find((c: { name: string }) => c.name === 'region')).toEqual({ name: 'region', kind: 'text', levels: ['north', 'south', 'west'] });
      // predict without the dropped column, without the target, with an unseen region.
      const newRows = write('new.csv', ['popul,TVnews,selfLR,ClinLR,DoleLR,PID,age,educ,income,region', '0,7,7,1,6,6,36,3,1,east']);
      const p = await run(['predict', '--model', 'm3', '--data', newRows, '--json']);
      expect(p.error).toBeUndefined();
      expect(JSON.parse(p.out).predictions).toHaveLength(1);
      expect(p.err).toMatch(/1 text cell\(s\) held a value not seen in training/);
    });

    it('a model folder written by another version of the format', async () => {
      const spec = JSON.parse(readFileSync(join(dir, 'm2', 'preprocess.json'), 'utf8'));
      const other = join(dir, 'm-old');
      const { mkdirSync, copyFileSync } = await import('node:fs');
      mkdirSync(other, { recursive: true });
      for (const f of ['model.json', 'weights.bin']) copyFileSync(join(dir, 'm2', f), join(other, f));
      writeFileSync(join(other, 'preprocess.json'), JSON.stringify({ ...spec, formatVersion: 2, metatuneVersion: '9.0.0' }));
      const { error } = await run(['predict', '--model', other, '--data', join(process.cwd(), 'data/examples/anes96.csv')]);
      expect(error?.code).toBe('MODEL_VERSION_MISMATCH');
      expect(error?.message).toMatch(/written by metatune 9\.0\.0 with preprocess format 2; this metatune \(\d+\.\d+\.\d+\) reads format 1\. Fix: retrain with `metatune fit --out <dir>`/);
    });
  });

  it('through main(): a policy folder that does not exist is exit 1 with the fix', async () => {
    let err = '';
    const code = await main(['node', 'metatune', 'fit', '--data', 'data/examples/anes96.csv', '--target', 'vote', '--store', 'memory:', '--policy', join(dir, 'nowhere')], {
      stdout: () => undefined,
      stderr: (s) => void (err += s),
      cwd: process.cwd(),
    });
    expect(code).toBe(1);
    expect(err).toMatch(/error\[POLICY_NOT_FOUND\]: No policy at .*nowhere.*Fix: train one with `metatune train/);
  });
});
