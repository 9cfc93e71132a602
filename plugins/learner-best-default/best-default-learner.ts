/**
 * `best-default`: the one candidate with the lowest mean normalised regret over the training tasks
 * — the learned default every other learner must beat. Its ranked list is simply the candidates by
 * mean regret, so `--top k` gives the k best defaults.
 */
import { checkArtifactLearner, newArtifact, requireExamples, requireTop } from '../../src/meta/artifact.js';
import { withoutHeldOut } from '../../src/meta/examples.js';
import { rankByMeanRegret, type RankedDefault } from '../../src/meta/portfolio.js';
import type { Learner } from '../../src/meta/learner.js';
import type { Policy, PolicyArtifact, RankedCandidate } from '../../src/meta/policy.js';

interface Payload {
  readonly ranking: readonly RankedDefault[];
  readonly trainingTasks: number;
}

export const bestDefaultLearner: Learner = {
  id: 'best-default',
  version: 1,
  description: 'The single candidate with the lowest mean normalised regret over the training tasks',
  needsFeatures: false,
  async fit(examples, candidates, options) {
    const train = withoutHeldOut(examples, options.holdOut);
    requireExamples(train, 'best-default');
    const ranking = rankByMeanRegret(train, candidates);
    const used = new Set(ranking.map((r) => r.candidateId));
    return newArtifact(bestDefaultLearner, {
      examples: train,
      candidates: candidates.filter((c) => used.has(c.id)),
      options,
      payload: { ranking, trainingTasks: new Set(train.map((e) => e.taskId)).size } satisfies Payload,
    });
  },
  load(artifact: PolicyArtifact): Policy {
    checkArtifactLearner(artifact, bestDefaultLearner);
    const payload = artifact.payload as Payload;
    const byId = new Map(artifact.candidates.map((c) => [c.id, c]));
    return {
      artifact,
      suggest(_task, options) {
        const top = requireTop(options?.top);
        const ranked: RankedCandidate[] = payload.ranking.slice(0, top).map((r, i) => ({
          candidate: byId.get(r.candidateId)!,
          expectedRegret: r.meanRegret,
          uncertainty: r.stdRegret,
          why: [`rank ${i + 1} of ${payload.ranking.length} by mean regret ${r.meanRegret.toFixed(3)} (sd ${r.stdRegret.toFixed(3)}) over ${r.tasks} training tasks`],
        }));
        return {
          candidate: ranked[0]!.candidate,
          ranked,
          learner: { id: artifact.learner.id, version: artifact.learner.version },
          why: [`the same learned default for every task: lowest mean normalised regret over ${payload.trainingTasks} training tasks (the task's features are not used)`],
        };
      },
    };
  },
};
