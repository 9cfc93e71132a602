import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ImportContext, ImportEvent, ImportInput, Importer } from '../../src/traces/importer.js';
import type { RunStatus } from '../../src/traces/trace.js';
import { BatchTable, EpochTable, headLines, metricSlot, readLineBatches, shortText, taskFor, u8 } from '../../src/traces/import-support.js';

export const MLFLOW_ID = 'mlflow';

/** mlflow.entities.RunStatus: RUNNING 1, SCHEDULED 2, FINISHED 3, FAILED 4, KILLED 5. */
const STATUS: Record<number, RunStatus> = { 1: 'running', 2: 'running', 3: 'completed', 4: 'failed', 5: 'failed' };
const RUN_SUBDIRS = new Set(['metrics', 'params', 'tags']);
const METRIC_LINE = /^\d+ \S+ -?\d+$/;

/** The run folder a path belongs to (`…/<run>/meta.yaml`, `…/<run>/metrics/<name>`), or undefined. */
export function runDirOf(path: string): string | undefined {
  if (basename(path) === 'meta.yaml') return dirname(path);
  const parent = dirname(path);
  if (RUN_SUBDIRS.has(basename(parent))) return dirname(parent);
  // nested metric names (`metrics/train/loss`) sit one level deeper
  const grand = dirname(parent);
  if (basename(grand) === 'metrics') return dirname(grand);
  return undefined;
}

interface Point {
  readonly ts: number;
  readonly value: number;
  readonly step: number;
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (e.isDirectory()) out.push(...(await listFiles(join(dir, e.name), `${prefix}${e.name}/`)));
    else if (e.isFile()) out.push(`${prefix}${e.name}`);
  }
  return out;
}

/**
 * MLflow's file store: `mlruns/<experiment>/<run>/meta.yaml`, `metrics/<name>` (lines
 * `timestamp_ms value step`) and `params/<name>`. The run folder is the unit: whichever of its
 * files the import is given, the run is read once (from its first file in path order).
 * Metrics logged without `step=` (step always 0) are ordered by timestamp; then the metric with the
 * fewest points marks the epoch ends and denser metrics are averaged per epoch (their points are kept
 * as batches when they are the loss or lr).
 */
