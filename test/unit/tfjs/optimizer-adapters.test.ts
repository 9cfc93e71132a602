import * as tf from '@tensorflow/tfjs';
import { Container } from 'inversify';
import optimizersPlugin, { builtinOptimizerAdapters } from '../../../plugins/optimizers-tfjs/index.js';
import { NotFoundError, ValidationError } from '../../../src/core/errors.js';
import { Registry } from '../../../src/core/registry.js';
import { TOKENS } from '../../../src/core/tokens.js';
import { adapterFor } from '../../../src/tfjs/adapter-lookup.js';
import type { OptimizerAdapter } from '../../../src/tfjs/optimizer-adapter.js';

/**
 * For each tfjs optimizer: one scalar variable θ0 = 1, gradient g1 at step 1 and g2 at step 2, the
 * learning rate changed from LR1 to LR2 between the steps through the adapter. θ2 must equal the
 * value computed by hand (float64) from the optimizer's update rule — as tfjs 4.22 implements it —
 * with LR2; the same rule with LR1 must give a clearly different number (so the test can fail).
 */

const THETA0 = 1;
const G1 = 0.5;
const G2 = -0.3;
const LR1 = 0.1;
const LR2 = 0.02;

let counter = 0;

/** Runs two steps; `between` runs after step 1. Returns [θ1, θ2] read from the variable. */
function twoSteps(opt: tf.Optimizer, between: () => void): [number, number] {
  const v = tf.variable(tf.scalar(THETA0), true, `adapter_test_${counter++}`);
  try {
    const step = (g: number) => tf.tidy(() => opt.applyGradients({ [v.name]: tf.scalar(g) }));
    step(G1);
    const t1 = v.dataSync()[0];
    between();
    step(G2);
    return [t1, v.dataSync()[0]];
  } finally {
    v.dispose();
    opt.dispose();
  }
}

const field = (opt: tf.Optimizer, name: string) => (opt as unknown as Record<string, number>)[name];

/** Relative float32 tolerance. */
function expectClose(actual: number, expected: number, rel = 2e-6): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

/** Asserts two hand-computed values differ enough that float32 rounding cannot confuse them. */
function expectDistinct(a: number, b: number): void {
  expect(Math.abs(a - b)).toBeGreaterThan(1e-4);
}

const adapter = (cls: string): OptimizerAdapter => adapterFor({ getClassName: () => cls } as tf.Optimizer, builtinOptimizerAdapters);

interface Case {
  className: string;
  make: () => tf.Optimizer;
  /** Hand-computed θ2 given the optimizer (for ε), the step-2 LR, and the step-2 momentum (if any). */
  theta2: (opt: tf.Optimizer, lr2: number, mom2?: number) => number;
  /** The momentum-like value to switch to between steps (classes that have one). */
  mom2?: number;
}

