/**
 * A tiny synthetic corpus whose right answers are known by construction, for the learner tests.
 *
 * 12 tasks in 6 parent datasets (2 variants each). Each task has a feature `probe.s` in [-3.5, -1.5]
 * and its best log10 learning rate is exactly `s` for the config `mlp/adam/constant`; regret grows
 * linearly with the distance |log10(lr) − s|. A second config, `linear/adam/constant`, is uniformly
 * worse by 0.3. So: best-default picks mlp/adam/constant at the rate best on average; lr-probe
 * should recover lr ≈ 10^s for a held-out task; kNN's median rate lands near 10^s too.
 */
import type { Candidate } from '../../src/meta/candidate.js';
import type { TrainingExample } from '../../src/meta/learner.js';

export const RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];

export function syntheticCandidates(): Candidate[] {
  const out: Candidate[] = [];
  for (const model of ['mlp', 'linear']) {
    for (const lr of RATES) {
      const id = `${model}/adam/constant@${lr.toExponential().replace(/\.0+e/, 'e').replace('e+', 'e')}`;
      out.push({ id, model, optimizer: { name: 'adam', learningRate: lr }, schedule: { family: 'constant', params: { learningRate: lr } } });
    }
  }
  return out;
}

export function bestLogRateOf(s: number): number {
  return s;
}

export function syntheticExamples(tasks = 12): TrainingExample[] {
  const cands = syntheticCandidates();
  const out: TrainingExample[] = [];
  for (let t = 0; t < tasks; t++) {
    const parent = `p${Math.floor(t / 2)}`;
    const s = -3.5 + (2 * t) / (tasks - 1);
    const features = { 'probe.s': s, 'basic.rows': 100 + 10 * t, 'basic.noise': ((t * 7) % 5) / 5 };
    for (const c of cands) {
      const dist = Math.abs(Math.log10(c.optimizer.learningRate) - s);
      const regret = Math.min(1, dist / 3 + (c.model === 'linear' ? 0.3 : 0));
      out.push({
        taskId: `${parent}~v${t % 2}`,
        parentDataset: parent,
        kind: 'classification',
        features,
        candidate: c,
        regret,
        outcome: { finalValLoss: 0.1 + regret, diverged: false, epochsRun: 5, curve: [1, 0.8, 0.5 + regret, 0.3 + regret, 0.1 + regret] },
      });
    }
  }
  return out;
}
