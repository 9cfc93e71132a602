/**
 * `npm run bench:lcbench [-- --quick] [--tasks 3945,7593] [--seeds 0,1,2,3,4] [--configs 80]
 *  [--rates 5] [--reference 5000] [--learners best-default,portfolio,knn,lr-probe] [--out file]`
 *
 * Leave-one-task-out on LCBench's 34 OpenML tasks (protocol.ts): each learner's zero-shot pick,
 * top-k, seeded search and successive halving, scored by the YAHPO surrogate at the final epoch.
 * Writes bench/results/lcbench.json (or `--out`) and an SVG plot next to it; prints markdown tables.
 * `--quick`: 4 tasks, one seed, a smaller pool and reference — the path, not the numbers.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from '../../src/core/errors.js';
import type { Learner } from '../../src/meta/learner.js';
import { createContainer } from '../../src/container.js';
import { resolveBackend } from '../../src/tfjs/backend.js';
import { machineLine } from '../lib/machine.js';
import { LcbenchSurrogate } from './surrogate.js';
import { runProtocol, type ProtocolResult } from './protocol.js';
import { lcbenchHtml, markdownReport, summarise, trialsPlot, type LcbenchSummary } from './report.js';

/** Settings per learner id (the portfolio's list must be long enough to seed a 100-trial search). */
const LEARNER_CONFIG: Readonly<Record<string, Record<string, unknown>>> = { portfolio: { size: 100 } };

/**
 * Every learner the plugins contribute (the runtime's registry, so a new learner plugin is
 * benchmarked without touching this file), best-default first: it is the baseline.
 */
export async function availableLearners(): Promise<Array<{ learner: Learner; config?: Record<string, unknown> }>> {
  const rt = await createContainer({ configFile: false });
  const all = [...rt.learners.values()].sort((a, b) => (a.id === 'best-default' ? -1 : b.id === 'best-default' ? 1 : 0));
  return all.map((learner) => ({ learner, ...(LEARNER_CONFIG[learner.id] ? { config: LEARNER_CONFIG[learner.id] } : {}) }));
}

export interface LcbenchArgs {
  quick: boolean;
  tasks?: string[];
  seeds: number[];
  configs: number;
  rates: number;
  reference: number;
  learners?: string[];
  out: string;
}

export function parseArgs(argv: readonly string[]): LcbenchArgs {
  const get = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter(Boolean);
  const int = (name: string, fallback: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new ValidationError('INVALID_PARAMETER', `\`--${name}\` must be an integer >= 1. Received: --${name} ${v}.`, { argument: name });
    return n;
  };
  return {
    quick,
    tasks: list(get('tasks')),
    seeds: (list(get('seeds')) ?? (quick ? ['0'] : ['0', '1', '2', '3', '4'])).map(Number),
    configs: int('configs', quick ? 40 : 80),
    rates: int('rates', 5),
    reference: int('reference', quick ? 2000 : 5000),
    learners: list(get('learners')),
    out: resolve(get('out') ?? (quick ? 'bench/results/lcbench-quick.json' : 'bench/results/lcbench.json')),
  };
}

export async function runLcbench(args: LcbenchArgs, write: (s: string) => void = (s) => console.log(s)): Promise<void> {
  const t0 = performance.now();
  const s = await LcbenchSurrogate.load();
  const tasks = args.tasks ?? (args.quick ? ['3945', '126026', '167168', '189873'] : [...s.tasks]);
  for (const t of tasks) if (!s.tasks.includes(t)) throw new ValidationError('UNKNOWN_TASK', `LCBench has no task "${t}". Valid choices: ${s.tasks.join(', ')}.`, { task: t });
  const known = await availableLearners();
  const learners = args.learners ? known.filter((l) => args.learners!.includes(l.learner.id)) : known;
  if (args.learners && learners.length !== args.learners.length) {
    throw new ValidationError('UNKNOWN_LEARNER', `Unknown learner in --learners ${args.learners.join(',')}. Valid choices: ${known.map((l) => l.learner.id).join(', ')}.`, {});
  }
  // Learners that train tfjs models (surrogate) use the fastest backend, as `metatune eval` does.
  const backend = await resolveBackend();
  write(`# LCBench benchmark\n\n${machineLine()} · tfjs backend ${backend.name}\n`);
  const workDir = mkdtempSync(join(tmpdir(), 'metatune-lcbench-'));
  try {
    const command = (seeds: readonly number[]) =>
      `npm run bench:lcbench --${args.quick ? ' --quick' : ''}${args.tasks ? ` --tasks ${args.tasks.join(',')}` : ''} --seeds ${seeds.join(',')} --configs ${args.configs} --rates ${args.rates} --reference ${args.reference}`;
    const svgFile = args.out.replace(/\.json$/, '') + '-trials.svg';
    const htmlFile = args.out.replace(/\.json$/, '') + '.html';
    const save = async (res: ProtocolResult, seeds: readonly number[]) => {
      const summary = summarise(res, { tasks, seeds, configs: args.configs, rates: args.rates, reference: args.reference, budget: 2, command: command(seeds) });
      mkdirSync(dirname(args.out), { recursive: true });
      const complete = seeds.length === args.seeds.length;
      writeFileSync(args.out, `${JSON.stringify({ ...summary, complete, seedsPlanned: args.seeds, machine: machineLine(), wallSeconds: (performance.now() - t0) / 1000 }, null, 2)}\n`);
      writeFileSync(svgFile, await trialsPlot(summary, 'acc'));
      writeFileSync(htmlFile, await lcbenchHtml(summary));
      return summary;
    };
    const res = await runProtocol(s, {
      tasks,
      seeds: args.seeds,
      configs: args.configs,
      rates: args.rates,
      reference: args.reference,
      learners,
      workDir,
      log: (l) => process.stderr.write(`${l}\n`),
      // Results are written after every seed: a run stopped early keeps the seeds it finished.
      onSeed: async (partial, done) => {
        if (done.length < args.seeds.length) await save(partial, done);
      },
    });
    const summary = await save(res, args.seeds);
    write(markdownReport(summary));
    write(`\nwall time ${((performance.now() - t0) / 1000).toFixed(0)} s; results: ${args.out}, plot: ${svgFile}, report: ${htmlFile}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
    await s.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const argv = process.argv.slice(2);
  const render = argv.indexOf('--render');
  // `--render results.json`: print the markdown tables of an earlier run (for the README).
  const job =
    render >= 0
      ? Promise.resolve().then(() => console.log(markdownReport(JSON.parse(readFileSync(argv[render + 1]!, 'utf8')) as LcbenchSummary)))
      : runLcbench(parseArgs(argv));
  job.catch((err: unknown) => {
    const e = err as { code?: string; message?: string };
    process.stderr.write(`error${e.code ? `[${e.code}]` : ''}: ${e.message ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
