/**
 * `surrogate`: a small tfjs ensemble that predicts a candidate's normalised regret from the task's
 * meta-features × the candidate's encoding (model, optimizer and schedule family one-hot, log10
 * peak rate). The policy takes, for every candidate config, the rate that minimises the ensemble
 * mean over a fine log grid inside the rates the config was trained on (so it can refine the rate
 * continuously), ranks configs by that minimum, and reports the members' spread as its uncertainty.
 *
 * Deterministic: every member's initial weights are seeded, rows are shuffled by a seeded PRNG,
 * and tfjs's own shuffling is off. The weights are stored flat (payload.weights → weights.bin).
 */
import * as tf from '@tensorflow/tfjs';
import { checkArtifactLearner, newArtifact, examplesWithFeatures, requireTop } from '../../src/meta/artifact.js';
import { configKeyOf, withPeakLearningRate } from '../../src/meta/candidate-identity.js';
import { configGrids, type ConfigGrid } from '../../src/meta/config-curves.js';
import { regretTable } from '../../src/meta/examples.js';
import { rankByMeanRegret } from '../../src/meta/portfolio.js';
import type { Learner } from '../../src/meta/learner.js';
import type { Policy, PolicyArtifact, RankedCandidate } from '../../src/meta/policy.js';
import { commonFeatureNames, fitStandardizer, standardize, type Standardizer } from '../../src/meta/standardize.js';
import { seededRandom, shuffleInPlace } from '../../src/tasks/random.js';

export const SURROGATE_FEATURE_PREFIXES = ['basic.', 'landmark.', 'probe.'];

interface Encoding {
  readonly models: readonly string[];
  readonly optimizers: readonly string[];
  readonly families: readonly string[];
}

interface Payload {
  readonly standardizer: Standardizer;
  readonly encoding: Encoding;
  readonly configs: readonly ConfigGrid[];
  readonly members: number;
  readonly hidden: readonly number[];
  /** Shapes of each member's weight tensors, in order. */
  readonly shapes: ReadonlyArray<readonly number[]>;
  /** All members' weights, flat (float32). */
  readonly weights: readonly number[];
  /** The training tasks' learned default (lowest mean regret): kept first unless the ensemble is confident it loses. */
  readonly defaultCandidate: string;
  /** Margin, in ensemble standard deviations, an alternative must win by to replace the default. */
  readonly kappa: number;
}

const REFINE_POINTS = 13;

function familyOf(configKey: string): string {
  return configKey.split('/').slice(2).join('/');
}

function encodeCandidate(enc: Encoding, configKey: string, logRate: number): number[] {
  const [model, optimizer] = configKey.split('/');
  return [
    ...enc.models.map((m) => (m === model ? 1 : 0)),
    ...enc.optimizers.map((o) => (o === optimizer ? 1 : 0)),
    ...enc.families.map((f) => (f === familyOf(configKey) ? 1 : 0)),
    logRate + 2.5,
    (logRate + 2.5) ** 2,
  ];
}

function buildMember(inputs: number, hidden: readonly number[], seed: number): tf.Sequential {
  const model = tf.sequential();
  hidden.forEach((units, i) =>
    model.add(tf.layers.dense({ units, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + i }), ...(i === 0 ? { inputShape: [inputs] } : {}) })),
  );
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 101 + 99 }) }));
  return model;
}

function predictAll(members: readonly tf.Sequential[], rows: readonly number[][]): number[][] {
  return tf.tidy(() => {
    const x = tf.tensor2d(rows as number[][]);
    return members.map((m) => Array.from((m.predict(x) as tf.Tensor).dataSync()));
  });
}

