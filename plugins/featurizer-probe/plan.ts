/**
 * Sizing of the learning-rate probe so that it costs at most `budgetFraction` of one reference
 * training run (the sweep's default: `referenceEpochs` epochs over the training rows).
 *
 * Cost unit: one row through the network ("sample pass"). A reference run costs
 * `referenceEpochs × nTrain` sample passes (forward + backward), i.e. `referenceEpochs ×
 * ceil(nTrain / 32)` steps of batch 32. The probe's training rows count the same; its
 * forward-only loss evaluations are counted as full passes too (they cost about a third), so the
 * bound is conservative. The probe network is also smaller than any zoo MLP but `linear`, which
 * the count ignores (again conservative).
 *
 * With L learning rates, S steps of batch b per rate, and E evaluation rows measured once before
 * and once after each rate: cost = L·S·b + (L + 1)·E. A quarter of the budget goes to evaluation
 * (E ≤ 64), the rest to training (b ≤ 32, S ≤ 10); small tasks get smaller batches first, then
 * fewer steps. Below ~(2L + 1) / (budgetFraction × epochs) training rows nothing fits: S = 0 and
 * the probe reports neutral values (ratio 1, no divergence).
 */
export interface ProbePlanArgs {
  readonly learningRates: number;
  readonly maxSteps: number;
  readonly maxBatchSize: number;
  readonly maxEvalRows: number;
  readonly budgetFraction: number;
  readonly referenceEpochs: number;
  readonly referenceBatchSize: number;
}

export interface ProbePlan {
  /** Optimizer steps per learning rate. */
  readonly steps: number;
  readonly batchSize: number;
  readonly evalRows: number;
  /** Sample passes the probe may use: floor(budgetFraction × referenceEpochs × nTrain). */
  readonly budgetSamples: number;
  /** Sample passes the plan uses: L·S·b + (L + 1)·E. */
  readonly probeSamples: number;
  /** Optimizer steps of the probe, all rates: L·S. */
  readonly probeSteps: number;
  /** The reference run: referenceEpochs × nTrain sample passes in referenceEpochs × ceil(nTrain / batch) steps. */
  readonly referenceSamples: number;
  readonly referenceSteps: number;
  /** probeSamples / referenceSamples (≤ budgetFraction). */
  readonly fraction: number;
}

export function planProbe(nTrain: number, a: ProbePlanArgs): ProbePlan {
  const L = a.learningRates;
  const referenceSamples = a.referenceEpochs * nTrain;
  const referenceSteps = a.referenceEpochs * Math.ceil(nTrain / a.referenceBatchSize);
  const budgetSamples = Math.floor(a.budgetFraction * referenceSamples);
  let evalRows = Math.min(a.maxEvalRows, nTrain, Math.floor((0.25 * budgetSamples) / (L + 1)));
  if (evalRows < 1) evalRows = Math.min(1, nTrain);
  const trainBudget = budgetSamples - (L + 1) * evalRows;
  let batchSize = Math.min(a.maxBatchSize, nTrain, Math.floor(trainBudget / (L * a.maxSteps)));
  if (batchSize < 1) batchSize = 1;
  let steps = Math.min(a.maxSteps, Math.floor(trainBudget / (L * batchSize)));
  if (steps < 1) steps = 0;
  // Nothing to train means nothing to evaluate either.
  if (steps === 0) evalRows = 0;
  const probeSamples = L * steps * batchSize + (steps > 0 ? (L + 1) * evalRows : 0);
  return {
    steps,
    batchSize,
    evalRows,
    budgetSamples,
    probeSamples,
    probeSteps: L * steps,
    referenceSamples,
    referenceSteps,
    fraction: referenceSamples > 0 ? probeSamples / referenceSamples : 0,
  };
}
