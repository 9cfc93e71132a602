import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { TrainingError, ValidationError } from '../../../src/core/errors.js';
import type { Schedule, ScheduleResolver, StatefulSchedule } from '../../../src/schedules/schedule.js';
import {
  inferPlateauDirection,
  reduceOnPlateau,
  reduceOnPlateauFamily,
  type ReduceOnPlateauArgs,
  type ReduceOnPlateauState,
} from '../../../plugins/schedules-adaptive/reduce-on-plateau.js';
import { expectError } from '../../helpers/expect-error.js';

/** Feeds one metric per epoch (steps of `stepsPerEpoch`) and returns the LR after each epoch. */
function run(s: StatefulSchedule<ReduceOnPlateauState>, metrics: number[], monitor = 'val_loss', stepsPerEpoch = 1): number[] {
  let state = s.init();
  const out: number[] = [];
  metrics.forEach((m, epoch) => {
    const step = (epoch + 1) * stepsPerEpoch;
    state = s.update(state, { kind: 'epoch', step, epoch, logs: { loss: 0.1, [monitor]: m } });
    out.push(s.value(state, step));
  });
  return out;
}

function expectClose(actual: number[], expected: number[], atol = 1e-12, rtol = 1e-7): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => {
    const tol = atol + rtol * Math.abs(expected[i]);
    if (!(Math.abs(a - expected[i]) <= tol)) {
      throw new Error(`index ${i}: got ${a}, expected ${expected[i]} (tol ${tol})\n  actual:   ${JSON.stringify(actual)}\n  expected: ${JSON.stringify(expected)}`);
    }
  });
}

const rep = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

interface TorchVector {
  id: string;
  params: Record<string, unknown>;
  base_lr: number;
  metrics: number[];
  expected_lr: number[];
  expected_lr_group1?: number[];
  tolerance: { atol: number; rtol: number };
}
const vectors = (
  JSON.parse(readFileSync(new URL('./pytorch-plateau-vectors.json', import.meta.url), 'utf8')) as { entries: TorchVector[] }
).entries;

/** PyTorch kwargs → our params. `min_lr` may be per param group (test 8): one column per group. */
function torchArgs(p: Record<string, unknown>, minLr: number, lr: number): ReduceOnPlateauArgs {
  const args: ReduceOnPlateauArgs = { semantics: 'pytorch', learningRate: lr, minLr, mode: (p.mode as 'min' | 'max') ?? 'min' };
  if (p.factor !== undefined) args.factor = p.factor as number;
  if (p.patience !== undefined) args.patience = p.patience as number;
  if (p.cooldown !== undefined) args.cooldown = p.cooldown as number;
  if (p.threshold !== undefined) args.threshold = p.threshold as number;
  if (p.threshold_mode !== undefined) args.thresholdMode = p.threshold_mode as 'rel' | 'abs';
  if (p.eps !== undefined) args.eps = p.eps as number;
  return args;
}

describe('reduce_on_plateau, PyTorch semantics: the 8 reference vectors from PyTorch test_lrscheduler.py', () => {
  expect(vectors).toHaveLength(8);
  for (const v of vectors) {
    const minLrs = Array.isArray(v.params.min_lr) ? (v.params.min_lr as number[]) : [v.params.min_lr as number];
    minLrs.forEach((minLr, group) => {
      it(`${v.id} (param group ${group})`, () => {
        const expected = group === 0 ? v.expected_lr : v.expected_lr_group1!;
        expectClose(run(reduceOnPlateau(torchArgs(v.params, minLr, v.base_lr)), v.metrics), expected, v.tolerance.atol, v.tolerance.rtol);
      });
    });
  }
});

const stream = (id: string): number[] => vectors.find((v) => v.id === `pytorch/${id}`)!.metrics;

/*
 * Cross-library tables: PyTorch's own metric streams run through Keras' and optax' rules. Expected
 * values computed from the libraries' code as written (keras/src/callbacks/reduce_lr_on_plateau.py,
 * optax/contrib/_reduce_on_plateau.py) and checked by hand; the comments give the reasoning.
 */
