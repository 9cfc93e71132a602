/**
 * The `torch` spec format beyond the reference vectors: the interval convention (how optimizer
 * steps map to PyTorch epochs), purity of the memoised replay, per-param-group kwargs, PyTorch's
 * documented examples, and the errors (codes and messages naming PyTorch's arguments).
 */
import { readFileSync } from 'node:fs';
import { Container } from 'inversify';
import { MetatuneError } from '../../../src/core/errors.js';
import { TOKENS } from '../../../src/core/tokens.js';
import { ScheduleRegistry } from '../../../src/schedules/registry.js';
import { isStatefulSchedule, type Schedule, type ScheduleSpecFormat } from '../../../src/schedules/schedule.js';
import interopPytorch, { SUPPORTED_TORCH_SCHEDULERS, torchSpecFormat } from '../../../plugins/interop-pytorch/index.js';
import { reduceOnPlateauFamily } from '../../../plugins/schedules-adaptive/index.js';

const registry = new ScheduleRegistry([{ plugin: 'schedules-adaptive', value: reduceOnPlateauFamily }], [{ plugin: 'interop-pytorch', value: torchSpecFormat }]);

function build(spec: Record<string, unknown>): Schedule {
  const s = registry.build(spec);
  if (isStatefulSchedule(s)) throw new Error('expected a step schedule');
  return s;
}

/** Runs `fn` and returns the MetatuneError it throws. */
function caught(fn: () => unknown): MetatuneError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MetatuneError) return err;
    throw err;
  }
  throw new Error('expected a MetatuneError');
}

const close = (a: readonly number[], b: readonly number[], atol = 1e-12): void => {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(atol));
};

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('plugin interop-pytorch', () => {
  it('contributes the "torch" spec format through its ContainerModule and manifest', () => {
    const container = new Container();
    container.load(interopPytorch);
    const formats = container.getAll<ScheduleSpecFormat>(TOKENS.ScheduleSpecFormat);
    expect(formats.map((f) => f.id)).toEqual(['torch']);
    expect(formats[0].matches({ torch: 'StepLR' })).toBe(true);
    expect(formats[0].matches({ class_name: 'ExponentialDecay' })).toBe(false);
    const manifest = JSON.parse(readFileSync(new URL('../../../plugins/interop-pytorch/plugin.json', import.meta.url), 'utf8'));
    expect(manifest.contributes).toEqual({ scheduleSpecFormats: ['torch'] });
  });

  it('supports every built-in torch.optim.lr_scheduler class and SWALR', () => {
    expect(SUPPORTED_TORCH_SCHEDULERS).toEqual(
      [
        'ChainedScheduler', 'ConstantLR', 'CosineAnnealingLR', 'CosineAnnealingWarmRestarts', 'CyclicLR', 'ExponentialLR',
        'LambdaLR', 'LinearLR', 'MultiStepLR', 'MultiplicativeLR', 'OneCycleLR', 'PolynomialLR', 'ReduceLROnPlateau',
        'SWALR', 'SequentialLR', 'StepLR',
      ].sort(),
    );
  });
});

