/**
 * `portfolio`: a greedy ordered list of candidates, each added for the largest drop in mean
 * min-regret over the training tasks (the learned-list idea of Metz et al. 2020, and auto-sklearn
 * 2.0's portfolio). Its first k entries are a tiny search for users who can afford k runs; its
 * first entry equals best-default's pick.
 */
import { checkArtifactLearner, newArtifact, requireExamples, requireTop } from '../../src/meta/artifact.js';
import { withoutHeldOut } from '../../src/meta/examples.js';
import { greedyPortfolio, PORTFOLIO_SIZE, type PortfolioEntry } from '../../src/meta/portfolio.js';
import type { Learner } from '../../src/meta/learner.js';
import type { Policy, PolicyArtifact, RankedCandidate } from '../../src/meta/policy.js';

interface Payload {
  readonly order: readonly PortfolioEntry[];
  readonly trainingTasks: number;
}

export const portfolioLearner: Learner = {
  id: 'portfolio',
  version: 1,
  description: 'A greedy ordered list of candidates minimising mean min-regret over the training tasks',
  needsFeatures: false,
  async fit(examples, candidates, options) {
    const train = withoutHeldOut(examples, options.holdOut);
    requireExamples(train, 'portfolio');
    const size = Number(options.config?.size ?? PORTFOLIO_SIZE);
    const order = greedyPortfolio(train, candidates, size);
    const used = new Set(order.map((o) => o.candidateId));
    return newArtifact(portfolioLearner, {
      examples: train,
      candidates: candidates.filter((c) => used.has(c.id)),
      options,
      config: { size },
      payload: { order, trainingTasks: new Set(train.map((e) => e.taskId)).size } satisfies Payload,
    });
  },
  load(artifact: PolicyArtifact): Policy {
    checkArtifactLearner(artifact, portfolioLearner);
    const payload = artifact.payload as Payload;
    const byId = new Map(artifact.candidates.map((c) => [c.id, c]));
    return {
      artifact,
      suggest(_task, options) {
        const top = requireTop(options?.top);
        const ranked: RankedCandidate[] = payload.order.slice(0, top).map((o, i) => ({
          candidate: byId.get(o.candidateId)!,
          expectedRegret: o.meanRegret,
          why: [
            i === 0
              ? `portfolio rank 1: lowest mean regret (${o.meanRegret.toFixed(3)}) over ${payload.trainingTasks} training tasks`
              : `portfolio rank ${i + 1}: trying the first ${i + 1} lowers the mean best-of regret to ${o.minRegretAfter.toFixed(3)} (from ${payload.order[i - 1]!.minRegretAfter.toFixed(3)})`,
          ],
        }));
        return {
          candidate: ranked[0]!.candidate,
          ranked,
          learner: { id: artifact.learner.id, version: artifact.learner.version },
          why: [`a learned list: each entry covers the training tasks the earlier ones did worst on; try the first k if you can afford k runs (the task's features are not used)`],
        };
      },
    };
  },
};