describe('reduce_on_plateau: the same metric streams under the three semantics', () => {
  it('test_reduce_lr_on_plateau2 stream, Keras (min_delta 0.1, patience 5): reduces at wait >= 5 → epochs 5, 12, 19', () => {
    // e0 sets best=10; e1..e5 improve < 0.1 → wait 5 → reduce. e7 (9.8845 < 9.9) is better; e8..e12 bad → reduce; e14 better; e15..e19 bad → reduce.
    const expected = [...rep(0.5, 5), ...rep(0.05, 7), ...rep(0.005, 7), ...rep(0.0005, 3)];
    expectClose(run(reduceOnPlateau({ learningRate: 0.5, mode: 'min', patience: 5, minDelta: 0.1 }), stream('test_reduce_lr_on_plateau2')), expected);
    // PyTorch on the same stream (threshold 0.1 abs) reduces one epoch later each time: > patience.
    expect(vectors[1].expected_lr.indexOf(0.05)).toBe(6);
  });

  it('test_reduce_lr_on_plateau2 stream, optax (atol 0.1, rtol 0, patience 5): plateau_count == 5 → epochs 5, 12, 19', () => {
    const expected = [...rep(0.5, 5), ...rep(0.05, 7), ...rep(0.005, 7), ...rep(0.0005, 3)];
    expectClose(
      run(reduceOnPlateau({ learningRate: 0.5, semantics: 'optax', patience: 5, rtol: 0, atol: 0.1 }), stream('test_reduce_lr_on_plateau2')),
      expected,
    );
  });

  it('test_reduce_lr_on_plateau7 stream, Keras (patience 5, cooldown 5): second reduction at epoch 14 (PyTorch: 17)', () => {
    // e5 reduce (cooldown 5). e6..e10 decrement cooldown first; e7/e8 improve best to 0.5; e10 ends cooldown
    // and already counts as bad (wait 1) → wait 5 at e14 → reduce.
    const expected = [...rep(0.5, 5), ...rep(0.05, 9), ...rep(0.005, 6)];
    expectClose(run(reduceOnPlateau({ learningRate: 0.5, mode: 'min', patience: 5, cooldown: 5 }), stream('test_reduce_lr_on_plateau7')), expected);
  });

  it('test_reduce_lr_on_plateau7 stream, optax (rtol 0.1, patience 5, cooldown 5): second reduction at epoch 15', () => {
    // optax checks cooldown before decrementing it, so e10 is still a cooldown epoch; bad epochs e11..e15.
    const expected = [...rep(0.5, 5), ...rep(0.05, 10), ...rep(0.005, 5)];
    expectClose(
      run(reduceOnPlateau({ learningRate: 0.5, semantics: 'optax', patience: 5, cooldown: 5, rtol: 0.1 }), stream('test_reduce_lr_on_plateau7')),
      expected,
    );
  });

  it('test_reduce_lr_on_plateau3 stream (mode max), Keras and optax (metric negated)', () => {
    const m = stream('test_reduce_lr_on_plateau3');
    // Keras: e0 best -0.8, e2 better (-0.234); e3..e7 bad → reduce at e7; cooldown 5 → e12 counts → reduce at e16.
    expectClose(run(reduceOnPlateau({ learningRate: 0.5, mode: 'max', patience: 5, cooldown: 5 }), m), [
      ...rep(0.5, 7),
      ...rep(0.05, 9),
      ...rep(0.005, 6),
    ]);
    // optax: same first reduction; cooldown ends one epoch later → reduce at e17.
    expectClose(run(reduceOnPlateau({ learningRate: 0.5, mode: 'max', semantics: 'optax', patience: 5, cooldown: 5 }), m), [
      ...rep(0.5, 7),
      ...rep(0.05, 10),
      ...rep(0.005, 5),
    ]);
  });
});

