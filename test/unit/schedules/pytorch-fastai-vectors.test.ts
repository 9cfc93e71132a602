/**
 * The 71 reference sequences of test/fixtures/schedule-vectors/pytorch_fastai.json (PyTorch's
 * test_lrscheduler.py and fastai's schedule notebook), each rebuilt as a `torch` / `fastai` interop
 * spec and evaluated through the schedule registry with the entry's own step convention.
 */
import { readFileSync } from 'node:fs';
import { Container } from 'inversify';
import { TOKENS } from '../../../src/core/tokens.js';
import { ScheduleRegistry } from '../../../src/schedules/registry.js';
import {
  isStatefulSchedule,
  type BuiltSchedule,
  type Schedule,
  type ScheduleContext,
  type ScheduleFamily,
  type ScheduleSpecFormat,
} from '../../../src/schedules/schedule.js';
import interopPytorch from '../../../plugins/interop-pytorch/index.js';
import interopFastai from '../../../plugins/interop-fastai/index.js';
import schedulesAdaptive from '../../../plugins/schedules-adaptive/index.js';

interface Entry {
  id: string;
  library: 'pytorch' | 'fastai';
  schedule: string;
  params: Record<string, unknown>;
  base_lr: number | null;
  base_lr_group1?: number;
  step_unit: string;
  step_semantics: string;
  steps: number[];
  expected_lr: number[];
  expected_momentum?: number[];
  expected_lr_group1?: number[];
  metrics?: number[];
  tolerance: { atol: number; rtol?: number };
}

const entries: Entry[] = JSON.parse(
  readFileSync(new URL('../../fixtures/schedule-vectors/pytorch_fastai.json', import.meta.url), 'utf8'),
);

/** The registry the way the container builds it: contributions collected from the plugins' ContainerModules. */
function makeRegistry(): ScheduleRegistry {
  const container = new Container();
  container.load(schedulesAdaptive, interopPytorch, interopFastai);
  const families = container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily).map((value) => ({ plugin: 'test', value }));
  const formats = container.getAll<ScheduleSpecFormat>(TOKENS.ScheduleSpecFormat).map((value) => ({ plugin: 'test', value }));
  return new ScheduleRegistry(families, formats);
}
const registry = makeRegistry();

function expectClose(actual: readonly number[], expected: readonly number[], tol: Entry['tolerance'], label: string): void {
  expect(actual).toHaveLength(expected.length);
  const bad = expected
    .map((e, i) => ({ i, e, a: actual[i] }))
    .filter(({ e, a }) => !(Math.abs(a - e) <= tol.atol + (tol.rtol ?? 0) * Math.abs(e)));
  if (bad.length > 0) {
    throw new Error(`${label}: ${bad.length} value(s) outside atol=${tol.atol}: ${JSON.stringify(bad.slice(0, 5))}`);
  }
}

/**
 * The entries' `lr_lambda` params are Python lambdas described in prose; these are the same
 * functions as expressions (one per param group, as the tests pass a list of lambdas).
 */
const LAMBDAS: Record<string, string[]> = {
  'pytorch/test_lambda_lr': ['0.9 ^ epoch', '0.8 ^ epoch'],
  'pytorch/test_multiplicative_lr': ['0.9', '0.8'],
};

const PLATEAU_TIMING = 'LR AFTER consuming metrics';

