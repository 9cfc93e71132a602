import { resolve } from 'node:path';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import Table from 'cli-table3';
import { requireInRange, requireInteger } from '../core/validation.js';
import type { MetatuneRuntime } from '../runtime.js';
import { ValidationError } from '../core/errors.js';
import type { Policy } from '../meta/policy.js';
import { fit, type FitEvent, type FitSummary, type RunReport } from '../fit/fit.js';
import { requireBudget } from '../fit/budget.js';
import { DEFAULT_MAX_LEVELS } from '../fit/preprocess.js';
import { resolvePolicy } from '../fit/policy-source.js';
import { BACKEND_NAMES, type BackendName } from '../tfjs/backend.js';
import { openStore, storeUrlOf } from '../traces/get-store.js';
import { DEFAULT_STORE_URL } from '../traces/store-factory.js';
import type { CliIO } from './io.js';

export interface FitCommandDeps {
  readonly io: CliIO;
  runtime(): Promise<MetatuneRuntime>;
  /** Resolves `--policy`. Defaults to the bundled default policy / a policy folder. */
  readonly policy?: (arg: string, runtime: MetatuneRuntime) => Promise<Policy>;
  /** Show the progress bar even when stderr is not a terminal. Defaults to stderr.isTTY. */
  readonly isTTY?: boolean;
}

const pct = (v: number | undefined) => (v === undefined ? '-' : `${(100 * v).toFixed(1)}%`);
const num = (v: number | undefined) => (v === undefined ? '-' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4));

/** The metrics of one run as table cells, in a fixed order per kind. */
function metricCells(summary: FitSummary, r: RunReport, split: 'validation' | 'test'): string[] {
  const m = r[split] as unknown as Record<string, number> | undefined;
  if (summary.kind === 'regression') return [num(m?.rmse), num(m?.mae), num(m?.r2)];
  return [pct(m?.accuracy), pct(m?.balancedAccuracy), pct(m?.macroF1), ...(summary.classes?.length === 2 ? [num(m?.auc)] : [])];
}

export function formatFitReport(s: FitSummary): string {
  const lines: string[] = [];
  lines.push(
    `data: ${s.data} — ${s.rows.train} train / ${s.rows.validation} validation${s.rows.test !== undefined ? ` / ${s.rows.test} test` : ''} rows, ${s.inputs} inputs; target "${s.target}": ${s.kind}${s.classes ? ` (${s.classes.length} classes: ${s.classes.slice(0, 6).join(', ')}${s.classes.length > 6 ? ', …' : ''})` : ''}`,
  );
  lines.push(`backend: ${s.backend}; ${s.epochs} epochs of batch ${s.batchSize}; seed ${s.seed}`);
  const top = s.suggestion.ranked[0];
  lines.push(`suggestion (${s.suggestion.learner.id}): ${s.result.candidate.id}`);
  for (const why of [...(top?.id === s.result.candidate.id ? top.why : []), ...s.suggestion.why].slice(0, 4)) lines.push(`  why: ${why}`);
  const b = s.budget;
  lines.push(
    b.rungs.length > 1
      ? `budget: ${b.requested} run(s), used ${b.used.toFixed(2)} — successive halving over ${b.rungs[0]!.entrants} candidates, rungs at epochs ${b.rungs.map((r) => r.epochs).join(', ')}; ${b.candidates.filter((c) => c.status === 'pruned').length} pruned`
      : `budget: ${b.requested} run(s), used ${b.used.toFixed(2)} — the top suggestion trained once`,
  );
  for (const n of s.notes) lines.push(`note: ${n}`);
  const split: 'validation' | 'test' = s.result.test ? 'test' : 'validation';
  const heads = s.kind === 'regression' ? ['RMSE', 'MAE', 'R²'] : ['accuracy', 'balanced acc', 'macro-F1', ...(s.classes?.length === 2 ? ['AUC'] : [])];
  const table = new Table({ head: ['run', 'model / optimizer / schedule', ...heads.map((h) => `${split} ${h}`), 'train s'], style: { head: [], border: [] } });
  table.push(['metatune fit', s.result.candidate.id, ...metricCells(s, s.result, split), s.result.trainSeconds.toFixed(1)]);
  if (s.tfjsDefaults) table.push(['tfjs defaults', 'mlp-medium / adam 1e-3 / constant', ...metricCells(s, s.tfjsDefaults, split), s.tfjsDefaults.trainSeconds.toFixed(1)]);
  lines.push(table.toString());
  if (s.relativeGain) {
    const metric = s.relativeGain.metric === 'rmse' ? 'RMSE' : s.relativeGain.metric === 'balancedAccuracy' ? 'balanced-accuracy error' : 'error rate';
    lines.push(
      `relative gain over tfjs defaults: ${(100 * s.relativeGain.value).toFixed(1)}% lower ${s.relativeGain.split} ${metric}; wall time ${s.result.trainSeconds.toFixed(1)} s vs ${s.tfjsDefaults!.trainSeconds.toFixed(1)} s (${(s.result.trainSeconds / Math.max(1e-9, s.tfjsDefaults!.trainSeconds)).toFixed(2)}×)`,
    );
  }
  lines.push(`total ${s.timings.totalSeconds.toFixed(1)} s (load ${s.timings.loadSeconds.toFixed(2)}, backend ${s.timings.backendSeconds.toFixed(2)}, featurise ${s.timings.featurizeSeconds.toFixed(2)}, suggest ${s.timings.suggestSeconds.toFixed(3)}, train ${s.timings.trainSeconds.toFixed(1)}, save ${s.timings.saveSeconds.toFixed(2)})`);
  if (s.out) lines.push(`saved to ${s.out}/ (model.json, weights.bin, preprocess.json, fit.json) — predict with: metatune predict --model ${s.out} --data new.csv`);
  return `${lines.join('\n')}\n`;
}

