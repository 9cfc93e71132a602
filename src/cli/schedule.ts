import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import Table from 'cli-table3';
import { TrainingError, ValidationError } from '../core/errors.js';
import { displayPath, readJsonFile } from '../core/json-validation.js';
import { isStatefulSchedule, type BuiltSchedule, type ScheduleContext } from '../schedules/schedule.js';
import type { CliContext } from './context.js';
import { printFamilies } from './families.js';
import { inFile } from './io.js';
import { parseMetrics, type EpochLogs } from './metrics.js';
import { integerOption, missingOption } from './options.js';
import { readSpec } from './spec-argument.js';

export interface ScheduleValuesArgs {
  /** Steps to compute (0..steps-1). */
  readonly steps: number;
  /** Optimizer steps per epoch; required with `metrics`. Defaults to undefined. */
  readonly stepsPerEpoch?: number;
  /** Per-epoch logs fed to stateful schedules at each epoch end. Defaults to none. */
  readonly metrics?: EpochLogs;
  /** Name of the metrics source, for messages. Defaults to "--metrics". */
  readonly metricsLabel?: string;
}

export interface ScheduleValues {
  readonly lr: number[];
  /** Present when the schedule also drives momentum (one-cycle). */
  readonly momentum?: number[];
}

/**
 * Evaluates a built schedule at steps 0..steps-1 the way the fit callback drives it: the LR for a
 * step is read before the step; at the end of each epoch (every `stepsPerEpoch` steps) a stateful
 * schedule observes that epoch's logs, so a reduction shows from the next epoch's first step on
 * (Keras' ReduceLROnPlateau.on_epoch_end, PyTorch's scheduler.step(val_loss) after each epoch).
 */
export function scheduleValues(schedule: BuiltSchedule, args: ScheduleValuesArgs): ScheduleValues {
  const { steps, stepsPerEpoch, metrics } = args;
  const label = args.metricsLabel ?? '--metrics';
  const ctx: ScheduleContext = { totalSteps: steps, ...(stepsPerEpoch !== undefined ? { stepsPerEpoch } : {}) };
  const lr: number[] = [];
  const momentum: number[] = [];
  const stateful = isStatefulSchedule(schedule) ? schedule : undefined;

  if (stateful?.requires.gradients) {
    throw new ValidationError(
      'GRADIENTS_REQUIRED',
      'This schedule adapts to the gradients of each step (requires.gradients), which `metatune schedule` does not have. ' +
        'Preview it inside training instead: the model.fit callback and the optimizer wrapper feed it the gradients.',
      { rule: 'no gradient-driven schedules' },
    );
  }
  const monitor = stateful?.requires.monitor;
  if (metrics && stepsPerEpoch === undefined) {
    throw new ValidationError('MISSING_OPTION', '`--steps-per-epoch` is required with --metrics: the metrics are per epoch, the output per step.', {
      argument: '--steps-per-epoch',
    });
  }
  // The epoch ending at step N only affects steps after the printed range, so its logs are optional.
  const epochsNeeded = stepsPerEpoch ? Math.floor((steps - 1) / stepsPerEpoch) : 0;
  if (monitor && epochsNeeded > 0) {
    if (!metrics) {
      throw new TrainingError(
        'METRIC_NOT_FOUND',
        `The schedule monitors \`${monitor}\` but no metrics were given. Pass --metrics file.json with one "${monitor}" value per epoch ` +
          `(e.g. [{"${monitor}": 0.9}, {"${monitor}": 0.8}] or {"${monitor}": [0.9, 0.8]}).`,
        { metric: monitor },
      );
    }
    if (metrics.length < epochsNeeded) {
      throw new ValidationError(
        'METRICS_TOO_SHORT',
        `${label}: has ${metrics.length} epochs of logs, but ${steps} steps of ${stepsPerEpoch} per epoch need ${epochsNeeded} ` +
          `(every epoch that ends before the last step). Add epochs to the file or lower --steps.`,
        { epochs: metrics.length, needed: epochsNeeded },
      );
    }
  }

  let state = stateful?.init();
  for (let step = 0; step < steps; step++) {
    const value = stateful ? stateful.value(state, step, ctx) : (schedule as (s: number, c?: ScheduleContext) => number)(step, ctx);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new TrainingError('INVALID_LEARNING_RATE', `The schedule returned learning rate ${String(value)} for step ${step}; it must be a finite number >= 0.`, {
        step,
        lr: value,
      });
    }
    lr.push(value);
    const m = stateful ? stateful.momentum?.(state, step, ctx) : (schedule as { momentum?: (s: number, c?: ScheduleContext) => number }).momentum?.(step, ctx);
    if (m !== undefined) momentum.push(m);

    const done = step + 1;
    if (stateful && stepsPerEpoch && metrics && done % stepsPerEpoch === 0 && done < steps) {
      const epoch = done / stepsPerEpoch - 1;
      const logs = metrics[epoch];
      if (!logs) break; // only reachable for schedules without a monitor: nothing more to feed
      if (monitor && typeof logs[monitor] !== 'number') {
        throw new TrainingError(
          'METRIC_NOT_FOUND',
          `${label}: epoch ${epoch} has no \`${monitor}\`, which the schedule monitors. Available: ${Object.keys(logs).join(', ') || '(none)'}. ` +
            `Add "${monitor}" to every epoch, or set the schedule's monitor to one of the available keys.`,
          { metric: monitor, epoch, available: Object.keys(logs) },
        );
      }
      state = stateful.update(state, { kind: 'epoch', step: done, epoch, logs });
    }
  }
  return momentum.length === lr.length && momentum.length > 0 ? { lr, momentum } : { lr };
}