/** The torch spec for an entry, for param group `group` (group 1 = the tests' second group). */
function torchSpec(e: Entry, group: 0 | 1): Record<string, unknown> {
  const spec: Record<string, unknown> = { torch: e.schedule, kwargs: { ...e.params } };
  if (e.base_lr !== null) spec.base_lr = e.base_lr_group1 !== undefined ? [e.base_lr, e.base_lr_group1] : e.base_lr;
  if (group === 1) spec.param_group = 1;
  if (LAMBDAS[e.id]) spec.kwargs = { lr_lambda: LAMBDAS[e.id] };
  const compound = /^compound\(/.exec(e.schedule);
  if (compound) {
    // Several schedulers stepped one after the other on one optimizer every epoch is exactly what
    // ChainedScheduler.step() does (its children are built in the same order on the same optimizer).
    spec.torch = 'ChainedScheduler';
    spec.kwargs = { schedulers: e.params.schedulers_stepped_together };
  }
  return spec;
}

function epochContext(e: Entry): { spec: (s: Record<string, unknown>) => Record<string, unknown>; ctx: ScheduleContext; steps: number[] } {
  if (e.step_unit === 'batch') return { spec: (s) => s, ctx: {}, steps: e.steps };
  if (e.schedule === 'CosineAnnealingWarmRestarts' && e.step_semantics.startsWith('for each epoch in steps: scheduler.step(epoch)')) {
    // step(epoch) with explicit fractional epochs: PyTorch's per-batch recipe step(epoch + i / iters),
    // here with 10 optimizer steps per epoch (all the test's epochs are multiples of 0.1).
    const steps = e.steps.map((x) => Math.round(x * 10));
    steps.forEach((s, i) => expect(s / 10).toBe(e.steps[i]));
    return { spec: (s) => ({ ...s, interval: 'fractional_epoch' }), ctx: { stepsPerEpoch: 10 }, steps };
  }
  // Epoch schedulers with the default interval "epoch" and one step per epoch: step i = epoch i.
  // (The *_with_epoch entries call step(i) explicitly; for integer epochs that equals the i-th value.)
  return { spec: (s) => s, ctx: { stepsPerEpoch: 1 }, steps: e.steps };
}

function evaluateTorch(e: Entry, group: 0 | 1): { lr: number[]; momentum?: number[] } {
  const { spec, ctx, steps } = epochContext(e);
  const built: BuiltSchedule = registry.build(spec(torchSpec(e, group)));
  if (e.schedule === 'ReduceLROnPlateau') {
    expect(e.step_semantics).toContain(PLATEAU_TIMING);
    if (!isStatefulSchedule(built)) throw new Error('ReduceLROnPlateau must build a stateful schedule');
    expect(built.requires.monitor).toBe('val_loss');
    // One epoch observation per metric; the LR read after it is the LR of the next epoch.
    let state = built.init();
    return {
      lr: (e.metrics as number[]).map((m, epoch) => {
        state = built.update(state, { kind: 'epoch', step: epoch + 1, epoch, logs: { val_loss: m } });
        return built.value(state, epoch + 1, ctx);
      }),
    };
  }
  if (isStatefulSchedule(built)) throw new Error(`${e.schedule} should build a step schedule`);
  const s: Schedule = built;
  return {
    lr: steps.map((step) => s(step, ctx)),
    momentum: s.momentum ? steps.map((step) => s.momentum!(step, ctx)) : undefined,
  };
}

/** fastai entries: pos = step / total_steps, with total_steps from the entry (or 100 for bare f(pos) tests). */
function evaluateFastai(e: Entry): { values: number[]; momentum?: number[] } {
  const p = e.params;
  const total =
    typeof p.n_epoch === 'number' && typeof p.batches_per_epoch === 'number'
      ? p.n_epoch * p.batches_per_epoch
      : typeof p.n_batches === 'number'
        ? p.n_batches
        : 100;
  const steps = e.steps.map((pos) => Math.round(pos * total));
  steps.forEach((s, i) => expect(s / total).toBe(e.steps[i]));
  let spec: Record<string, unknown>;
  let ctx: ScheduleContext = {};
  switch (e.schedule) {
    case 'fit_one_cycle':
    case 'fit_one_cycle(momentum)': {
      // n_epoch with the context's stepsPerEpoch gives total_steps, as in model.fit.
      const { batches_per_epoch: _b, ...kwargs } = p;
      // The momentum entry comes from the same fit (synth_learner lr 1e-2); lr_max does not affect momentum.
      spec = { fastai: 'fit_one_cycle', kwargs: { lr_max: 0.01, ...kwargs } };
      ctx = { stepsPerEpoch: p.batches_per_epoch as number };
      break;
    }
    case 'ParamScheduler(SchedLin)':
      spec = { fastai: 'SchedLin', kwargs: { start: p.start, end: p.end } };
      ctx = { totalSteps: total };
      break;
    default:
      spec = { fastai: e.schedule, kwargs: { ...p, total_steps: total } };
  }
  const built = registry.build(spec);
  if (isStatefulSchedule(built)) throw new Error('fastai schedules are step schedules');
  const values = steps.map((s) => built(s, ctx));
  if (e.schedule === 'fit_one_cycle(momentum)') {
    expect(built.momentum).toBeDefined();
    return { values: steps.map((s) => built.momentum!(s, ctx)) };
  }
  return { values };
}

describe('PyTorch and fastai reference vectors (test/fixtures/schedule-vectors/pytorch_fastai.json)', () => {
  it('has the 71 entries, ids unique', () => {
    expect(entries).toHaveLength(71);
    expect(new Set(entries.map((e) => e.id)).size).toBe(71);
  });

  for (const e of entries) {
    it(e.id, () => {
      if (e.library === 'fastai') {
        expectClose(evaluateFastai(e).values, e.expected_lr, e.tolerance, 'values');
        return;
      }
      const g0 = evaluateTorch(e, 0);
      expectClose(g0.lr, e.expected_lr, e.tolerance, 'lr');
      if (e.expected_momentum) {
        expect(g0.momentum).toBeDefined();
        expectClose(g0.momentum!, e.expected_momentum, e.tolerance, 'momentum');
      }
      if (e.expected_lr_group1) {
        expectClose(evaluateTorch(e, 1).lr, e.expected_lr_group1, e.tolerance, 'lr group 1');
      }
    });
  }
});
