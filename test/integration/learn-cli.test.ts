/**
 * `metatune train / suggest / eval` end to end on the bundled corpus and default policy, plus the
 * bad inputs the issue lists (unknown learner, empty store, --top 0, a policy of another version,
 * corrupted weights).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import { writePolicy, readPolicy } from '../../src/meta/policy-file.js';
import { syntheticCandidates, syntheticExamples } from '../helpers/synthetic-corpus.js';
import { lrProbeLearner } from '../../plugins/learner-lr-probe/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'metatune', ...args], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: root });
  return { code, stdout, stderr };
}

const tmp = mkdtempSync(join(tmpdir(), 'metatune-learn-cli-'));

test('train best-default from the corpus, then suggest with it: a valid spec with reasons', async () => {
  const out = join(tmp, 'bd');
  const t = await run('train', '--learner', 'best-default', '--from', 'corpus', '--out', out);
  expect(t.code).toBe(0);
  expect(t.stdout).toMatch(/^trained best-default on \d+ runs of \d+ tasks \(\d+ candidates\) from corpus/);
  const policy = JSON.parse(readFileSync(join(out, 'policy.json'), 'utf8'));
  expect(policy).toMatchObject({ format: 'metatune-policy', formatVersion: 1, learner: { id: 'best-default' } });
  const s = await run('suggest', '--task', 'iris', '--policy', out, '--top', '2', '--json');
  expect(s.code).toBe(0);
  const d = JSON.parse(s.stdout);
  expect(d.ranked).toHaveLength(2);
  expect(d.candidate.optimizer.learningRate).toBeGreaterThan(0);
  expect(d.why[0]).toMatch(/same learned default for every task/);
});

test('suggest with the bundled default policy prints a table and the spec for lrScheduler', async () => {
  const s = await run('suggest', '--task', 'wine', '--top', '1');
  expect(s.code).toBe(0);
  expect(s.stdout).toMatch(/^task wine \(classification, 178 rows, 13 features\) — policy [a-z-]+ v\d/);
  expect(s.stdout).toMatch(/schedule spec of #1 \(for lrScheduler\): \{"family":/);
});

test('eval: best-default and portfolio side by side with random search and tfjs defaults, markdown + HTML report', async () => {
  const report = join(tmp, 'report.html');
  const e = await run('eval', '--learner', 'portfolio', '--budget', '2', '--report', report);
  expect(e.code).toBe(0);
  expect(e.stdout).toMatch(/^Leave-one-dataset-out over \d+ parent datasets/);
  expect(e.stdout).toMatch(/\| best-default \| 0\.\d{3} \| 0\.\d{3} \|/);
  expect(e.stdout).toMatch(/\| portfolio \| 0\.\d{3} \| .* \| [+-]0\.\d{3} \[[+-]0\.\d{3}, [+-]0\.\d{3}\] \|/);
  expect(e.stdout).toMatch(/Random search \(expected min regret of k random candidates\): k=1: 0\.\d{3}/);
  expect(readFileSync(report, 'utf8')).toMatch(/<svg/);
});

describe('bad input', () => {
  test('an unknown learner lists the valid ones', async () => {
    const r = await run('train', '--learner', 'oracle', '--out', join(tmp, 'x'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[UNKNOWN_LEARNER\]: No learner "oracle" is registered\. Valid choices: .*best-default.*knn/);
  });

  test('an empty store: NO_TRAINING_EXAMPLES with the fix', async () => {
    const r = await run('train', '--learner', 'best-default', '--from', 'memory:', '--out', join(tmp, 'y'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[NO_TRAINING_EXAMPLES\]: --from memory:: no usable runs .*Fix: import runs first/);
  });

  test('--top 0 is refused', async () => {
    const r = await run('suggest', '--task', 'iris', '--top', '0');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[INVALID_PARAMETER\]: `--top` must be an integer >= 1\. Received: --top="0"/);
  });

  test('a policy of another major version: POLICY_VERSION with the fix', async () => {
    const dir = join(tmp, 'v2');
    writePolicy(dir, await lrProbeLearner.fit(syntheticExamples(), syntheticCandidates(), { seed: 1 }));
    const doc = JSON.parse(readFileSync(join(dir, 'policy.json'), 'utf8'));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify({ ...doc, formatVersion: 2 }));
    const r = await run('suggest', '--task', 'iris', '--policy', dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[POLICY_VERSION\]: .*policy\.json: policy format version 2, but this metatune reads version 1\. Fix: retrain it/);
  });

  test('corrupted weights: POLICY_WEIGHTS_CORRUPT names the file, sizes and hashes', () => {
    const dir = join(tmp, 'w');
    const weights = Array.from({ length: 300 }, (_, i) => i / 7);
    const artifact = { format: 'metatune-policy', formatVersion: 1, learner: { id: 'x', version: 1 }, featurizers: [], candidates: [], createdAt: 'now', provenance: { source: 's', sourceHash: 'h', trainingTasks: [], holdOut: [], examples: 0, seed: 1 }, payload: { weights } } as const;
    writePolicy(dir, artifact as never);
    const back = readPolicy(dir) as unknown as { payload: { weights: number[] } };
    expect(back.payload.weights).toHaveLength(300);
    expect(back.payload.weights[7]).toBeCloseTo(1, 6);
    const buf = readFileSync(join(dir, 'weights.bin'));
    buf[10] ^= 0xff;
    writeFileSync(join(dir, 'weights.bin'), buf);
    expect(() => readPolicy(dir)).toThrow(expect.objectContaining({ code: 'POLICY_WEIGHTS_CORRUPT', message: expect.stringMatching(/weights\.bin: expected 1200 bytes with sha256 [0-9a-f]{12}…, found 1200 bytes with sha256 [0-9a-f]{12}…\. Fix: restore/) }));
  });
});
