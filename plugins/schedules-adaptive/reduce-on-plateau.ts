import { TrainingError, ValidationError, describeValue } from '../../src/core/errors.js';
import { invalidArgument, rejectUnknownKeys, requireInRange, requireInteger, requireMissing, requireNonNegative, requireOneOf, requirePositive } from '../../src/core/validation.js';
import {
  isStatefulSchedule,
  type Schedule,
  type ScheduleContext,
  type ScheduleFamily,
  type ScheduleResolver,
  type ScheduleSpec,
  type StatefulSchedule,
  type StepObservation,
} from '../../src/schedules/schedule.js';
import {
  initialCounters,
  kerasRule,
  optaxRule,
  pytorchRule,
  type PlateauCounters,
  type PlateauDirection,
} from './plateau-rules.js';

const WHERE = 'reduce_on_plateau';

export type PlateauSemantics = 'keras' | 'pytorch' | 'optax';
export type PlateauMode = 'min' | 'max' | 'auto';

export interface ReduceOnPlateauArgs {
  /** The starting learning rate. Required unless `base` is given (the two are exclusive). */
  learningRate?: number;
  /**
   * An underlying step schedule: the LR becomes `base(step) × scale`, where `scale` is the product
   * of the reductions so far. `minLr` then bounds the *reductions*, not the base: the LR is
   * `max(base(step) × scale, min(minLr, base(step)))`, so a base that itself decays below `minLr`
   * is followed, but a plateau never pushes the LR below `minLr`. Defaults to none.
   */
  base?: Schedule;
  /** Log key read from the observations. Defaults to "val_loss". */
  monitor?: string;
  /** "min", "max", or "auto" (Keras: "max" when `monitor` contains "acc", else "min"). Defaults to "auto". */
  mode?: PlateauMode;
  /** Which library's rule to follow: "keras", "pytorch" or "optax" (they differ; see README). Defaults to "keras". */
  semantics?: PlateauSemantics;
  /** Multiplier applied at each reduction, in (0, 1). Defaults to 0.1. */
  factor?: number;
  /** Bad epochs tolerated before reducing (Keras: reduce at `wait >= patience`; PyTorch: at `> patience`; optax: at `== patience`). Defaults to 10. */
  patience?: number;
  /** Epochs to wait after a reduction before counting bad epochs again. Defaults to 0. */
  cooldown?: number;
  /** Lower bound on the learning rate (Keras `min_lr`, PyTorch `min_lr`). Defaults to 0. */
  minLr?: number;
  /** Keras only: absolute improvement needed to count as better. Defaults to 1e-4. */
  minDelta?: number;
  /** PyTorch only: improvement threshold. Defaults to 1e-4. */
  threshold?: number;
  /** PyTorch only: "rel" (`best × (1 ∓ threshold)`) or "abs" (`best ∓ threshold`). Defaults to "rel". */
  thresholdMode?: 'rel' | 'abs';
  /** PyTorch only: a reduction that changes the LR by no more than `eps` is skipped. Defaults to 1e-8. */
  eps?: number;
  /** optax only: relative tolerance, in [0, 1]. Defaults to 1e-4. */
  rtol?: number;
  /** optax only: absolute tolerance, >= 0 (`rtol` and `atol` cannot both be 0). Defaults to 0. */
  atol?: number;
  /** optax only: number of observations averaged before the rule runs. Defaults to 1. */
  accumulationSize?: number;
  /** optax only: lower bound on the scale, in [0, 1]. Defaults to 0. */
  minScale?: number;
  /** Which observations feed the rule: "epoch" (end-of-epoch logs) or "batch" (per-step logs, e.g. with optax `accumulationSize`). Defaults to "epoch". */
  observe?: 'epoch' | 'batch';
}

/** Immutable state: the rule counters plus nothing else (the LR is derived from `scale`). */
export type ReduceOnPlateauState = Readonly<PlateauCounters>;

const SEMANTIC_ONLY: Record<string, PlateauSemantics> = {
  minDelta: 'keras',
  threshold: 'pytorch',
  thresholdMode: 'pytorch',
  eps: 'pytorch',
  rtol: 'optax',
  atol: 'optax',
  accumulationSize: 'optax',
  minScale: 'optax',
};

const THRESHOLD_OF: Record<PlateauSemantics, string> = {
  keras: '`minDelta`',
  pytorch: '`threshold`/`thresholdMode`',
  optax: '`rtol`/`atol`',
};

/** Keras' `mode="auto"` rule. */
export function inferPlateauDirection(mode: PlateauMode, monitor: string): PlateauDirection {
  if (mode === 'auto') return monitor.includes('acc') ? 'max' : 'min';
  return mode;
}