export const surrogateLearner: Learner = {
  id: 'surrogate',
  version: 1,
  description: 'A tfjs MLP ensemble predicting normalised regret from task features × candidate encoding; argmin with the spread as confidence',
  needsFeatures: true,
  async fit(examples, candidates, options) {
    const train = examplesWithFeatures(examples, options, 'surrogate');
    const members = Number(options.config?.members ?? 3);
    const epochs = Number(options.config?.epochs ?? 12);
    const hidden = [32, 16];
    const table = regretTable(train, candidates);
    const names = commonFeatureNames(table.features, SURROGATE_FEATURE_PREFIXES);
    const standardizer = fitStandardizer(table.features, names);
    const zs = table.features.map((f) => standardize(standardizer, f).z);
    const configs = configGrids(table.candidates);
    const encoding: Encoding = {
      models: [...new Set(table.candidates.map((c) => c.model))].sort(),
      optimizers: [...new Set(table.candidates.map((c) => c.optimizer.name))].sort(),
      families: [...new Set(configs.map((g) => familyOf(g.key)))].sort(),
    };
    const rows: number[][] = [];
    const ys: number[] = [];
    table.tasks.forEach((_, t) => {
      table.candidates.forEach((c, ci) => {
        const r = table.regret[t]![ci]!;
        if (!Number.isFinite(r)) return;
        rows.push([...zs[t]!, ...encodeCandidate(encoding, configKeyOf(c.id), Math.log10(c.optimizer.learningRate))]);
        ys.push(r);
      });
    });
    const order = shuffleInPlace(rows.map((_, i) => i), seededRandom(options.seed));
    const x = tf.tensor2d(order.map((i) => rows[i]!));
    const y = tf.tensor2d(order.map((i) => [ys[i]!]));
    // The learned default: lowest mean regret over the training tasks (best-default's pick).
    const defaultCandidate = rankByMeanRegret(train, table.candidates)[0]!.candidateId;
    const kappa = Number(options.config?.kappa ?? 1);
    const weights: number[] = [];
    let shapes: number[][] = [];
    try {
      for (let m = 0; m < members; m++) {
        const net = buildMember(rows[0]!.length, hidden, options.seed * 1000 + m);
        net.compile({ optimizer: tf.train.adam(3e-3), loss: 'meanSquaredError' });
        await net.fit(x, y, { epochs, batchSize: 256, shuffle: false, verbose: 0 });
        shapes = net.getWeights().map((w) => [...w.shape]);
        for (const w of net.getWeights()) weights.push(...Array.from(w.dataSync()));
        net.optimizer.dispose();
        net.dispose();
      }
    } finally {
      x.dispose();
      y.dispose();
    }
    return newArtifact(surrogateLearner, {
      examples: train,
      candidates: table.candidates,
      options,
      featurizers: ['basic', 'landmark', 'probe'],
      config: { members, epochs, hidden, kappa },
      payload: { standardizer, encoding, configs, members, hidden, shapes, weights: weights.map((w) => Math.fround(w)), defaultCandidate, kappa } satisfies Payload,
    });
  },
  load(artifact: PolicyArtifact): Policy {
    checkArtifactLearner(artifact, surrogateLearner);
    const p = artifact.payload as Payload;
    const byId = new Map(artifact.candidates.map((c) => [c.id, c]));
    const inputs = p.standardizer.names.length + p.encoding.models.length + p.encoding.optimizers.length + p.encoding.families.length + 2;
    const perMember = p.shapes.reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0);
    const members = Array.from({ length: p.members }, (_, m) => {
      const net = buildMember(inputs, p.hidden, 0);
      let offset = m * perMember;
      net.setWeights(
        p.shapes.map((shape) => {
          const size = shape.reduce((a, b) => a * b, 1);
          const t = tf.tensor(p.weights.slice(offset, offset + size) as number[], shape as number[]);
          offset += size;
          return t;
        }),
      );
      return net;
    });
    return {
      artifact,
      suggest(task, options) {
        const top = requireTop(options?.top);
        const { z, missing } = standardize(p.standardizer, task.features);
        const grid: Array<{ config: ConfigGrid; x: number }> = [];
        for (const config of p.configs) {
          const lo = config.logRates[0]!;
          const hi = config.logRates[config.logRates.length - 1]!;
          for (let k = 0; k < REFINE_POINTS; k++) grid.push({ config, x: lo + ((hi - lo) * k) / (REFINE_POINTS - 1) });
        }
        const preds = predictAll(members, grid.map((g) => [...z, ...encodeCandidate(p.encoding, g.config.key, g.x)]));
        const best = new Map<string, { config: ConfigGrid; x: number; mean: number; sd: number }>();
        grid.forEach((g, i) => {
          const vals = preds.map((m) => m[i]!);
          const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
          const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
          const cur = best.get(g.config.key);
          if (!cur || mean < cur.mean) best.set(g.config.key, { config: g.config, x: g.x, mean, sd });
        });
        const def = byId.get(p.defaultCandidate)!;
        const defKey = configKeyOf(def.id);
        const defX = Math.log10(def.optimizer.learningRate);
        const defPred = predictAll(members, [[...z, ...encodeCandidate(p.encoding, defKey, defX)]]).map((m) => m[0]!);
        const defMean = defPred.reduce((a, b) => a + b, 0) / defPred.length;
        const defSd = Math.sqrt(defPred.reduce((a, b) => a + (b - defMean) ** 2, 0) / defPred.length);
        const sorted = [...best.values()].sort((a, b) => a.mean - b.mean || a.config.key.localeCompare(b.config.key));
        // Guard: the ensemble must beat the learned default by κ of its own spread to replace it.
        const margin = p.kappa * Math.sqrt(defSd ** 2 + sorted[0]!.sd ** 2);
        const keepDefault = defMean - sorted[0]!.mean <= margin;
        const guardNote = keepDefault
          ? `kept the learned default ${def.id} first: the ensemble's best alternative wins by ${(defMean - sorted[0]!.mean).toFixed(3)}, not more than ${p.kappa} × its spread (${margin.toFixed(3)})`
          : `replaced the learned default ${def.id} (predicted ${defMean.toFixed(3)}) — the ensemble is confident: its pick wins by ${(defMean - sorted[0]!.mean).toFixed(3)} > ${p.kappa} × spread (${margin.toFixed(3)})`;
        const ordered = keepDefault ? [{ config: p.configs.find((g) => g.key === defKey)!, x: defX, mean: defMean, sd: defSd }, ...sorted.filter((b) => b.config.key !== defKey || Math.abs(b.x - defX) > 1e-9)] : sorted;
        const ranked: RankedCandidate[] = ordered
          .slice(0, top)
          .map((b) => {
            const onGrid = b.config.logRates.findIndex((r) => Math.abs(r - b.x) < 1e-9);
            const candidate = onGrid >= 0 ? byId.get(b.config.candidateIds[onGrid]!)! : withPeakLearningRate(byId.get(b.config.candidateIds[0]!)!, 10 ** b.x);
            return {
              candidate,
              expectedRegret: b.mean,
              uncertainty: b.sd,
              why: [`${b.config.key}: the ensemble predicts regret ${b.mean.toFixed(3)} ± ${b.sd.toFixed(3)} (${p.members} members) at learning rate ${(10 ** b.x).toExponential(1)}, the best of ${REFINE_POINTS} rates tried between ${(10 ** b.config.logRates[0]!).toExponential(0)} and ${(10 ** b.config.logRates[b.config.logRates.length - 1]!).toExponential(0)}`],
            };
          });
        return {
          candidate: ranked[0]!.candidate,
          ranked,
          learner: { id: artifact.learner.id, version: artifact.learner.version },
          why: [
            `a surrogate model of regret over task features × candidate, trained on ${artifact.provenance.trainingTasks.length} tasks; confidence = spread of its ${p.members} members`,
            guardNote,
            ...(missing.length ? [`${missing.length} features missing, imputed with the training mean: ${missing.slice(0, 5).join(', ')}`] : []),
          ],
        };
      },
    };
  },
};
