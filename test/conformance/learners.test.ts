/**
 * Every registered learner passes the same assertions (Optuna-style conformance suite): fit is
 * deterministic, an artifact written to disk and read back gives the same suggestions, held-out
 * parents are never used, `top` is honoured, and suggestions are valid candidates.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContainer } from '../../src/container.js';
import type { Learner } from '../../src/meta/learner.js';
import { readPolicy, writePolicy } from '../../src/meta/policy-file.js';
import { syntheticCandidates, syntheticExamples } from '../helpers/synthetic-corpus.js';

// Built-ins and a third-party learner (test/fixtures/plugins/learner-fixture), loaded as --plugin would.
const runtime = await createContainer({ plugins: ['./test/fixtures/plugins/learner-fixture'], configFile: false });
const learners = runtime.contributions<Learner>('learners').map((c) => c.value);
const examples = syntheticExamples();
const candidates = syntheticCandidates();
const heldOutTask = examples.find((e) => e.parentDataset === 'p2')!;

test('the built-in learners are registered', () => {
  expect(learners.map((l) => l.id).sort()).toEqual(expect.arrayContaining(['best-default', 'knn', 'lr-probe', 'portfolio', 'most-wins']));
});

describe.each(learners.map((l) => [l.id, l] as const))('learner %s', (_id, learner) => {
  test('fit is deterministic: the same examples and seed give the same artifact', async () => {
    const a = await learner.fit(examples, candidates, { seed: 3 });
    const b = await learner.fit([...examples].reverse(), candidates, { seed: 3 });
    expect(JSON.stringify(b.payload)).toBe(JSON.stringify(a.payload));
  });

  test('a policy written to disk and read back suggests the same, bit for bit', async () => {
    const artifact = await learner.fit(examples, candidates, { seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'metatune-policy-'));
    writePolicy(dir, artifact);
    const first = readFileSync(join(dir, 'policy.json'));
    const back = readPolicy(dir);
    writePolicy(dir, back);
    expect(readFileSync(join(dir, 'policy.json')).equals(first)).toBe(true);
    const task = { features: heldOutTask.features };
    expect(learner.load(back).suggest(task, { top: 3 })).toEqual(learner.load(artifact).suggest(task, { top: 3 }));
  });

  test('held-out parents are never used: holdOut gives the same policy as removing them', async () => {
    const viaOption = await learner.fit(examples, candidates, { seed: 1, holdOut: ['p2'] });
    const filtered = await learner.fit(examples.filter((e) => e.parentDataset !== 'p2'), candidates, { seed: 1 });
    expect(viaOption.provenance.trainingTasks.some((t) => t.startsWith('p2'))).toBe(false);
    expect(JSON.stringify(viaOption.payload)).toBe(JSON.stringify(filtered.payload));
    expect(viaOption.provenance.holdOut).toEqual(['p2']);
  });

  test('top-k: distinct valid candidates, best first, expected regret on the 0..1 scale', async () => {
    const policy = learner.load(await learner.fit(examples, candidates, { seed: 1, holdOut: ['p2'] }));
    const d = policy.suggest({ features: heldOutTask.features }, { top: 3 });
    expect(d.ranked.length).toBeGreaterThanOrEqual(1);
    expect(d.ranked.length).toBeLessThanOrEqual(3);
    expect(d.candidate).toBe(d.ranked[0]!.candidate);
    expect(new Set(d.ranked.map((r) => r.candidate.id)).size).toBe(d.ranked.length);
    for (const r of d.ranked) {
      expect(['mlp', 'linear']).toContain(r.candidate.model);
      expect(r.candidate.optimizer.learningRate).toBeGreaterThan(0);
      expect(r.why.length).toBeGreaterThan(0);
      if (Number.isFinite(r.expectedRegret)) expect(r.expectedRegret).toBeGreaterThanOrEqual(0);
    }
    expect(d.learner.id).toBe(learner.id);
    expect(() => policy.suggest({ features: heldOutTask.features }, { top: 0 })).toThrow(/`top` must be an integer ≥ 1\. Received: top=0/);
  });

  test('another learner\'s artifact is refused with POLICY_LEARNER_MISMATCH', async () => {
    const other = learners.find((l) => l.id !== learner.id)!;
    const artifact = await other.fit(examples, candidates, { seed: 1 });
    expect(() => learner.load(artifact)).toThrow(expect.objectContaining({ code: 'POLICY_LEARNER_MISMATCH' }));
  });

  test('no examples is NO_TRAINING_EXAMPLES', async () => {
    await expect(learner.fit([], candidates, { seed: 1 })).rejects.toMatchObject({ code: 'NO_TRAINING_EXAMPLES' });
  });
});