const cases: Case[] = [
  {
    className: 'SGD',
    make: () => tf.train.sgd(LR1),
    theta2: (_o, lr2) => THETA0 - LR1 * G1 - lr2 * G2,
  },
  {
    className: 'Momentum',
    make: () => tf.train.momentum(LR1, 0.9),
    // a_t = μ a_{t-1} + g_t ; θ_t = θ_{t-1} − lr a_t
    theta2: (_o, lr2, mu2 = 0.9) => {
      const a1 = G1;
      const a2 = mu2 * a1 + G2;
      return THETA0 - LR1 * a1 - lr2 * a2;
    },
    mom2: 0.5,
  },
  {
    className: 'Adam',
    make: () => tf.train.adam(LR1, 0.9, 0.999),
    // tfjs: bias correction by the running product accBeta1 (init β1, multiplied by the current β1 after each step).
    theta2: (o, lr2, b1b = 0.9) => {
      const b1 = 0.9;
      const b2 = 0.999;
      const eps = field(o, 'epsilon');
      const m1 = (1 - b1) * G1;
      const v1 = (1 - b2) * G1 * G1;
      const t1 = THETA0 - LR1 * (m1 / (1 - b1)) / (Math.sqrt(v1 / (1 - b2)) + eps);
      const m2 = b1b * m1 + (1 - b1b) * G2;
      const v2 = b2 * v1 + (1 - b2) * G2 * G2;
      return t1 - lr2 * (m2 / (1 - b1 * b1)) / (Math.sqrt(v2 / (1 - b2 * b2)) + eps);
    },
    mom2: 0.5,
  },
  {
    className: 'Adamax',
    make: () => tf.train.adamax(LR1, 0.9, 0.999),
    // m_t = β1 m + (1−β1) g ; u_t = max(β2 u, |g|) ; θ −= lr / (1 − accβ1) · m_t / (u_t + ε)
    theta2: (o, lr2, b1b = 0.9) => {
      const b1 = 0.9;
      const b2 = 0.999;
      const eps = field(o, 'epsilon');
      const m1 = (1 - b1) * G1;
      const u1 = Math.abs(G1);
      const t1 = THETA0 - (LR1 / (1 - b1)) * (m1 / (u1 + eps));
      const m2 = b1b * m1 + (1 - b1b) * G2;
      const u2 = Math.max(b2 * u1, Math.abs(G2));
      return t1 - (lr2 / (1 - b1 * b1)) * (m2 / (u2 + eps));
    },
    mom2: 0.5,
  },
  {
    className: 'Adagrad',
    make: () => tf.train.adagrad(LR1, 0.1),
    // acc_t = acc + g² ; θ −= lr g / sqrt(acc_t + ε_backend)
    theta2: (_o, lr2) => {
      const eps = tf.backend().epsilon();
      const acc1 = 0.1 + G1 * G1;
      const acc2 = acc1 + G2 * G2;
      return THETA0 - (LR1 * G1) / Math.sqrt(acc1 + eps) - (lr2 * G2) / Math.sqrt(acc2 + eps);
    },
  },
  {
    className: 'Adadelta',
    make: () => tf.train.adadelta(LR1, 0.95),
    // tfjs 4.22 scales by the *previous* accumulated gradient: upd = sqrt(U+ε)/sqrt(G_prev+ε) · g.
    theta2: (o, lr2) => {
      const rho = 0.95;
      const eps = field(o, 'epsilon');
      const upd1 = (Math.sqrt(0 + eps) / Math.sqrt(0 + eps)) * G1;
      const accG1 = (1 - rho) * G1 * G1;
      const accU1 = (1 - rho) * upd1 * upd1;
      const upd2 = (Math.sqrt(accU1 + eps) / Math.sqrt(accG1 + eps)) * G2;
      return THETA0 - LR1 * upd1 - lr2 * upd2;
    },
  },
  {
    className: 'RMSProp',
    make: () => tf.train.rmsprop(LR1, 0.9, 0.8),
    // ms_t = ρ ms + (1−ρ) g² ; mom_t = μ mom + lr g / sqrt(ms_t + ε) ; θ −= mom_t
    theta2: (o, lr2, mu2 = 0.8) => {
      const rho = 0.9;
      const eps = field(o, 'epsilon');
      const ms1 = (1 - rho) * G1 * G1;
      const mom1 = (LR1 * G1) / Math.sqrt(ms1 + eps);
      const ms2 = rho * ms1 + (1 - rho) * G2 * G2;
      const mom2 = mu2 * mom1 + (lr2 * G2) / Math.sqrt(ms2 + eps);
      return THETA0 - mom1 - mom2;
    },
    mom2: 0.3,
  },
];

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('optimizer adapters: a changed learning rate takes effect on the very next step', () => {
  it('covers exactly the seven built-in tfjs optimizer classes, by getClassName()', () => {
    const made = cases.map((c) => {
      const o = c.make();
      const name = o.getClassName();
      o.dispose();
      return name;
    });
    expect(made).toEqual(['SGD', 'Momentum', 'Adam', 'Adamax', 'Adagrad', 'Adadelta', 'RMSProp']);
    expect(builtinOptimizerAdapters.map((a) => a.className).sort()).toEqual([...made].sort());
    for (const a of builtinOptimizerAdapters) expect(a.id).toBe(a.className);
  });

  for (const c of cases) {
    it(`${c.className}: θ2 follows the update rule with the new learning rate`, () => {
      const opt = c.make();
      const a = adapterFor(opt, builtinOptimizerAdapters);
      expect(a.getLearningRate(opt)).toBeCloseTo(LR1, 12);
      const [, theta2] = twoSteps(opt, () => a.setLearningRate(opt, LR2));
      expect(a.getLearningRate(opt)).toBe(LR2);
      const expected = c.theta2(opt, LR2);
      expectDistinct(expected, c.theta2(opt, LR1));
      expectClose(theta2, expected);
    });

    it(`${c.className}: without a change, θ2 follows the rule with the old rate (checks the hand formula)`, () => {
      const opt = c.make();
      const [, theta2] = twoSteps(opt, () => undefined);
      expectClose(theta2, c.theta2(opt, LR1));
    });
  }

  for (const c of cases.filter((x) => x.mom2 !== undefined)) {
    it(`${c.className}: a changed ${adapter(c.className).momentumName} takes effect on the very next step`, () => {
      const opt = c.make();
      const a = adapterFor(opt, builtinOptimizerAdapters);
      expect(a.setMomentum).toBeDefined();
      const [, theta2] = twoSteps(opt, () => a.setMomentum!(opt, c.mom2!));
      expect(a.getMomentum!(opt)).toBe(c.mom2);
      const expected = c.theta2(opt, LR1, c.mom2);
      expectDistinct(expected, c.theta2(opt, LR1));
      expectClose(theta2, expected);
    });
  }

  it('Adagrad and Adadelta have no momentum-like coefficient', () => {
    expect(adapter('Adagrad').setMomentum).toBeUndefined();
    expect(adapter('Adadelta').setMomentum).toBeUndefined();
    expect(adapter('Adadelta').momentumName).toBeUndefined();
  });
});

