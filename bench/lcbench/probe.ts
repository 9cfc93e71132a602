/**
 * Task features for an LCBench task, found the way a user would probe a new task: a short
 * learning-rate range test of one fixed cheap network (1 layer of 64 units, no dropout, batch 128,
 * momentum 0.9, the smallest weight decay), `PROBE_EPOCHS` epochs at each of `PROBE_RATES`, run
 * through the surrogate like any other configuration. Nothing of the task's sweep is read.
 *
 * The names follow the `probe` featurizer (plugins/featurizer-probe): `initial_loss`,
 * `loss_ratio_<lr>`, `diverged_<lr>`, `best_loss_ratio`, `log10_best_lr`, so learners that read
 * `probe.*` use them unchanged. What the curves add: `acc_<lr>` (validation accuracy after the probe)
 * and `log10_seconds_per_epoch` (the probe's measured run time: a size signal of the dataset).
 * `initial_loss` is the loss after one epoch at the smallest rate (the surrogate has no epoch 0):
 * close to the loss of predicting the class prior.
 */
import { lrLabel } from '../../plugins/featurizer-probe/probe-featurizer.js';
import { OUT, type LcbenchConfig, type LcbenchSurrogate } from './surrogate.js';

export const PROBE_RATES = [1e-4, 1e-3, 1e-2, 1e-1] as const;
export const PROBE_EPOCHS = 3;
export const PROBE_BASE: Omit<LcbenchConfig, 'learningRate'> = { batchSize: 128, momentum: 0.9, weightDecay: 1e-5, numLayers: 1, maxUnits: 64, maxDropout: 0 };

export interface ProbeResult {
  readonly features: Record<string, number>;
  /** Epochs the probe trained (all rates). */
  readonly epochs: number;
  /** Seconds the probe took, as the surrogate predicts them. */
  readonly seconds: number;
}

export async function probeTask(surrogate: LcbenchSurrogate, task: string): Promise<ProbeResult> {
  const configs = PROBE_RATES.map((learningRate) => ({ ...PROBE_BASE, learningRate }));
  const curves = await surrogate.curves(task, configs, 1, PROBE_EPOCHS);
  const at = (i: number, epoch: number, k: number) => curves[i]![(epoch - 1) * 6 + k]!;
  const initial = at(0, 1, OUT.val_cross_entropy);
  const f: Record<string, number> = { 'probe.initial_loss': initial };
  let best = Infinity;
  let bestLr = PROBE_RATES[0] as number;
  let seconds = 0;
  PROBE_RATES.forEach((lr, i) => {
    const after = at(i, PROBE_EPOCHS, OUT.val_cross_entropy);
    const ratio = Math.min(10, after / initial);
    f[`probe.loss_ratio_${lrLabel(lr)}`] = ratio;
    f[`probe.diverged_${lrLabel(lr)}`] = !Number.isFinite(after) || ratio > 1 ? 1 : 0;
    f[`probe.acc_${lrLabel(lr)}`] = at(i, PROBE_EPOCHS, OUT.val_accuracy) / 100;
    if (ratio < best) {
      best = ratio;
      bestLr = lr;
    }
    seconds += at(i, PROBE_EPOCHS, OUT.time);
  });
  f['probe.best_loss_ratio'] = best;
  f['probe.log10_best_lr'] = Math.log10(bestLr);
  f['probe.log10_seconds_per_epoch'] = Math.log10(Math.max(1e-3, seconds / (PROBE_RATES.length * PROBE_EPOCHS)));
  return { features: f, epochs: PROBE_RATES.length * PROBE_EPOCHS, seconds };
}