interface ScheduleOptions {
  spec?: string;
  steps?: string;
  stepsPerEpoch?: string;
  metrics?: string;
  format?: 'json' | 'table';
  list?: boolean;
}

export function registerScheduleCommand(program: Command, ctx: CliContext): void {
  program
    .command('schedule')
    .description('print the learning rate of every step 0..N-1 of a schedule spec (native, Keras, PyTorch, optax or fastai)')
    .option('--spec <json|file>', 'the schedule spec: inline JSON or a .json file')
    .option('--steps <n>', 'number of optimizer steps to print')
    .option('--steps-per-epoch <k>', 'optimizer steps per epoch (epoch-based schedules, --metrics)')
    .option('--metrics <file>', 'per-epoch logs fed to adaptive schedules at each epoch end: [{"val_loss": ...}, ...] or {"val_loss": [...]}')
    .addOption(new Option('--format <format>', 'output format (default: json; table for --list)').choices(['json', 'table']))
    .option('--list', 'list the registered schedule families instead (same as `metatune families`)')
    .action(async (opts: ScheduleOptions) => {
      const runtime = await ctx.runtime();
      if (opts.list) return printFamilies(runtime, ctx.io, opts.format ?? 'table');
      if (opts.spec === undefined) missingOption('--spec', `metatune schedule --spec '{"family": "cosine_decay", "params": {"initialLearningRate": 0.1, "decaySteps": 100}}' --steps 100`);
      if (opts.steps === undefined) missingOption('--steps', 'metatune schedule --spec spec.json --steps 100');
      const steps = integerOption('--steps', opts.steps, 1);
      const stepsPerEpoch = opts.stepsPerEpoch === undefined ? undefined : integerOption('--steps-per-epoch', opts.stepsPerEpoch, 1);
      const { spec, label } = readSpec(opts.spec, { cwd: ctx.io.cwd, schedules: runtime.schedules });
      let metrics: EpochLogs | undefined;
      let metricsLabel: string | undefined;
      if (opts.metrics !== undefined) {
        const path = resolve(ctx.io.cwd, opts.metrics);
        metricsLabel = displayPath(path);
        metrics = parseMetrics(readJsonFile(path, metricsLabel), metricsLabel);
      }
      let built: BuiltSchedule;
      try {
        built = runtime.schedules.build(spec);
      } catch (err) {
        throw inFile(err, label);
      }
      if (metrics && !isStatefulSchedule(built)) ctx.io.stderr(`note: this schedule does not adapt to metrics; ${metricsLabel} has no effect.\n`);
      const values = scheduleValues(built, { steps, stepsPerEpoch, metrics, metricsLabel });
      if (opts.format !== 'table') {
        ctx.io.stdout(`${JSON.stringify(values.lr)}\n`);
        return;
      }
      const head = ['step', ...(stepsPerEpoch ? ['epoch'] : []), 'learning rate', ...(values.momentum ? ['momentum'] : [])];
      const table = new Table({ head, style: { head: [], border: [] } });
      values.lr.forEach((lr, step) => {
        table.push([
          String(step),
          ...(stepsPerEpoch ? [String(Math.floor(step / stepsPerEpoch))] : []),
          String(lr),
          ...(values.momentum ? [String(values.momentum[step])] : []),
        ]);
      });
      ctx.io.stdout(`${table.toString()}\n`);
    });
}