describe('why the adapters exist: naive changes that tfjs 4.22 silently ignores', () => {
  it('SGD: assigning the learningRate field does not change the next step (cached -lr tensor)', () => {
    const opt = tf.train.sgd(LR1);
    const [theta1, theta2] = twoSteps(opt, () => {
      (opt as unknown as Record<string, number>)['learningRate'] = LR2;
    });
    expectClose(theta2, theta1 - LR1 * G2); // old rate used
    expectDistinct(theta2, theta1 - LR2 * G2);
  });

  it('Momentum: tfjs setMomentum() does not change the next step (cached momentum tensor)', () => {
    const opt = tf.train.momentum(LR1, 0.9);
    const [, theta2] = twoSteps(opt, () => opt.setMomentum(0.5));
    const old = cases[1].theta2(opt, LR1, 0.9);
    expectClose(theta2, old);
    expectDistinct(old, cases[1].theta2(opt, LR1, 0.5));
  });
});

describe('adapter validation and lookup', () => {
  it('rejects a negative or non-finite learning rate with a Keras-style message', () => {
    const opt = tf.train.adam(0.1);
    const a = adapterFor(opt, builtinOptimizerAdapters);
    expect(() => a.setLearningRate(opt, -1)).toThrow(ValidationError);
    expect(() => a.setLearningRate(opt, Number.NaN)).toThrow(/`learningRate` must be a finite number\. Received: learningRate=NaN/);
    expect(() => a.setMomentum!(opt, 1)).toThrow(/Adam adapter: `beta1` must be in \[0, 1\)\. Received: beta1=1\./);
    opt.dispose();
  });

  it('an unknown optimizer class is a NotFoundError NO_OPTIMIZER_ADAPTER naming the class and the supported ones', () => {
    class LionOptimizer extends tf.SGDOptimizer {
      static override get className() {
        return 'Lion';
      }
    }
    const opt = new LionOptimizer(0.1);
    let error: unknown;
    try {
      adapterFor(opt, builtinOptimizerAdapters);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).code).toBe('NO_OPTIMIZER_ADAPTER');
    expect((error as Error).message).toMatch(/"Lion"/);
    expect((error as Error).message).toMatch(/Supported classes: Adadelta, Adagrad, Adam, Adamax, Momentum, RMSProp, SGD\./);
    opt.dispose();
  });

  it('looks adapters up in a Registry as well as in a list', () => {
    const registry = new Registry<OptimizerAdapter>(
      { kind: 'optimizer adapter', notFoundCode: 'NO_OPTIMIZER_ADAPTER' },
      builtinOptimizerAdapters.map((value) => ({ plugin: 'optimizers-tfjs', value })),
    );
    const opt = tf.train.rmsprop(0.01);
    expect(adapterFor(opt, registry).className).toBe('RMSProp');
    opt.dispose();
    expect(() => adapterFor({ getClassName: () => 'Nadam' } as tf.Optimizer, registry)).toThrow(/No optimizer adapter for tfjs optimizer class "Nadam"/);
  });

  it('the plugin module binds one OptimizerAdapter per class', () => {
    const container = new Container();
    container.load(optimizersPlugin);
    const bound = container.getAll<OptimizerAdapter>(TOKENS.OptimizerAdapter).map((a) => a.className);
    expect(bound.sort()).toEqual(['Adadelta', 'Adagrad', 'Adam', 'Adamax', 'Momentum', 'RMSProp', 'SGD']);
  });
});

describe('an optimizer without the fields of its tfjs 4.22 class', () => {
  it('is a typed UNSUPPORTED_OPTIMIZER_FIELDS error with the fix, not a bare TypeError', () => {
    const adam = builtinOptimizerAdapters.find((a) => a.className === 'Adam')!;
    // A custom optimizer that calls itself "Adam" but keeps its rate elsewhere.
    const impostor = { getClassName: () => 'Adam', rate: 0.1 } as unknown as tf.Optimizer;
    expect(() => adam.getLearningRate(impostor)).toThrow(
      expect.objectContaining({ name: 'EnvironmentError', code: 'UNSUPPORTED_OPTIMIZER_FIELDS', message: expect.stringMatching(/Adam\.learningRate is not a number \(found undefined\).*Fix: use @tensorflow\/tfjs 4\.22\.0/) }),
    );
  });
});
