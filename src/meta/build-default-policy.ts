/**
 * `npm run policy`: evaluates every registered learner leave-one-dataset-out on the bundled corpus,
 * chooses the one with the lowest mean regret (best-default unless another beats it with the 90 %
 * CI of the difference below zero — a learner that is only "not worse" does not replace the
 * simpler one), trains it on the whole corpus and writes data/policy/ with a manifest that says
 * which learner won, by how much, and what the others scored.
 *
 * CLI: node dist/src/meta/build-default-policy.js [--out dir] [--evaluation eval.json]
 * (`--evaluation` reuses the JSON of an earlier `metatune eval --json` on the same corpus instead of
 * evaluating again.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRuntime } from '../container.js';
import { corpusExamples } from './corpus-examples.js';
import { evaluateLeaveOneDatasetOut, type Evaluation } from './evaluate.js';
import type { Learner } from './learner.js';
import { writePolicy } from './policy-file.js';
import { bundledPolicyDir } from './suggest.js';
import { resolveBackend } from '../tfjs/backend.js';

export async function buildDefaultPolicy(outDir: string = bundledPolicyDir(), log: (l: string) => void = console.log, evaluationFile?: string): Promise<{ chosen: string }> {
  const runtime = defaultRuntime();
  const learners = runtime.contributions<Learner>('learners').map((c) => c.value);
  const src = await corpusExamples(runtime, { log });
  const ev: Evaluation = evaluationFile
    ? (JSON.parse(readFileSync(evaluationFile, 'utf8')) as Evaluation)
    : await evaluateLeaveOneDatasetOut({ learners, examples: src.examples, candidates: src.candidates, seed: 1, budgets: [2], log });
  const base = ev.summaries.find((s) => s.learner === 'best-default')!;
  const better = ev.summaries.filter((s) => s.diffToBestDefault && s.diffToBestDefault.hi < 0).sort((a, b) => a.mean - b.mean);
  const chosen = better[0] ?? base;
  const learner = learners.find((l) => l.id === chosen.learner)!;
  const scores = Object.fromEntries(ev.summaries.map((s) => [`${s.learner}.meanRegret`, s.mean]));
  const artifact = await learner.fit(src.examples, src.candidates, { seed: 1, provenance: { source: src.source, evaluation: scores } });
  writePolicy(outDir, artifact);
  const manifest = {
    chosen: chosen.learner,
    rule: 'lowest mean leave-one-dataset-out regret among learners whose 90 % paired-bootstrap CI of the difference to best-default lies below zero; best-default otherwise',
    corpus: src.source,
    tasks: ev.tasks.length,
    parentDatasets: ev.parents.length,
    evaluation: ev.summaries.map((s) => ({
      learner: s.learner,
      meanRegret: s.mean,
      medianRegret: s.median,
      top3: s.topK[3],
      budget2: s.budget?.[2],
      diffToBestDefault: s.diffToBestDefault,
      randomSearchEquivalent: Number.isFinite(s.randomSearchEquivalent) ? s.randomSearchEquivalent : '>64',
      winRateVsDefaults: s.winRateVsDefaults,
    })),
    pick: artifact.candidates.length ? (learner.load(artifact).suggest({ features: {} }, { top: 1 }).candidate.id) : undefined,
  };
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 1)}\n`);
  log(`chose ${chosen.learner} (mean regret ${chosen.mean.toFixed(3)}; best-default ${base.mean.toFixed(3)}); wrote ${outDir}`);
  return { chosen: chosen.learner };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const flag = (name: string) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  await resolveBackend();
  await buildDefaultPolicy(flag('--out'), console.log, flag('--evaluation'));
}