describe('reduce_on_plateau, Keras semantics (the default), worked out from keras/src/callbacks/reduce_lr_on_plateau.py', () => {
  const cases: Array<[string, ReduceOnPlateauArgs, number[], number[]]> = [
    ['patience 2, constant metric: every 2nd bad epoch', { patience: 2, factor: 0.5 }, rep(1, 11), [1, 1, 0.5, 0.5, 0.25, 0.25, 0.125, 0.125, 0.0625, 0.0625, 0.03125]],
    [
      'patience 2, cooldown 2: the epoch on which cooldown ends already counts as bad',
      { patience: 2, factor: 0.5, cooldown: 2 },
      rep(1, 12),
      [1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125, 0.125, 0.125, 0.0625],
    ],
    ['patience 0: every bad epoch reduces', { patience: 0, factor: 0.5 }, rep(1, 4), [1, 0.5, 0.25, 0.125]],
    ['min_lr clamps, then no more reductions', { patience: 1, factor: 0.1, minLr: 0.05 }, rep(1, 5), [1, 0.1, 0.05, 0.05, 0.05]],
    ['improvements below min_delta (1e-4) are bad epochs', { patience: 3 }, [1, 0.99997, 0.99994, 0.99991, 0.5, 0.5], [1, 1, 1, 0.1, 0.1, 0.1]],
    ['NaN is never better', { patience: 2, factor: 0.5 }, [1, NaN, NaN, 0.5, NaN, 0.4, NaN, NaN], [1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25]],
    ['mode max', { patience: 2, factor: 0.5, mode: 'max' }, [0.5, 0.6, 0.6, 0.6, 0.7, 0.7], [1, 1, 1, 0.5, 0.5, 0.5]],
  ];
  for (const [name, args, metrics, expected] of cases) {
    it(name, () => expectClose(run(reduceOnPlateau({ learningRate: 1, ...args }), metrics), expected));
  }

  it('defaults are Keras\': factor 0.1, patience 10, min_delta 1e-4, cooldown 0, min_lr 0', () => {
    // 10 bad epochs after the first → one reduction at epoch 10 (wait >= 10), then again at 20.
    const lrs = run(reduceOnPlateau({ learningRate: 1 }), rep(2, 21));
    expectClose(lrs, [...rep(1, 10), ...rep(0.1, 10), 0.01]);
    // A 1e-4 improvement is not enough (strict <), a 2e-4 one is.
    expectClose(run(reduceOnPlateau({ learningRate: 1, patience: 1 }), [1, 1 - 2e-4]), [1, 1]);
    expectClose(run(reduceOnPlateau({ learningRate: 1, patience: 1 }), [1, 1 - 1e-4]), [1, 0.1]);
  });

  it('min_lr at a value float32 cannot represent (1e-4) stops cleanly, like Keras\' float32 comparison', () => {
    const s = reduceOnPlateau({ learningRate: 1e-3, patience: 1, minLr: 1e-4, cooldown: 3 });
    let state = s.init();
    const lrs: number[] = [];
    for (let e = 0; e < 6; e++) {
      state = s.update(state, { kind: 'epoch', step: e + 1, epoch: e, logs: { val_loss: 1 } });
      lrs.push(s.value(state, e + 1));
    }
    expectClose(lrs, [1e-3, 1e-4, 1e-4, 1e-4, 1e-4, 1e-4]);
    // Only one reduction counted: once at min_lr, Keras neither reduces nor restarts cooldown.
    expect(state.reductions).toBe(1);
  });

  it('the TSDoc @example', () => {
    const s = reduceOnPlateau({ learningRate: 0.1, patience: 2 });
    let state = s.init();
    for (const [epoch, valLoss] of [1.0, 1.0, 1.0].entries()) {
      state = s.update(state, { kind: 'epoch', step: (epoch + 1) * 10, epoch, logs: { val_loss: valLoss } });
    }
    expect(s.value(state, 30)).toBeCloseTo(0.01, 12);
  });
});