export const mlflowImporter: Importer = {
  id: MLFLOW_ID,
  description: "MLflow file store run folder (mlruns/<experiment>/<run>/meta.yaml, metrics/, params/)",

  sniff({ path, head }: ImportInput): boolean {
    const runDir = runDirOf(path);
    if (basename(path) === 'meta.yaml') {
      const text = head.toString('utf8');
      return /^(run_id|run_uuid|experiment_id|artifact_location):/m.test(text);
    }
    if (!runDir) return false;
    if (existsSync(join(runDir, 'meta.yaml'))) return true;
    const lines = headLines(head, 3).filter((l) => l !== '');
    return basename(dirname(path)) === 'metrics' && lines.length > 0 && lines.every((l) => METRIC_LINE.test(l));
  },

  async *import(input: ImportInput, ctx: ImportContext): AsyncGenerator<ImportEvent> {
    const runDir = runDirOf(input.path);
    if (!runDir) return;
    const metaPath = join(runDir, 'meta.yaml');
    // The run is imported once, by the first of its files in this import.
    const anchor = ctx.peers.filter((p) => runDirOf(p) === runDir).sort()[0] ?? input.path;
    if (anchor !== input.path) return;

    const hash = createHash('sha256');
    let meta: Record<string, unknown> = {};
    if (existsSync(metaPath)) {
      const text = await readFile(metaPath);
      hash.update(u8(text));
      try {
        const parsed = parseYaml(text.toString('utf8')) as unknown;
        if (typeof parsed === 'object' && parsed !== null) meta = parsed as Record<string, unknown>;
      } catch (err) {
        yield { kind: 'rejection', file: metaPath, line: 1, expected: 'MLflow run meta.yaml', found: (err as Error).message, code: 'INVALID_YAML' };
      }
    }
    if (!meta.run_id && !meta.run_uuid && (meta.experiment_id !== undefined || meta.artifact_location !== undefined) && !existsSync(join(runDir, 'metrics'))) {
      return; // an experiment's meta.yaml: nothing to import by itself
    }

    const series = new Map<string, Point[]>();
    const cut: string[] = [];
    const metricsDir = join(runDir, 'metrics');
    for (const name of await listFiles(metricsDir)) {
      const file = join(metricsDir, name);
      const points: Point[] = [];
      for await (const { lines, firstLine, unterminated } of readLineBatches(file, ctx.onBytes)) {
        for (let i = 0; i < lines.length; i++) {
          const text = lines[i]!;
          hash.update(text).update('\n');
          if (text.trim() === '') continue;
          if (unterminated && i === lines.length - 1) {
            // MLflow ends every point with a line break: this one is being written, or was cut short.
            cut.push(`metrics/${name} ends inside line ${firstLine + i} (no line break: still being written, or cut short); that point was dropped and the run is stored as incomplete`);
            continue;
          }
          const parts = text.trim().split(/\s+/);
          const ts = Number(parts[0]);
          // Python writes inf / -inf / nan (MLflow's file store uses str(float)); JavaScript's Infinity is accepted too.
          const value = parts[1] === undefined ? Number.NaN : /^[+-]?inf(inity)?$/i.test(parts[1]) ? (parts[1].startsWith('-') ? -Infinity : Infinity) : Number(parts[1]);
          const step = parts.length > 2 ? Number(parts[2]) : 0;
          const bad = (field: string, expected: string, found: string) =>
            ({ kind: 'rejection', file, line: firstLine + i, field, expected, found, code: 'SCHEMA_MISMATCH' }) as const;
          if (parts.length === 2) yield { kind: 'rejection', file, line: firstLine + i, field: 'step', expected: '"timestamp value step" (MLflow writes all three)', found: `${shortText(text)} (no step)`, code: 'MISSING_FIELD' };
          else if (parts.length < 2 || parts.length > 3) yield bad('line', '"timestamp value step"', shortText(text));
          else if (!Number.isInteger(ts)) yield bad('timestamp', 'an integer (ms)', shortText(parts[0]));
          else if (Number.isNaN(value) && !/^nan$/i.test(parts[1]!)) yield bad('value', 'a number', shortText(parts[1]));
          else if (!Number.isInteger(step) || step < 0) yield bad('step', 'an integer >= 0', shortText(parts[2]));
          else points.push({ ts, value, step });
        }
      }
      if (points.length) series.set(name, points);
    }
    const params: Record<string, string> = {};
    for (const name of await listFiles(join(runDir, 'params'))) {
      const file = join(runDir, 'params', name);
      if ((await stat(file)).size > 1 << 20) continue; // params are short strings; a huge file is no param
      const text = await readFile(file);
      hash.update(u8(text));
      params[name] = text.toString('utf8').trim();
    }
    if (series.size === 0 && Object.keys(params).length === 0 && !meta.run_id && !meta.run_uuid) return;

    const { table, batches, notes } = buildEpochs(series);
    notes.unshift(...cut);
    const runId = String(meta.run_id ?? meta.run_uuid ?? basename(runDir));
    const experiment = String(meta.experiment_id ?? basename(dirname(runDir)));
    const status = STATUS[Number(meta.status)] ?? 'completed';
    const start = Number(meta.start_time);
    const end = Number(meta.end_time);
    const epochs = table.toEpochs();
    const lr = Object.entries(params).find(([k]) => metricSlot(k) === 'lr');
    const modelParams = Object.fromEntries(Object.entries(params).filter(([k]) => metricSlot(k) !== 'lr'));
    yield {
      kind: 'run',
      run: {
        task: taskFor(ctx, `mlflow:${experiment}`, experiment),
        ...(Object.keys(modelParams).length || meta.run_name ? { model: { ...(meta.run_name ? { name: String(meta.run_name) } : {}), ...(Object.keys(modelParams).length ? { params: modelParams } : {}) } } : {}),
        ...(lr && Number.isFinite(Number(lr[1])) ? { optimizer: { className: 'unknown', hyperparameters: { [lr[0]]: Number(lr[1]) } } } : {}),
        epochs,
        ...(batches.size ? { batches: batches.toBatches() } : {}),
        status: table.divergedAt !== undefined && status === 'completed' ? 'diverged' : cut.length && status !== 'running' ? 'incomplete' : status,
        ...(status !== 'running' ? { outcome: { epochsRun: epochs.length, ...(Number.isFinite(end - start) && end >= start ? { wallTimeMs: end - start } : {}) } } : {}),
        ...(Number.isFinite(end) && end > 0 ? { finishedAt: new Date(end).toISOString() } : {}),
        environment: { framework: 'mlflow' },
        provenance: { importer: MLFLOW_ID, file: existsSync(metaPath) ? metaPath : input.path, line: 1, contentHash: hash.digest('hex'), sourceKey: runId, ...(notes.length ? { notes } : {}) },
      },
    };
  },
};

