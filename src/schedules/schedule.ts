/**
 * Schedule contracts. Invariants every implementation keeps:
 * - `step` is the 0-based global optimizer step (never the per-epoch batch index).
 * - A `Schedule` is pure: same (step, ctx) → same value; no I/O, no mutation, no tfjs.
 * - A `StatefulSchedule` never mutates the state it is given; `update` returns the next state
 *   (it may reuse large internal buffers such as gradient copies, documented where it does).
 * - Values are finite numbers >= 0; factories validate their arguments eagerly and throw
 *   `ValidationError` (code `INVALID_PARAMETER` / `MISSING_PARAMETER` / `UNKNOWN_PARAMETER`).
 */

/** What a schedule may know about the run it drives. Both fields are in optimizer steps. */
export interface ScheduleContext {
  /** Total optimizer steps of the run when known (model.fit: epochs × stepsPerEpoch). */
  readonly totalSteps?: number;
  /** Optimizer steps per epoch when known; epoch-based schedules (PyTorch epoch schedulers, Keras callbacks) need it. */
  readonly stepsPerEpoch?: number;
}

/** Maps a 0-based global optimizer step to a learning rate. */
export interface Schedule {
  (step: number, ctx?: ScheduleContext): number;
  /** Present on schedules that also drive momentum (one-cycle): the momentum (or Adam beta1) per step. */
  readonly momentum?: (step: number, ctx?: ScheduleContext) => number;
}

/**
 * What an adaptive schedule observes.
 * - `batch`: after each optimizer step, with that batch's logs (loss).
 * - `epoch`: at the end of each epoch, with the epoch logs (loss, val_loss, metrics).
 * - `gradients`: just before the optimizer applies step `step`'s gradients; only sent to schedules
 *   whose `requires.gradients` is true. The LR returned by `value` afterwards is used for that step.
 */
export interface StepObservation {
  readonly kind: 'batch' | 'epoch' | 'gradients';
  /** Global step: for `gradients` the step about to be applied; for `batch` the step just done; for `epoch` the steps done so far. */
  readonly step: number;
  /** 0-based epoch. */
  readonly epoch: number;
  /** Numeric logs (loss, val_loss, metrics) for `batch` and `epoch` observations. */
  readonly logs?: Readonly<Record<string, number>>;
  /** All trainable gradients flattened into one vector, in a fixed variable order (for `gradients`). */
  readonly gradients?: Float32Array;
}

/** Metric-driven schedules (reduce-on-plateau, hypergradient, learned controllers). */
export interface StatefulSchedule<S = unknown> {
  readonly kind: 'stateful';
  /** What the driver must supply. A missing `monitor` metric is a `TrainingError` (`METRIC_NOT_FOUND`). */
  readonly requires: {
    /** The log key read from `epoch` (or `batch`) observations, e.g. "val_loss". */
    readonly monitor?: string;
    /** True when the schedule needs `gradients` observations (hypergradient descent). */
    readonly gradients?: boolean;
  };
  init(): S;
  update(state: S, obs: StepObservation): S;
  value(state: S, step: number, ctx?: ScheduleContext): number;
  /** Optional momentum driven alongside the LR. */
  momentum?(state: S, step: number, ctx?: ScheduleContext): number | undefined;
}

export type BuiltSchedule = Schedule | StatefulSchedule<unknown>;

export function isStatefulSchedule(s: BuiltSchedule): s is StatefulSchedule<unknown> {
  return typeof s === 'object' && s !== null && (s as StatefulSchedule).kind === 'stateful';
}

/** The native spec: `{"family": "cosine_decay", "params": {...}}`. */
export interface NativeScheduleSpec {
  readonly family: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * Any spec the registry accepts: native, or one of the interop formats (Keras serialized
 * `{class_name, config}`, PyTorch `{torch, kwargs, base_lr}`, optax `{optax, kwargs}`, fastai `{fastai, ...}`).
 */
export type ScheduleSpec = NativeScheduleSpec | Readonly<Record<string, unknown>>;

/** Builds any spec (families use it to build their children: warm-up, join, SequentialLR). */
export interface ScheduleResolver {
  build(spec: ScheduleSpec): BuiltSchedule;
}

/** Extension point `ScheduleFamily` (token `metatune.ScheduleFamily`). */
export interface ScheduleFamily<P = Record<string, unknown>> {
  /** snake_case id used in specs, e.g. "cosine_decay". */
  readonly id: string;
  readonly description: string;
  /** JSON Schema (draft 2020-12) of `params`. */
  readonly paramsSchema: Readonly<Record<string, unknown>>;
  /** Names of the same schedule elsewhere, for the README catalogue and error hints. */
  readonly equivalents?: { readonly keras?: string; readonly pytorch?: string; readonly optax?: string; readonly fastai?: string };
  build(params: P, resolver: ScheduleResolver): BuiltSchedule;
}

/** Extension point `ScheduleSpecFormat` (token `metatune.ScheduleSpecFormat`): a foreign spec format. */
export interface ScheduleSpecFormat {
  /** "keras" | "torch" | "optax" | "fastai" | … */
  readonly id: string;
  /** True when `spec` is written in this format (e.g. has a `torch` key). Must not throw. */
  matches(spec: Readonly<Record<string, unknown>>): boolean;
  /** Which schedule a spec of this format names (PyTorch: the scheduler class). Defaults to the spec's envelope key, else the format id. */
  nameOf?(spec: Readonly<Record<string, unknown>>): string | undefined;
  /**
   * JSON Schema (draft 2020-12) of this format's specs. schemas/schedule-spec.schema.json checks only
   * the envelope (native `{family, params}` or some other object); the format whose `matches` is true
   * checks the rest against this, so its shape errors read `<file>: <pointer>: expected …, found …`.
   * Defaults to none (the format's `build` checks everything).
   */
  readonly specSchema?: Readonly<Record<string, unknown>>;
  /** One line showing a spec of this format, for messages that list the accepted shapes. Defaults to `a "<id>" spec`. */
  readonly shape?: string;
  build(spec: Readonly<Record<string, unknown>>, resolver: ScheduleResolver): BuiltSchedule;
}
