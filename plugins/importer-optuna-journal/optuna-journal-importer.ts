import { createHash } from 'node:crypto';
import type { ImportContext, ImportEvent, ImportInput, Importer } from '../../src/traces/importer.js';
import type { OptimizerRef, RunStatus, TraceEpoch, TraceOutcome } from '../../src/traces/trace.js';
import { headLines, readLineBatches, shortText, taskFor } from '../../src/traces/import-support.js';
import { DIRECTION, JournalReplay, TRIAL_STATE, type JournalTrial } from './journal-replay.js';

export const OPTUNA_JOURNAL_ID = 'optuna-journal';

/** Trial params that are optimizer hyperparameters; everything else goes to model.params. */
const LR_PARAMS = /^(lr|learning_rate|learning-rate|learningrate|initial_lr|lr_init|learning_rate_init)$/i;
const OPTIMIZER_PARAM = /^(optimizer|optimizer_name|optim)$/i;

const STATUS: Record<(typeof TRIAL_STATE)[number], RunStatus> = {
  RUNNING: 'running',
  COMPLETE: 'completed',
  PRUNED: 'pruned',
  FAIL: 'failed',
  WAITING: 'running',
};

/** The metric name intermediate values get: Optuna does not say what the objective measures. */
export const OBJECTIVE = 'objective';

/**
 * Optuna `JournalStorage` logs (`JournalFileBackend`, one JSON op per line, spaced or compact
 * separators). Each trial of each live study becomes a run: intermediate values are epochs by step
 * (metric `objective`), the final value is `outcome.final`, `lr`/`learning_rate` params are optimizer
 * hyperparameters and the rest model params.
 */
export const optunaJournalImporter: Importer = {
  id: OPTUNA_JOURNAL_ID,
  description: 'Optuna JournalStorage log (JournalFileBackend): one run per trial',

  sniff({ head }: ImportInput): boolean {
    const first = headLines(head, 3).find((l) => l.trim() !== '');
    if (!first) return false;
    try {
      const op = JSON.parse(first) as Record<string, unknown>;
      return typeof op === 'object' && op !== null && typeof op.op_code === 'number' && 'worker_id' in op;
    } catch {
      return false;
    }
  },

  async *import(input: ImportInput, ctx: ImportContext): AsyncGenerator<ImportEvent> {
    const file = input.path;
    const replay = new JournalReplay();
    for await (const { lines, firstLine } of readLineBatches(file, ctx.onBytes)) {
      for (let i = 0; i < lines.length; i++) {
        const text = lines[i]!;
        if (text.trim() === '') continue;
        let op: unknown;
        try {
          op = JSON.parse(text);
        } catch (err) {
          // Optuna itself stops at a half-written last line (a writer died mid-append); we report it and go on.
          yield { kind: 'rejection', file, line: firstLine + i, expected: 'one JSON journal operation per line', found: `${shortText(text, 40)} (${(err as Error).message})`, code: 'INVALID_JSON' };
          continue;
        }
        replay.apply(op, firstLine + i, text);
      }
    }
    for (const p of replay.problems) yield { kind: 'rejection', file, ...p };
    for (const study of replay.studies) {
      if (study.deleted) continue;
      for (const trial of study.trials) yield { kind: 'run', run: trialRun(trial, file, ctx) };
    }
  },
};

function trialRun(trial: JournalTrial, file: string, ctx: ImportContext) {
  const study = trial.study;
  const direction = DIRECTION[study.directions[0] ?? 1] ?? 'minimize';
  const mode: 'min' | 'max' = direction === 'maximize' ? 'max' : 'min';
  const steps = [...trial.intermediate.keys()].sort((a, b) => a - b);
  const epochs: TraceEpoch[] = steps.map((step) => ({ epoch: step, metrics: { [OBJECTIVE]: trial.intermediate.get(step)! } }));

  const hyper: Record<string, number | string | boolean | null> = {};
  const modelParams: Record<string, unknown> = {};
  let className = 'unknown';
  for (const [name, value] of Object.entries(trial.params)) {
    if (LR_PARAMS.test(name) && typeof value === 'number') hyper[name] = value;
    else if (OPTIMIZER_PARAM.test(name) && typeof value === 'string') className = value;
    else modelParams[name] = value;
  }
  const optimizer: OptimizerRef | undefined = Object.keys(hyper).length || className !== 'unknown' ? { className, hyperparameters: hyper } : undefined;

  const state = TRIAL_STATE[trial.state] ?? 'RUNNING';
  const status = STATUS[state];
  const lastEpoch = steps.length ? steps[steps.length - 1]! : 0;
  const outcome: { -readonly [K in keyof TraceOutcome]: TraceOutcome[K] } = { epochsRun: epochs.length };
  const points = steps.map((s) => ({ value: trial.intermediate.get(s)!, epoch: s }));
  const finalValue = trial.values?.[0];
  if (typeof finalValue === 'number' && Number.isFinite(finalValue)) {
    outcome.final = { name: OBJECTIVE, value: finalValue, epoch: lastEpoch };
    points.push({ value: finalValue, epoch: lastEpoch });
  }
  const best = points.filter((p) => Number.isFinite(p.value)).reduce<(typeof points)[number] | undefined>(
    (b, p) => (!b || (mode === 'min' ? p.value < b.value : p.value > b.value) ? p : b),
    undefined,
  );
  if (best) outcome.best = { name: OBJECTIVE, value: best.value, epoch: best.epoch, mode };
  if (trial.datetimeStart && trial.datetimeComplete) {
    const ms = Date.parse(`${trial.datetimeComplete}Z`) - Date.parse(`${trial.datetimeStart}Z`);
    if (Number.isFinite(ms) && ms >= 0) outcome.wallTimeMs = ms;
  }
  if (state === 'FAIL') outcome.reason = 'Optuna trial state FAIL';

  const notes: string[] = [`Optuna study "${study.name}" trial #${trial.number} (${state}, direction ${direction}); intermediate values are the \`${OBJECTIVE}\` metric, epoch = reported step`];
  if (trial.values && trial.values.length > 1) notes.push(`multi-objective: values ${JSON.stringify(trial.values)}; outcome.final holds the first`);
  // Optuna writes naive local datetimes; read as UTC. A corrupt one is left out, not fatal.
  const completed = trial.datetimeComplete ? Date.parse(`${trial.datetimeComplete}Z`) : Number.NaN;
  const finishedAt = Number.isFinite(completed) ? new Date(completed).toISOString() : undefined;
  const hash = createHash('sha256').update(study.createLine).update('\n');
  for (const l of trial.lines) hash.update(l).update('\n');
  return {
    task: taskFor(ctx, `optuna:${study.name}`, study.name),
    ...(Object.keys(modelParams).length ? { model: { name: `optuna:${study.name}`, params: modelParams } } : {}),
    ...(optimizer ? { optimizer } : {}),
    epochs,
    status,
    ...(status !== 'running' ? { outcome } : {}),
    ...(finishedAt ? { finishedAt } : {}),
    environment: { framework: 'optuna' },
    provenance: {
      importer: OPTUNA_JOURNAL_ID,
      file,
      line: trial.line,
      contentHash: hash.digest('hex'),
      sourceKey: `${study.name}#${trial.number}`,
      notes,
    },
  };
}