/**
 * Metric points → epochs. Metrics with real steps: one epoch per distinct step (rank), `step` kept.
 * Metrics whose step is always 0: ordered by timestamp; the sparsest such metric marks the epoch
 * ends (an epoch ends at each of its timestamps) and every other metric is averaged over the points
 * that fall in each epoch.
 */
export function buildEpochs(series: Map<string, Point[]>): { table: EpochTable; batches: BatchTable; notes: string[] } {
  const table = new EpochTable();
  const batches = new BatchTable();
  const notes: string[] = [];
  const stepless = [...series.entries()].filter(([, pts]) => pts.every((p) => p.step === 0) && pts.length > 1);
  const stepped = [...series.entries()].filter(([name]) => !stepless.some(([n]) => n === name));

  const stepSet = new Set<number>();
  for (const [, pts] of stepped) for (const p of pts) stepSet.add(p.step);
  const steps = [...stepSet].sort((a, b) => a - b);
  const rank = new Map(steps.map((s, i) => [s, i]));
  for (const [name, pts] of stepped) {
    for (const p of pts) {
      const e = rank.get(p.step)!;
      table.set(e, name, p.value);
      if (steps.length > 1 || p.step > 0) table.setStep(e, p.step);
    }
  }
  if (steps.length > 1 && !(steps[0] === 0 && steps[steps.length - 1] === steps.length - 1)) {
    notes.push(`metric steps ${steps.slice(0, 4).join(', ')}${steps.length > 4 ? ', …' : ''} are optimizer steps: epoch = rank of the step`);
  }

  if (stepless.length) {
    for (const [, pts] of stepless) pts.sort((a, b) => a.ts - b.ts);
    const [anchorName, anchor] = stepless.reduce((a, b) => (b[1].length < a[1].length ? b : a));
    const ends = anchor.map((p) => p.ts);
    const epochOf = (ts: number) => {
      let lo = 0;
      let hi = ends.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ends[mid]! >= ts) hi = mid;
        else lo = mid + 1;
      }
      return lo; // points after the last end belong to the last epoch
    };
    const averaged: string[] = [];
    for (const [name, pts] of stepless) {
      const sums = new Map<number, { s: number; n: number }>();
      pts.forEach((p, i) => {
        const e = name === anchorName ? i : epochOf(p.ts);
        const acc = sums.get(e) ?? { s: 0, n: 0 };
        acc.s += p.value;
        acc.n++;
        sums.set(e, acc);
        if (name !== anchorName) {
          const slot = metricSlot(name);
          if (slot === 'loss' || slot === 'lr') batches.set(i, slot, p.value);
        }
      });
      if ([...sums.values()].some((a) => a.n > 1)) averaged.push(`${name} (${pts.length} points)`);
      for (const [e, acc] of sums) table.set(e, name, acc.s / acc.n);
    }
    notes.push(
      `metrics logged without steps (step always 0): ordered by timestamp; the ${anchor.length} points of \`${anchorName}\` mark the epoch ends` +
        (averaged.length ? `; averaged per epoch: ${averaged.join(', ')}` : ''),
    );
  }
  notes.push(...table.notes());
  return { table, batches, notes };
}