function optionNumber(name: string, value: unknown): number {
  const v = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(v)) {
    throw new ValidationError('INVALID_PARAMETER', `\`${name}\` must be a number. Received: ${name}=${JSON.stringify(value)}.`, { argument: name });
  }
  return v;
}

export function registerFitCommand(program: Command, deps: FitCommandDeps): void {
  const { io } = deps;
  program
    .command('fit')
    .description('train a tfjs model on a CSV/JSON/IDX file with the learned policy: suggestion, budget (successive halving), evaluation, saved model')
    .requiredOption('--data <file>', 'training data (CSV/TSV, JSON rows or {x, y}, IDX; .gz allowed)')
    .requiredOption('--target <column>', 'column to predict, by its header name (x0, x1, … when the file has no header); for IDX, the labels file')
    .option('--test <file>', 'held-out test file with the same columns, evaluated once at the end')
    .option('--policy <default|dir>', 'policy to ask: the bundled default, or a folder from `metatune train --out`', 'default')
    .option('--budget <runs>', 'full training runs worth of epochs to spend (>= 1); above 1: successive halving over the ranked suggestions', '1')
    .option('--epochs <n>', 'epochs of a full run (the corpus trained 20)', '20')
    .option('--batch-size <n>', 'mini-batch size', '32')
    .option('--seed <n>', 'seed of the split, the initial weights and the batch order', '0')
    .option('--validation <fraction>', 'share of the rows held out for validation', '0.2')
    .option('--max-levels <n>', 'most distinct values a text column may have to be one-hot encoded', String(DEFAULT_MAX_LEVELS))
    .option('--out <dir>', 'folder to save the model in', 'metatune-model')
    .option('--store <url>', `trace store to record the runs in (default: $METATUNE_STORE, the config's "store", or ${DEFAULT_STORE_URL})`)
    .option('--compare', 'also train tfjs defaults (mlp-medium, Adam 1e-3, constant) on the same split and seed')
    .option('--backend <name>', `${BACKEND_NAMES.join(' | ')} (default: best available)`)
    .option('--json', 'print one JSON summary on stdout instead of the report')
    .option('--progress', 'show the progress bar even when stderr is not a terminal')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const budget = requireBudget(optionNumber('--budget', o.budget));
      const epochs = requireInteger('--epochs', optionNumber('--epochs', o.epochs), 1);
      const batchSize = requireInteger('--batch-size', optionNumber('--batch-size', o.batchSize), 1);
      const seed = requireInteger('--seed', optionNumber('--seed', o.seed), 0);
      const validation = requireInRange("--validation", optionNumber("--validation", o.validation), 0, 1, undefined, { lo: true, hi: true });
      const maxLevels = requireInteger('--max-levels', optionNumber('--max-levels', o.maxLevels), 1);
      let backend: BackendName | undefined;
      if (o.backend !== undefined) {
        if (!(BACKEND_NAMES as readonly string[]).includes(String(o.backend))) {
          throw new ValidationError('INVALID_PARAMETER', `\`--backend\` must be one of ${BACKEND_NAMES.join(', ')}. Received: --backend=${String(o.backend)}.`, { argument: '--backend' });
        }
        backend = o.backend as BackendName;
      }
      const runtime = await deps.runtime();
      backend ??= runtime.config?.config.backend as BackendName | undefined;
      const policy = await (deps.policy ?? ((arg, rt) => resolvePolicy(arg, rt, io.cwd)))(String(o.policy), runtime);
      const storeUrl = storeUrlOf(o.store as string | undefined, runtime.config);
      const store = await openStore(storeUrl, runtime);
      const showBar = o.progress === true || (deps.isTTY ?? process.stderr.isTTY === true);
      let bar: cliProgress.SingleBar | undefined;
      let done = 0;
      const onEvent = (e: FitEvent) => {
        if (e.type === 'plan') {
          if (!o.json) io.stderr(`backend: ${e.backend}; ${e.plan.rungs.length > 1 ? `${e.plan.candidates.length} candidates, ` : ''}${e.totalEpochs} epochs planned\n`);
          if (showBar) {
            bar = new cliProgress.SingleBar(
              {
                format: 'fit [{bar}] {value}/{total} epochs | {run} | epoch {epoch} | loss {loss} | {metricName} {metric} | lr {lr} | eta {eta_formatted}',
                stream: process.stderr,
                hideCursor: true,
                etaBuffer: 10,
                noTTYOutput: o.progress === true,
              },
              cliProgress.Presets.shades_classic,
            );
            bar.start(e.totalEpochs, 0, { run: '-', epoch: '-', loss: '-', metricName: 'val', metric: '-', lr: '-' });
          }
        } else if (e.type === 'epoch') {
          done++;
          bar?.update(done, {
            run: e.run === 'tfjs-defaults' ? 'tfjs defaults' : e.candidate,
            epoch: e.epoch + 1,
            loss: num(e.loss),
            metricName: e.valMetricName,
            metric: num(e.valMetric),
            lr: e.learningRate.toExponential(2),
          });
        } else if (e.type === 'rung' && !o.json && !bar) {
          io.stderr(`rung at epoch ${e.epochs}: kept ${e.promoted.join(', ')}; pruned ${e.pruned.join(', ')}\n`);
        }
      };
      try {
        const { summary } = await fit({
          data: resolve(io.cwd, String(o.data)),
          target: String(o.target),
          ...(o.test !== undefined && { test: resolve(io.cwd, String(o.test)) }),
          policy,
          budget,
          epochs,
          batchSize,
          seed,
          validation,
          maxLevels,
          compare: o.compare === true,
          out: resolve(io.cwd, String(o.out)),
          store,
          runtime,
          ...(backend && { backend }),
          onEvent,
        });
        bar?.stop();
        bar = undefined;
        const shown = { ...summary, data: String(o.data), ...(summary.out && { out: String(o.out) }) };
        io.stdout(o.json ? `${JSON.stringify(shown, null, 2)}\n` : formatFitReport(shown));
      } finally {
        bar?.stop();
        await store.close();
      }
    });
}