/**
 * Reduce the learning rate when a monitored metric stops improving (Keras `ReduceLROnPlateau`,
 * PyTorch `ReduceLROnPlateau`, optax `contrib.reduce_on_plateau`; `semantics` picks whose rule).
 * Reads `logs[monitor]` from `epoch` observations (or `batch` ones with `observe: "batch"`); the
 * reduced LR applies from the next step on.
 *
 * @example
 * const s = reduceOnPlateau({ learningRate: 0.1, patience: 2 });
 * let state = s.init();
 * for (const [epoch, valLoss] of [1.0, 1.0, 1.0].entries()) {
 *   state = s.update(state, { kind: 'epoch', step: (epoch + 1) * 10, epoch, logs: { val_loss: valLoss } });
 * }
 * s.value(state, 30); // 0.01: epochs 1 and 2 were bad, Keras reduces at wait >= patience
 */
export function reduceOnPlateau(args: ReduceOnPlateauArgs): StatefulSchedule<ReduceOnPlateauState> {
  const semantics = requireOneOf('semantics', args.semantics ?? 'keras', ['keras', 'pytorch', 'optax'] as const, WHERE);
  for (const [key, owner] of Object.entries(SEMANTIC_ONLY)) {
    if ((args as Record<string, unknown>)[key] !== undefined && owner !== semantics) {
      const value = (args as Record<string, unknown>)[key];
      throw new ValidationError(
        'INVALID_PARAMETER',
        `${WHERE}: \`${key}\` only applies to semantics "${owner}"; semantics "${semantics}" uses ${THRESHOLD_OF[semantics]}. Received: ${key}=${describeValue(value)}.`,
        { argument: key, rule: `semantics "${owner}" only`, received: value },
      );
    }
  }
  if (args.base !== undefined && args.learningRate !== undefined) {
    throw new ValidationError(
      'INVALID_PARAMETER',
      `${WHERE}: give either \`learningRate\` or \`base\`, not both. Received: learningRate=${describeValue(args.learningRate)}, base=<schedule>.`,
      { argument: 'learningRate', rule: 'exclusive with base', received: args.learningRate },
    );
  }
  let base: Schedule;
  if (args.base !== undefined) {
    if (typeof args.base !== 'function') {
      invalidArgument('base', 'a step schedule (a function of the step)', args.base, WHERE);
    }
    base = args.base;
  } else {
    if (args.learningRate === undefined) requireMissing('learningRate', WHERE);
    const lr = requirePositive('learningRate', args.learningRate, WHERE);
    base = () => lr;
  }

  const monitor = args.monitor ?? 'val_loss';
  if (typeof monitor !== 'string' || monitor.length === 0) {
    invalidArgument('monitor', 'a non-empty string', monitor, WHERE);
  }
  const mode = requireOneOf('mode', args.mode ?? 'auto', ['min', 'max', 'auto'] as const, WHERE);
  const direction = inferPlateauDirection(mode, monitor);
  const factor = requireInRange('factor', args.factor ?? 0.1, 0, 1, WHERE, { lo: true, hi: true });
  const patience = requireInteger('patience', args.patience ?? 10, 0, WHERE);
  const cooldown = requireInteger('cooldown', args.cooldown ?? 0, 0, WHERE);
  const minLr = requireNonNegative('minLr', args.minLr ?? 0, WHERE);
  const observe = requireOneOf('observe', args.observe ?? 'epoch', ['epoch', 'batch'] as const, WHERE);

  // The LR for a scale at a step: reductions never go below minLr, the base may.
  const lrFor = (scale: number, step: number, ctx?: ScheduleContext): number => {
    const b = base(step, ctx);
    return Math.max(b * scale, Math.min(minLr, b));
  };

  let rule: (s: PlateauCounters, metric: number, step: number) => PlateauCounters;
  if (semantics === 'keras') {
    const minDelta = requireNonNegative('minDelta', args.minDelta ?? 1e-4, WHERE);
    const ruleArgs = { direction, factor, patience, cooldown, minDelta, minLr };
    rule = (s, m, step) => kerasRule(s, m, ruleArgs, (scale) => lrFor(scale, step));
  } else if (semantics === 'pytorch') {
    const threshold = requireNonNegative('threshold', args.threshold ?? 1e-4, WHERE);
    const thresholdMode = requireOneOf('thresholdMode', args.thresholdMode ?? 'rel', ['rel', 'abs'] as const, WHERE);
    const eps = requireNonNegative('eps', args.eps ?? 1e-8, WHERE);
    const ruleArgs = { direction, factor, patience, cooldown, threshold, thresholdMode, eps };
    rule = (s, m, step) => pytorchRule(s, m, ruleArgs, (scale) => lrFor(scale, step));
  } else {
    const rtol = requireInRange('rtol', args.rtol ?? 1e-4, 0, 1, WHERE);
    const atol = requireNonNegative('atol', args.atol ?? 0, WHERE);
    if (rtol === 0 && atol === 0) {
      throw new ValidationError('INVALID_PARAMETER', `${WHERE}: \`rtol\` and \`atol\` cannot both be 0 (optax). Received: rtol=0, atol=0.`, {
        argument: 'rtol',
        rule: 'rtol > 0 or atol > 0',
        received: 0,
      });
    }
    const accumulationSize = requireInteger('accumulationSize', args.accumulationSize ?? 1, 1, WHERE);
    const minScale = requireInRange('minScale', args.minScale ?? 0, 0, 1, WHERE);
    const ruleArgs = { direction, factor, patience, cooldown, rtol, atol, accumulationSize, minScale };
    // optax only minimises; a maximised metric is fed negated (what optax users do by hand).
    rule = (s, m) => optaxRule(s, direction === 'max' ? -m : m, ruleArgs);
  }

  return {
    kind: 'stateful',
    requires: { monitor },
    init: () => Object.freeze(initialCounters(direction, semantics)),
    update(state, obs: StepObservation) {
      if (obs.kind !== observe) return state;
      const logs = obs.logs ?? {};
      const metric = logs[monitor];
      if (typeof metric !== 'number') {
        const available = Object.keys(logs);
        throw new TrainingError(
          'METRIC_NOT_FOUND',
          `${WHERE}: metric \`${monitor}\` is not in the ${obs.kind} logs (epoch ${obs.epoch}). ` +
            `Available: ${available.length ? available.join(', ') : '(none)'}. ` +
            `Set \`monitor\` to one of them, or give model.fit validation data (validationData / validationSplit) when monitoring a val_ metric.`,
          { metric: monitor, available, epoch: obs.epoch, step: obs.step },
        );
      }
      // A NaN metric flows through: every rule compares it as "not better", as numpy and Python do.
      return Object.freeze(rule(state, metric, obs.step));
    },
    value: (state, step, ctx) => lrFor(state.scale, step, ctx),
  };
}