describe('interval: optimizer step → PyTorch epoch', () => {
  const stepLR = { torch: 'StepLR', kwargs: { step_size: 2, gamma: 0.1 }, base_lr: 1 };

  it('"epoch" (default for epoch schedulers) holds the LR for stepsPerEpoch steps', () => {
    const s = build(stepLR);
    const lrs = range(30).map((step) => s(step, { stepsPerEpoch: 5 }));
    // epochs 0-1 (steps 0-9) 1.0, epochs 2-3 (steps 10-19) 0.1, epochs 4-5 (steps 20-29) 0.01
    close(lrs, [...Array(10).fill(1), ...Array(10).fill(0.1), ...Array(10).fill(0.01)], 1e-15);
  });

  it('"epoch" gives the same values as PyTorch\'s epoch loop whatever stepsPerEpoch is', () => {
    const s = build({ torch: 'CosineAnnealingLR', kwargs: { T_max: 4 }, base_lr: 0.1 });
    const perEpoch = range(12).map((e) => s(e, { stepsPerEpoch: 1 }));
    const perStep = range(12 * 7).map((step) => s(step, { stepsPerEpoch: 7 }));
    close(perStep, perEpoch.flatMap((v) => Array(7).fill(v)), 0);
  });

  it('"step" steps the epoch scheduler once per optimizer step and needs no stepsPerEpoch', () => {
    const s = build({ ...stepLR, interval: 'step' });
    close(range(6).map((step) => s(step)), [1, 1, 0.1, 0.1, 0.01, 0.01], 1e-15);
  });

  it('CyclicLR and OneCycleLR default to "step" (per batch), also inside a composite', () => {
    const cyclic = build({ torch: 'CyclicLR', kwargs: { base_lr: 1, max_lr: 5, step_size_up: 4, cycle_momentum: false } });
    close(range(9).map((step) => cyclic(step)), [1, 2, 3, 4, 5, 4, 3, 2, 1]);
    expect(cyclic.momentum).toBeUndefined();
    const chained = build({
      torch: 'ChainedScheduler',
      kwargs: { schedulers: [{ torch: 'OneCycleLR', kwargs: { max_lr: 1, total_steps: 10, anneal_strategy: 'linear' } }] },
      base_lr: 0.5, // the optimizer's lr, overwritten by OneCycleLR's max_lr / div_factor
    });
    expect(chained(0)).toBeCloseTo(0.04, 12);
    expect(chained.momentum).toBeDefined();
  });

  it('an explicit "epoch" interval on CyclicLR steps it per epoch', () => {
    const s = build({ torch: 'CyclicLR', kwargs: { base_lr: 1, max_lr: 5, step_size_up: 4 }, interval: 'epoch' });
    close(range(10).map((step) => s(step, { stepsPerEpoch: 2 })), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('"fractional_epoch" is PyTorch\'s per-batch recipe for CosineAnnealingWarmRestarts: step(epoch + i / iters)', () => {
    const s = build({ torch: 'CosineAnnealingWarmRestarts', kwargs: { T_0: 2, T_mult: 2 }, base_lr: 1, interval: 'fractional_epoch' });
    // T_0 = 2 epochs of 4 batches: restart at epoch 2 (step 8) into a 4-epoch cycle.
    const expected = range(12).map((step) => {
      const epoch = step / 4;
      const [tCur, tI] = epoch < 2 ? [epoch, 2] : [epoch - 2, 4];
      return (1 + Math.cos((Math.PI * tCur) / tI)) / 2;
    });
    close(range(12).map((step) => s(step, { stepsPerEpoch: 4 })), expected, 1e-15);
  });
});

describe('PyTorch semantics', () => {
  it('CosineAnnealingLR is not clamped at T_max: the recursive form rises again (period 2·T_max)', () => {
    const s = build({ torch: 'CosineAnnealingLR', kwargs: { T_max: 5 }, base_lr: 1 });
    const closed = range(16).map((t) => (1 + Math.cos((Math.PI * t) / 5)) / 2);
    close(range(16).map((e) => s(e, { stepsPerEpoch: 1 })), closed, 1e-12);
    expect(s(10, { stepsPerEpoch: 1 })).toBeCloseTo(1, 12);
  });

  it('SequentialLR restarts the next scheduler at its own epoch 0 (PyTorch docstring example)', () => {
    // torch docs: ConstantLR(factor=0.1, total_iters=20) then ExponentialLR(gamma=0.9) at milestone 20, lr 0.05:
    // 0.005 for epochs 0-19, then 0.05, 0.045, 0.0405.
    const s = build({
      torch: 'SequentialLR',
      kwargs: { schedulers: [{ torch: 'ConstantLR', kwargs: { factor: 0.1, total_iters: 20 } }, { ExponentialLR: { gamma: 0.9 } }], milestones: [20] },
      base_lr: 0.05,
    });
    close(range(23).map((e) => s(e, { stepsPerEpoch: 1 })), [...Array(20).fill(0.005), 0.05, 0.045, 0.0405], 1e-15);
  });

  it('ChainedScheduler multiplies its children\'s effects', () => {
    const s = build({
      torch: 'ChainedScheduler',
      kwargs: { schedulers: [{ ConstantLR: { factor: 0.1, total_iters: 2 } }, { ExponentialLR: { gamma: 0.9 } }] },
      base_lr: 1,
    });
    close(range(5).map((e) => s(e, { stepsPerEpoch: 1 })), [0.1, 0.09, 0.81, 0.729, 0.6561], 1e-15);
  });

  it('LambdaLR / MultiplicativeLR evaluate lr_lambda expressions (Python ** accepted)', () => {
    const lambda = build({ torch: 'LambdaLR', kwargs: { lr_lambda: 'epoch < 3 ? (epoch + 1) / 3 : 0.5 ** (epoch - 2)' }, base_lr: 0.3, interval: 'step' });
    close(range(6).map((e) => lambda(e)), [0.1, 0.2, 0.3, 0.15, 0.075, 0.0375], 1e-15);
    const mult = build({ torch: 'MultiplicativeLR', kwargs: { lr_lambda: 'floor(epoch / 2) == 1 ? 0.5 : 1' }, base_lr: 1, interval: 'step' });
    close(range(5).map((e) => mult(e)), [1, 1, 0.5, 0.25, 0.25]);
    const floored = build({ torch: 'LambdaLR', kwargs: { lr_lambda: 'max(0.25, 0.5 ^ epoch)' }, base_lr: 1, interval: 'step' });
    close(range(4).map((e) => floored(e)), [1, 0.5, 0.25, 0.25]);
  });

  it('per-group kwargs lists pick the entry of `param_group`', () => {
    const spec = { torch: 'OneCycleLR', kwargs: { max_lr: [0.1, 1.0], total_steps: 10, base_momentum: [0.8, 0.5] } };
    const g0 = build(spec);
    const g1 = build({ ...spec, param_group: 1 });
    expect(g0(0)).toBeCloseTo(0.004, 15);
    expect(g1(0)).toBeCloseTo(0.04, 15);
    expect(g1.momentum!(2)).toBeCloseTo(0.5, 15);
  });

  it('evaluation order does not change values (each built schedule memoises its own replay)', () => {
    const spec = { torch: 'SequentialLR', kwargs: { schedulers: [{ LinearLR: { start_factor: 0.2, total_iters: 3 } }, { CosineAnnealingLR: { T_max: 6 } }], milestones: [3] }, base_lr: 0.1 };
    const inOrder = range(12).map((e) => build(spec)(e, { stepsPerEpoch: 1 }));
    const s = build(spec);
    const order = [11, 0, 7, 3, 3, 10, 1, 2, 9, 4, 8, 5, 6];
    const shuffled = new Map(order.map((e) => [e, s(e, { stepsPerEpoch: 1 })]));
    close(range(12).map((e) => shuffled.get(e)!), inOrder, 0);
    const other = build(spec);
    expect(other(11, { stepsPerEpoch: 1 })).toBe(inOrder[11]);
  });

  it('ReduceLROnPlateau becomes the adaptive family reduce_on_plateau with PyTorch semantics', () => {
    const built = registry.build({ torch: 'ReduceLROnPlateau', kwargs: { patience: 1, factor: 0.5 }, base_lr: 0.2, monitor: 'loss' });
    expect(isStatefulSchedule(built)).toBe(true);
    if (!isStatefulSchedule(built)) return;
    expect(built.requires.monitor).toBe('loss');
    let state = built.init();
    const lrs = [1.0, 1.0, 1.0, 1.0].map((loss, epoch) => {
      state = built.update(state, { kind: 'epoch', step: epoch + 1, epoch, logs: { loss } });
      return built.value(state, epoch + 1);
    });
    // PyTorch reduces when num_bad_epochs > patience: after the 2nd bad epoch (epoch 2), again at epoch 4 (not yet).
    close(lrs, [0.2, 0.2, 0.1, 0.1]);
  });
});

describe('errors', () => {
  it('unknown class: UNKNOWN_TORCH_SCHEDULER listing the supported ones', () => {
    const err = caught(() => registry.build({ torch: 'WarmupLR', base_lr: 0.1 }));
    expect(err.code).toBe('UNKNOWN_TORCH_SCHEDULER');
    expect(err.message).toMatch(/unknown PyTorch scheduler "WarmupLR"\. Supported: .*CosineAnnealingWarmRestarts.*SWALR/);
    const nested = caught(() => registry.build({ torch: 'ChainedScheduler', kwargs: { schedulers: [{ torch: 'StepLRR', kwargs: {} }] }, base_lr: 1 }));
    expect(nested.code).toBe('UNKNOWN_TORCH_SCHEDULER');
    expect(nested.message).toMatch(/schedulers\[0\].*"StepLRR"/);
  });

  it('bad lambda: INVALID_LAMBDA naming the expression', () => {
    const unparsable = caught(() => registry.build({ torch: 'LambdaLR', kwargs: { lr_lambda: '0.9 ^^ epoch' }, base_lr: 1 }));
    expect(unparsable.code).toBe('INVALID_LAMBDA');
    expect(unparsable.message).toMatch(/`lr_lambda`.*does not parse.*Received: lr_lambda="0\.9 \^\^ epoch"/);
    const unknownVar = caught(() => registry.build({ torch: 'MultiplicativeLR', kwargs: { lr_lambda: 'gamma ^ epoch' }, base_lr: 1 }));
    expect(unknownVar.code).toBe('INVALID_LAMBDA');
    expect(unknownVar.message).toMatch(/`gamma` is a function, not a variable/);
    expect(caught(() => registry.build({ torch: 'LambdaLR', kwargs: { lr_lambda: 'beta ^ epoch' }, base_lr: 1 })).message).toMatch(/unknown name\(s\) beta/);
    // No member access, no function definitions: nothing outside arithmetic is reachable.
    expect(caught(() => registry.build({ torch: 'LambdaLR', kwargs: { lr_lambda: 'epoch.constructor' }, base_lr: 1 })).code).toBe('INVALID_LAMBDA');
    expect(caught(() => registry.build({ torch: 'LambdaLR', kwargs: { lr_lambda: 'f(x) = x' }, base_lr: 1 })).code).toBe('INVALID_LAMBDA');
    expect(caught(() => registry.build({ torch: 'LambdaLR', kwargs: { lr_lambda: '1 / epoch' }, base_lr: 1 })).message).toMatch(/Infinity at epoch=0/);
  });

  it('missing stepsPerEpoch for an epoch interval: STEPS_PER_EPOCH_REQUIRED with the fix', () => {
    const s = build({ torch: 'ExponentialLR', kwargs: { gamma: 0.9 }, base_lr: 0.1 });
    const err = caught(() => s(3));
    expect(err.code).toBe('STEPS_PER_EPOCH_REQUIRED');
    expect(err.message).toMatch(/stepsPerEpoch.*"interval": "step"/);
    expect(caught(() => s(3, { totalSteps: 100 })).code).toBe('STEPS_PER_EPOCH_REQUIRED');
  });

  it('bad kwargs use PyTorch\'s argument names', () => {
    const typo = caught(() => registry.build({ torch: 'StepLR', kwargs: { step_sise: 3 }, base_lr: 0.1 }));
    expect(typo.code).toBe('UNKNOWN_PARAMETER');
    expect(typo.message).toMatch(/unknown parameter `step_sise`\. Valid parameters: step_size, gamma/);
    const missing = caught(() => registry.build({ torch: 'StepLR', kwargs: {}, base_lr: 0.1 }));
    expect(missing.code).toBe('MISSING_PARAMETER');
    expect(missing.message).toMatch(/`step_size` is required/);
    const zero = caught(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 0 }, base_lr: 0.1 }));
    expect(zero.code).toBe('INVALID_PARAMETER');
    expect(zero.message).toMatch(/torch StepLR: `step_size` must be an integer >= 1\. Received: step_size=0\./);
    expect(caught(() => registry.build({ torch: 'LinearLR', kwargs: { start_factor: 0 }, base_lr: 0.1 })).message).toMatch(/`start_factor` must be in \(0, 1\]/);
    expect(caught(() => registry.build({ torch: 'CyclicLR', kwargs: { base_lr: 0.1, max_lr: 1, mode: 'triangle' } })).message).toMatch(/`mode` must be one of "triangular", "triangular2", "exp_range"/);
    expect(caught(() => registry.build({ torch: 'ReduceLROnPlateau', kwargs: { factor: 1.0 }, base_lr: 0.1 })).message).toMatch(/`factor` must be in \(0, 1\)/);
    expect(caught(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 2, last_epoch: 4 }, base_lr: 0.1 })).message).toMatch(/`last_epoch` must be -1/);
  });

  it('spec-level mistakes', () => {
    expect(caught(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 2 } })).code).toBe('MISSING_PARAMETER');
    expect(caught(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: 0.1, interval: 'batch' })).message).toMatch(
      /`interval` must be one of "epoch", "step", "fractional_epoch"/,
    );
    expect(caught(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: 0.1, interval: 'fractional_epoch' })).message).toMatch(
      /only CosineAnnealingWarmRestarts accepts fractional epochs/,
    );
    expect(caught(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: 0.1, lr: 0.1 })).code).toBe('UNKNOWN_PARAMETER');
    expect(caught(() => registry.build({ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: [0.1], param_group: 1 })).message).toMatch(/`base_lr` lists 1 param groups/);
  });

  it('compositions PyTorch refuses are refused', () => {
    const plateau = caught(() => registry.build({ torch: 'ChainedScheduler', kwargs: { schedulers: [{ ReduceLROnPlateau: {} }] }, base_lr: 1 }));
    expect(plateau.message).toMatch(/ReduceLROnPlateau cannot be nested/);
    const chainedLater = caught(() =>
      registry.build({
        torch: 'SequentialLR',
        kwargs: { schedulers: [{ ConstantLR: {} }, { ChainedScheduler: [{ ExponentialLR: { gamma: 0.9 } }] }], milestones: [3] },
        base_lr: 1,
      }),
    );
    expect(chainedLater.message).toMatch(/`schedulers\[1\]` is a ChainedScheduler, which PyTorch cannot restart/);
    const milestones = caught(() => registry.build({ torch: 'SequentialLR', kwargs: { schedulers: [{ ConstantLR: {} }, { ConstantLR: {} }], milestones: [] }, base_lr: 1 }));
    expect(milestones.message).toMatch(/`milestones` must be 1 strictly increasing integer/);
  });

  it('OneCycleLR past total_steps fails like PyTorch, with the fix', () => {
    const s = build({ torch: 'OneCycleLR', kwargs: { max_lr: 0.1, total_steps: 10 } });
    expect(Number.isFinite(s(10))).toBe(true);
    const err = caught(() => s(11));
    expect(err.code).toBe('SCHEDULE_EXHAUSTED');
    expect(err.message).toMatch(/tried to step 11 times; the specified number of total steps is 10/);
  });
});