describe('reduce_on_plateau: protocol, base schedule, mode auto', () => {
  it('mode auto: max when the monitor contains "acc" (Keras rule)', () => {
    expect(inferPlateauDirection('auto', 'val_acc')).toBe('max');
    expect(inferPlateauDirection('auto', 'val_accuracy')).toBe('max');
    expect(inferPlateauDirection('auto', 'val_loss')).toBe('min');
    expect(inferPlateauDirection('min', 'val_acc')).toBe('min');
    // Rising accuracy is improvement under auto; under explicit min it is a plateau.
    const rising = [0.5, 0.6, 0.7, 0.8];
    expectClose(run(reduceOnPlateau({ learningRate: 1, monitor: 'val_acc', patience: 1 }), rising, 'val_acc'), [1, 1, 1, 1]);
    expectClose(run(reduceOnPlateau({ learningRate: 1, monitor: 'val_acc', patience: 1, mode: 'min' }), rising, 'val_acc'), [1, 0.1, 0.01, 0.001]);
  });

  it('ignores batch and gradients observations (observe "epoch"), and never mutates the given state', () => {
    const s = reduceOnPlateau({ learningRate: 1, patience: 0 });
    const s0 = s.init();
    const s1 = s.update(s0, { kind: 'batch', step: 1, epoch: 0, logs: { loss: 5 } });
    expect(s1).toBe(s0);
    expect(s.update(s0, { kind: 'gradients', step: 1, epoch: 0, gradients: new Float32Array(2) })).toBe(s0);
    const snapshot = JSON.stringify(s0);
    const a = s.update(s0, { kind: 'epoch', step: 1, epoch: 0, logs: { val_loss: 1 } });
    const b = s.update(a, { kind: 'epoch', step: 2, epoch: 1, logs: { val_loss: 1 } });
    expect(JSON.stringify(s0)).toBe(snapshot);
    expect(Object.isFrozen(b)).toBe(true);
    expect(s.value(a, 1)).toBe(1);
    expect(s.value(b, 2)).toBeCloseTo(0.1, 15);
    expect(s.requires).toEqual({ monitor: 'val_loss' });
  });

  it('observe "batch" with optax accumulationSize averages per-step losses', () => {
    // accumulationSize 2: the rule sees means of pairs: 1, 1, 1 → plateau 2 == patience at the 3rd mean.
    const s = reduceOnPlateau({ learningRate: 1, semantics: 'optax', monitor: 'loss', observe: 'batch', accumulationSize: 2, patience: 2 });
    let state = s.init();
    const lrs: number[] = [];
    [0.5, 1.5, 1.2, 0.8, 1, 1].forEach((loss, i) => {
      state = s.update(state, { kind: 'batch', step: i, epoch: 0, logs: { loss } });
      lrs.push(s.value(state, i + 1));
    });
    expectClose(lrs, [1, 1, 1, 1, 1, 0.1]);
  });

  it('base schedule: LR = base(step) × scale; minLr bounds the reductions, not the base', () => {
    const base: Schedule = (step) => 1 / (1 + step); // 1, 0.5, 0.333…, …
    const s = reduceOnPlateau({ base, patience: 0, factor: 0.5, minLr: 0.1 });
    let state = s.init();
    expect(s.value(state, 0)).toBe(1);
    expect(s.value(state, 3)).toBe(0.25);
    state = s.update(state, { kind: 'epoch', step: 1, epoch: 0, logs: { val_loss: 1 } });
    state = s.update(state, { kind: 'epoch', step: 2, epoch: 1, logs: { val_loss: 1 } }); // bad → scale 0.5
    expect(s.value(state, 2)).toBeCloseTo(1 / 3 / 2, 15);
    // base(20) = 1/21 < minLr: the base is followed below minLr (no plateau reduction takes it lower).
    expect(s.value(state, 20)).toBeCloseTo(1 / 21, 15);
    // base(5) × 0.5 = 1/12 < 0.1 <= base(5): clamped at minLr.
    expect(s.value(state, 5)).toBeCloseTo(0.1, 15);
  });

  it('family builds from a spec with a base spec through the resolver', () => {
    const resolver: ScheduleResolver = {
      build: (spec) => {
        const p = (spec as { params: { value: number } }).params;
        return (() => p.value) as Schedule;
      },
    };
    const built = reduceOnPlateauFamily.build({ base: { family: 'constant', params: { value: 0.3 } }, patience: 0 }, resolver);
    const s = built as StatefulSchedule<ReduceOnPlateauState>;
    expect(s.kind).toBe('stateful');
    let state = s.init();
    state = s.update(state, { kind: 'epoch', step: 1, epoch: 0, logs: { val_loss: 1 } });
    state = s.update(state, { kind: 'epoch', step: 2, epoch: 1, logs: { val_loss: 1 } });
    expect(s.value(state, 2)).toBeCloseTo(0.03, 15);

    const stateful: ScheduleResolver = { build: () => reduceOnPlateau({ learningRate: 1 }) };
    expectError(() => reduceOnPlateauFamily.build({ base: { family: 'reduce_on_plateau' } }, stateful), ValidationError, 'INVALID_PARAMETER', /`base` must be a step schedule/);
  });
});