/** JSON params of the `reduce_on_plateau` family: `ReduceOnPlateauArgs` with `base` as a spec. */
export interface ReduceOnPlateauParams extends Omit<ReduceOnPlateauArgs, 'base'> {
  base?: ScheduleSpec;
}

const PARAM_KEYS = [
  'learningRate', 'base', 'monitor', 'mode', 'semantics', 'factor', 'patience', 'cooldown', 'minLr',
  'minDelta', 'threshold', 'thresholdMode', 'eps', 'rtol', 'atol', 'accumulationSize', 'minScale', 'observe',
] as const;

export const reduceOnPlateauFamily: ScheduleFamily<ReduceOnPlateauParams> = {
  id: 'reduce_on_plateau',
  description:
    'Multiplies the LR by `factor` when `monitor` stops improving for `patience` epochs; Keras (default), PyTorch or optax rules.',
  equivalents: {
    keras: 'keras.callbacks.ReduceLROnPlateau',
    pytorch: 'torch.optim.lr_scheduler.ReduceLROnPlateau',
    optax: 'optax.contrib.reduce_on_plateau',
  },
  paramsSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    properties: {
      learningRate: { type: 'number', exclusiveMinimum: 0 },
      base: { type: 'object' },
      monitor: { type: 'string', minLength: 1, default: 'val_loss' },
      mode: { enum: ['min', 'max', 'auto'], default: 'auto' },
      semantics: { enum: ['keras', 'pytorch', 'optax'], default: 'keras' },
      factor: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.1 },
      patience: { type: 'integer', minimum: 0, default: 10 },
      cooldown: { type: 'integer', minimum: 0, default: 0 },
      minLr: { type: 'number', minimum: 0, default: 0 },
      minDelta: { type: 'number', minimum: 0, default: 0.0001 },
      threshold: { type: 'number', minimum: 0, default: 0.0001 },
      thresholdMode: { enum: ['rel', 'abs'], default: 'rel' },
      eps: { type: 'number', minimum: 0, default: 1e-8 },
      rtol: { type: 'number', minimum: 0, maximum: 1, default: 0.0001 },
      atol: { type: 'number', minimum: 0, default: 0 },
      accumulationSize: { type: 'integer', minimum: 1, default: 1 },
      minScale: { type: 'number', minimum: 0, maximum: 1, default: 0 },
      observe: { enum: ['epoch', 'batch'], default: 'epoch' },
    },
    // Exactly one of learningRate / base (the `properties` repeat is for ajv's strictRequired).
    oneOf: [
      { required: ['learningRate'], properties: { learningRate: true } },
      { required: ['base'], properties: { base: true } },
    ],
  },
  build(params: ReduceOnPlateauParams, resolver: ScheduleResolver) {
    const p = (params ?? {}) as ReduceOnPlateauParams;
    rejectUnknownKeys(p as Readonly<Record<string, unknown>>, PARAM_KEYS, WHERE);
    let base: Schedule | undefined;
    if (p.base !== undefined) {
      if (typeof p.base !== 'object' || p.base === null) {
        invalidArgument('base', 'a schedule spec object', p.base, WHERE);
      }
      const built = resolver.build(p.base);
      if (isStatefulSchedule(built)) {
        invalidArgument('base', 'a step schedule; a stateful (metric-driven) schedule cannot be nested', p.base, WHERE);
      }
      base = built;
    }
    return reduceOnPlateau({ ...p, base });
  },
};
