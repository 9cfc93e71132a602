/**
 * data/corpus/manifest.json: what the bundled corpus holds and how it was made. Several shard
 * processes update it, so every update is read–merge–write under a cross-process lock
 * (proper-lockfile) and lands with an atomic rename.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { ValidationError } from '../core/errors.js';
import { parseJson } from '../core/json-validation.js';

export const MANIFEST_FORMAT = 'metatune-corpus';
export const MANIFEST_FILE = 'manifest.json';

/** Where the best run of a task (lowest best val_loss among runs that did not diverge) landed. */
export interface CorpusBest {
  readonly candidateId: string;
  readonly metric: string;
  readonly value: number;
}

export interface CorpusTaskEntry {
  readonly task: string;
  readonly parentDataset: string;
  readonly kind: string;
  /** Rows (train + validation) and input width of the task. */
  readonly rows: number;
  readonly features: number;
  /** Chunk file name inside the corpus folder. */
  readonly file: string;
  readonly runs: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Sum of the runs' training wall time (ms). */
  readonly trainWallTimeMs: number;
  readonly bytes: number;
  readonly sha256: string;
  /** Hash of the configuration the chunk was built with (see `gridHash`). */
  readonly gridHash: string;
  readonly generatorVersion: string;
  readonly best?: CorpusBest;
  /** The tfjs-default baseline (adam 1e-3 constant) of the best model, for win rates vs defaults. */
  readonly bestDefault?: CorpusBest;
  /** Seeds the task's candidates were trained with (one, or three on a replicate task). */
  readonly seeds?: readonly number[];
  /** Replicate tasks only: the winner at each seed (see CorpusReplicates). */
  readonly replicates?: CorpusReplicates;
  readonly builtAt: string;
}

/** How stable "best in hindsight" is on a replicate task (best / bestDefault use the base seed only). */
export interface CorpusReplicates {
  readonly seeds: readonly { readonly seed: number; readonly candidateId: string | null; readonly value: number | null }[];
  /** Of the other seeds, how many have the base seed's winner as their winner too. */
  readonly baseWinnerWinsElsewhere: number;
  /** Of the other seeds, how many have the base seed's winner among their 5 best. */
  readonly baseWinnerInTop5Elsewhere: number;
  readonly otherSeeds: number;
}

export interface MachineInfo {
  readonly platform: string;
  readonly release: string;
  readonly arch: string;
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryBytes: number;
  readonly node: string;
  readonly tfjs: string;
  readonly backend: string;
}

export interface CorpusManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly generatorVersion: string;
  readonly gridHash: string;
  /** Grid and training settings (models, optimizers, schedules, epochs, batch size, seed). */
  readonly config: Readonly<Record<string, unknown>>;
  /** Why the grid and task list are what they are (grid.ts CORPUS_NOTES). */
  readonly notes?: readonly string[];
  /** Every task the full corpus has; `tasks` holds the finished ones. */
  readonly expectedTasks: readonly string[];
  readonly machine: MachineInfo;
  readonly tasks: Readonly<Record<string, CorpusTaskEntry>>;
  readonly totals: {
    readonly tasks: number;
    readonly runs: number;
    readonly bytes: number;
    readonly trainWallTimeMs: number;
    readonly parentDatasets: readonly string[];
    readonly complete: boolean;
  };
  readonly updatedAt: string;
}

/** JSON with object keys sorted at every level: the same value always prints the same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The CPU model from lscpu (Linux), else from os.cpus(). */
function cpuModel(): string {
  try {
    const out = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    const m = /^Model name:\s*(.+)$/m.exec(out);
    if (m) return m[1]!.trim();
  } catch {
    // No lscpu (macOS, Windows, minimal containers): os.cpus() below.
  }
  return cpus()[0]?.model ?? 'unknown';
}

export function machineInfo(tfjs: string, backend: string): MachineInfo {
  // The host name is deliberately left out: it says nothing about speed and may be private.
  return { platform: platform(), release: release(), arch: arch(), cpuModel: cpuModel(), cores: cpus().length, memoryBytes: totalmem(), node: process.version, tfjs, backend };
}

export function readManifest(dir: string): CorpusManifest | undefined {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  const doc = parseJson(readFileSync(file, 'utf8'), file) as CorpusManifest;
  if (doc === null || typeof doc !== 'object' || doc.format !== MANIFEST_FORMAT || typeof doc.tasks !== 'object') {
    throw new ValidationError('INVALID_CORPUS_MANIFEST', `${file}: not a metatune corpus manifest (expected "format": "${MANIFEST_FORMAT}"). Remove it and run \`npm run corpus\` to rebuild.`, { file });
  }
  return doc;
}

function totalsOf(tasks: Record<string, CorpusTaskEntry>, expected: readonly string[]): CorpusManifest['totals'] {
  const entries = Object.values(tasks);
  return {
    tasks: entries.length,
    runs: entries.reduce((s, e) => s + e.runs, 0),
    bytes: entries.reduce((s, e) => s + e.bytes, 0),
    trainWallTimeMs: Math.round(entries.reduce((s, e) => s + e.trainWallTimeMs, 0)),
    parentDatasets: [...new Set(entries.map((e) => e.parentDataset))].sort(),
    complete: expected.every((t) => tasks[t] !== undefined),
  };
}

export interface ManifestHeader {
  readonly generatorVersion: string;
  readonly gridHash: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly notes?: readonly string[];
  readonly expectedTasks: readonly string[];
  readonly machine: MachineInfo;
}

/**
 * Adds or replaces one task entry under the lock. A manifest of another grid (other `gridHash`)
 * is started afresh: its chunks were built with other candidates and do not belong together.
 */
export async function updateManifest(dir: string, header: ManifestHeader, entry?: CorpusTaskEntry): Promise<CorpusManifest> {
  const file = join(dir, MANIFEST_FILE);
  if (!existsSync(file)) writeManifestFile(file, emptyManifest(header));
  const release = await lockfile.lock(file, { lockfilePath: `${file}.lock`, stale: 30000, retries: { retries: 200, minTimeout: 50, maxTimeout: 500 } });
  try {
    const current = readManifest(dir);
    const base = current && current.gridHash === header.gridHash ? current : emptyManifest(header);
    const tasks: Record<string, CorpusTaskEntry> = { ...base.tasks };
    if (entry) tasks[entry.task] = entry;
    const sorted = Object.fromEntries(Object.keys(tasks).sort().map((k) => [k, tasks[k]!]));
    const next: CorpusManifest = {
      ...base,
      ...header,
      tasks: sorted,
      totals: totalsOf(sorted, header.expectedTasks),
      updatedAt: new Date().toISOString(),
    };
    writeManifestFile(file, next);
    return next;
  } finally {
    await release();
  }
}

function emptyManifest(header: ManifestHeader): CorpusManifest {
  return { format: MANIFEST_FORMAT, ...header, tasks: {}, totals: totalsOf({}, header.expectedTasks), updatedAt: new Date().toISOString() };
}

function writeManifestFile(file: string, manifest: CorpusManifest): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(tmp, file);
}
