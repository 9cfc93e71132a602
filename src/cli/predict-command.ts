import { resolve } from 'node:path';
import type { Command } from 'commander';
import { predictFile, predictionsCsv } from '../fit/predict.js';
import type { BackendName } from '../tfjs/backend.js';
import type { CliIO } from './io.js';

export function registerPredictCommand(program: Command, io: CliIO): void {
  program
    .command('predict')
    .description('predict with a model saved by `metatune fit --out`: the rows go through its saved preprocessing')
    .requiredOption('--model <dir>', 'folder written by `metatune fit --out`')
    .requiredOption('--data <file>', 'rows to predict (same columns as the training file; the target column is optional)')
    .option('--labels <file>', 'IDX only: the labels file, to report metrics')
    .option('--out <file>', 'write the predictions as CSV here (default: CSV on stdout)')
    .option('--backend <name>', 'node-gpu | node | wasm | cpu (default: best available)')
    .option('--json', 'print predictions and metrics as JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const result = await predictFile({
        model: resolve(io.cwd, String(o.model)),
        data: resolve(io.cwd, String(o.data)),
        ...(o.out !== undefined && { out: resolve(io.cwd, String(o.out)) }),
        ...(o.labels !== undefined && { labels: resolve(io.cwd, String(o.labels)) }),
        ...(o.backend !== undefined && { backend: o.backend as BackendName }),
      });
      for (const n of result.notes) io.stderr(`note: ${n}\n`);
      if (o.json) {
        io.stdout(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      if (result.metrics) {
        const m = Object.entries(result.metrics).map(([k, v]) => `${k} ${(v as number).toPrecision(4)}`).join(', ');
        io.stderr(`${result.rows} rows; the file has the target column: ${m}\n`);
      }
      if (o.out !== undefined) {
        io.stderr(`wrote ${result.rows} predictions to ${String(o.out)}\n`);
        return;
      }
      io.stdout(predictionsCsv(result));
    });
}