describe('reduce_on_plateau: bad input', () => {
  const R = 'reduce_on_plateau: ';
  it.each([
    [{ learningRate: 0.1, factor: 1 }, /`factor` must be in \(0, 1\)\. Received: factor=1\./],
    [{ learningRate: 0.1, factor: 1.5 }, /`factor` must be in \(0, 1\)\. Received: factor=1\.5\./],
    [{ learningRate: 0.1, patience: -1 }, /`patience` must be an integer >= 0\. Received: patience=-1\./],
    [{ learningRate: 0.1, patience: 2.5 }, /`patience` must be an integer >= 0\. Received: patience=2\.5\./],
    [{ learningRate: 0.1, cooldown: -2 }, /`cooldown` must be an integer >= 0/],
    [{ learningRate: 0.1, semantics: 'tensorflow' }, /`semantics` must be one of "keras", "pytorch", "optax"\. Received: semantics="tensorflow"\./],
    [{ learningRate: 0.1, mode: 'up' }, /`mode` must be one of "min", "max", "auto"/],
    [{ learningRate: -1 }, /`learningRate` must be > 0\. Received: learningRate=-1\./],
    [{ learningRate: 0.1, threshold: 0.01 }, /`threshold` only applies to semantics "pytorch"; semantics "keras" uses `minDelta`/],
    [{ learningRate: 0.1, semantics: 'pytorch', minDelta: 0.01 }, /`minDelta` only applies to semantics "keras"/],
    [{ learningRate: 0.1, semantics: 'optax', rtol: 0, atol: 0 }, /`rtol` and `atol` cannot both be 0/],
    [{ learningRate: 0.1, semantics: 'pytorch', thresholdMode: 'pct' }, /`thresholdMode` must be one of "rel", "abs"/],
    [{ learningRate: 0.1, base: (() => 1) as Schedule }, /give either `learningRate` or `base`, not both/],
  ] as Array<[Record<string, unknown>, RegExp]>)('%j', (args, message) => {
    expectError(() => reduceOnPlateau(args as ReduceOnPlateauArgs), ValidationError, 'INVALID_PARAMETER', new RegExp(R + message.source));
  });

  it('missing learningRate (and no base) is MISSING_PARAMETER', () => {
    expectError(() => reduceOnPlateau({}), ValidationError, 'MISSING_PARAMETER', /^reduce_on_plateau: `learningRate` is required\./);
  });

  it('unknown family parameter is UNKNOWN_PARAMETER', () => {
    const resolver: ScheduleResolver = { build: () => (() => 1) as Schedule };
    expectError(
      () => reduceOnPlateauFamily.build({ learningRate: 0.1, min_delta: 0.1 } as never, resolver),
      ValidationError,
      'UNKNOWN_PARAMETER',
      /unknown parameter `min_delta`\. Valid parameters: .*minDelta/,
    );
  });

  it('monitored metric missing from the epoch logs → TrainingError METRIC_NOT_FOUND naming it and the keys present', () => {
    const s = reduceOnPlateau({ learningRate: 0.1 });
    let caught: unknown;
    try {
      s.update(s.init(), { kind: 'epoch', step: 10, epoch: 0, logs: { loss: 0.5, acc: 0.8 } });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TrainingError);
    expect((caught as TrainingError).code).toBe('METRIC_NOT_FOUND');
    expect((caught as Error).message).toMatch(/metric `val_loss` is not in the epoch logs \(epoch 0\)\. Available: loss, acc\./);
    expect((caught as TrainingError).details).toMatchObject({ metric: 'val_loss', available: ['loss', 'acc'] });
    expectError(
      () => s.update(s.init(), { kind: 'epoch', step: 10, epoch: 0 }),
      TrainingError,
      'METRIC_NOT_FOUND',
      /Available: \(none\)/,
    );
  });
});
