/**
 * A small real policy for tests of `fit` that must not depend on the learners of [7/9]: it ranks
 * the corpus grid's candidates by how many corpus tasks each one won (the manifest's per-task
 * best), ties broken by grid order. Task-independent, like a crude portfolio. Not the product
 * default — `metatune fit` uses the learned default policy (data/policy/).
 */
import { corpusGrid } from '../../src/corpus/grid.js';
import { corpusManifest } from '../../src/corpus/read.js';
import type { Candidate } from '../../src/meta/candidate.js';
import type { Decision, Policy, PolicyArtifact } from '../../src/meta/policy.js';

export function corpusWinnersPolicy(options: { readonly featurizers?: readonly string[] } = {}): Policy {
  const manifest = corpusManifest();
  const wins = new Map<string, number>();
  for (const entry of Object.values(manifest.tasks)) {
    const id = entry.best?.candidateId;
    if (id) wins.set(id, (wins.get(id) ?? 0) + 1);
  }
  const grid = corpusGrid();
  const ranked: Candidate[] = grid
    .map((c, i) => ({ c, i, w: wins.get(c.id) ?? 0 }))
    .sort((a, b) => b.w - a.w || a.i - b.i)
    .map(({ c }) => ({ id: c.id, model: c.model, optimizer: c.optimizer, schedule: c.schedule }));
  const artifact: PolicyArtifact = {
    format: 'metatune-policy',
    formatVersion: 1,
    learner: { id: 'test-corpus-winners', version: 1 },
    featurizers: options.featurizers ?? ['basic'],
    candidates: ranked,
    createdAt: '2026-12-06T00:00:00.000Z',
    provenance: { source: `corpus:${manifest.gridHash}`, sourceHash: manifest.gridHash, trainingTasks: Object.keys(manifest.tasks), holdOut: [], examples: 0, seed: 0 },
    payload: { wins: Object.fromEntries(wins) },
  };
  return {
    artifact,
    suggest(_task, opts = {}): Decision {
      const top = opts.top ?? 1;
      const picks = ranked.slice(0, top).map((candidate, rank) => ({
        candidate,
        expectedRegret: rank / ranked.length,
        why: [`won ${wins.get(candidate.id) ?? 0} of ${Object.keys(manifest.tasks).length} corpus tasks`],
      }));
      return { candidate: picks[0]!.candidate, ranked: picks, why: ['ranked by corpus wins (test policy)'], learner: artifact.learner };
    },
  };
}
