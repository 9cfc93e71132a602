/**
 * What the bundled corpus says (`npm run bench:corpus [-- <corpus dir>]`): size, runs, diverged
 * runs and training time from the manifest; per task, the best candidate in hindsight (lowest best
 * val_loss among runs that did not diverge, base seed); how the best learning rate and the best
 * model spread over the tasks, how often the best rate sits at the edge of its optimizer's grid;
 * and, on the replicate tasks, how stable "best" is across seeds.
 */
import { OPTIMIZER_SCALES, type CorpusOptimizer } from '../src/corpus/grid.js';
import { bundledCorpusDir, corpusManifest, readCorpus } from '../src/corpus/read.js';
import type { TraceRecord } from '../src/traces/trace.js';
import { printTable } from './lib/table.js';

interface Parsed {
  readonly model: string;
  readonly optimizer: CorpusOptimizer;
  readonly family: string;
  readonly rate: number;
}

/** `mlp-wide/adam/constant@1e-3` → its parts. */
function parse(candidateId: string): Parsed {
  const [model, optimizer, schedule] = candidateId.replace(/#seed\d+$/, '').split('/') as [string, CorpusOptimizer, string];
  const [family, rate] = schedule.split('@') as [string, string];
  return { model, optimizer, family, rate: Number(rate) };
}

function quantiles(values: number[], qs: number[]): number[] {
  const s = [...values].sort((a, b) => a - b);
  return qs.map((q) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))]!);
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? bundledCorpusDir();
  const m = corpusManifest(dir);
  const entries = Object.values(m.tasks);
  const diverged = entries.reduce((s, e) => s + (e.byStatus.diverged ?? 0), 0);
  printTable({
    title: `corpus ${m.generatorVersion} (${dir})`,
    head: ['tasks', 'parents', 'candidates', 'epochs', 'runs', 'diverged', 'MB (gzip)', 'train time (min, summed)'],
    rows: [[entries.length, m.totals.parentDatasets.length, Number(m.config.candidates), Number(m.config.epochs), m.totals.runs, diverged, m.totals.bytes / 1e6, m.totals.trainWallTimeMs / 60000]],
  });

  // Best per task from the manifest (base seed).
  const best = entries.filter((e) => e.best).map((e) => ({ task: e.task, kind: e.kind, ...parse(e.best!.candidateId) }));
  const edge = (p: Parsed) => {
    const rates = OPTIMIZER_SCALES[p.optimizer].rates;
    return p.rate === rates[rates.length - 1] ? 'top' : p.rate === rates[0] ? 'bottom' : 'inside';
  };
  const count = <T extends string>(items: T[]) => [...new Set(items)].sort().map((k) => [k, items.filter((i) => i === k).length] as const);
  printTable({
    title: 'winners (best in hindsight per task, base seed)',
    head: ['axis', 'value: tasks won'],
    rows: [
      ['model', count(best.map((b) => b.model)).map(([k, n]) => `${k}: ${n}`).join(', ')],
      ['optimizer', count(best.map((b) => b.optimizer)).map(([k, n]) => `${k}: ${n}`).join(', ')],
      ['schedule family', count(best.map((b) => b.family)).map(([k, n]) => `${k}: ${n}`).join(', ')],
      ['rate at its grid edge', count(best.map((b) => edge(b))).map(([k, n]) => `${k}: ${n}`).join(', ')],
    ],
  });
  const rows = (['adam', 'momentum'] as const).map((o) => {
    const r = best.filter((b) => b.optimizer === o).map((b) => Math.log10(b.rate));
    const [q0, q25, q50, q75, q100] = r.length > 0 ? quantiles(r, [0, 0.25, 0.5, 0.75, 1]) : [NaN, NaN, NaN, NaN, NaN];
    const fmt = (x: number) => (Number.isFinite(x) ? String(Number((10 ** x).toPrecision(2))) : '–');
    return [o, r.length, fmt(q0!), fmt(q25!), fmt(q50!), fmt(q75!), fmt(q100!), `${OPTIMIZER_SCALES[o].rates[0]}…${OPTIMIZER_SCALES[o].rates.at(-1)}`];
  });
  printTable({ title: 'spread of the best learning rate over tasks (winning optimizer)', head: ['optimizer', 'tasks', 'min', 'q25', 'median', 'q75', 'max', 'grid'], rows });

  // Per task and model: the best constant rate (the learning-rate curve's minimum), to see how far apart tasks are.
  const bestConst = new Map<string, { rate: number; value: number }>();
  const replicateBest = new Map<string, Map<number, { id: string; value: number }>>();
  for await (const r of readCorpus(dir, { validate: false, replicates: true })) {
    const task = r.task.id;
    const cand = r.id.slice(`corpus:${task}:`.length);
    const seed = Number(/#seed(\d+)$/.exec(r.id)?.[1] ?? 1);
    const v = r.status === 'diverged' ? undefined : (r as TraceRecord).outcome?.best?.value;
    if (v === undefined) continue;
    const p = parse(cand);
    if (seed === 1 && p.family === 'constant' && p.optimizer === 'adam') {
      const key = `${task}|${p.model}`;
      const cur = bestConst.get(key);
      if (!cur || v < cur.value) bestConst.set(key, { rate: p.rate, value: v });
    }
    if (m.tasks[task]?.seeds && m.tasks[task]!.seeds!.length > 1) {
      const bySeed = replicateBest.get(task) ?? new Map<number, { id: string; value: number }>();
      const cur = bySeed.get(seed);
      if (!cur || v < cur.value) bySeed.set(seed, { id: cand.replace(/#seed\d+$/, ''), value: v });
      replicateBest.set(task, bySeed);
    }
  }
  const models = [...new Set([...bestConst.keys()].map((k) => k.split('|')[1]!))].sort();
  printTable({
    title: 'Adam, constant rate: the best rate per task (count of tasks at each rate), by model',
    head: ['model', ...OPTIMIZER_SCALES.adam.rates.map(String)],
    rows: models.map((model) => [model, ...OPTIMIZER_SCALES.adam.rates.map((rate) => [...bestConst.entries()].filter(([k, b]) => k.endsWith(`|${model}`) && b.rate === rate).length)]),
  });
  if (replicateBest.size > 0) {
    printTable({
      title: 'replicates: the winner at seeds 1 / 2 / 3 (same candidate = stable)',
      head: ['task', 'seed 1', 'seed 2', 'seed 3', 'same winner', 'best val_loss spread'],
      rows: [...replicateBest.entries()].sort().map(([task, bySeed]) => {
        const w = [1, 2, 3].map((s) => bySeed.get(s));
        const vals = w.filter(Boolean).map((x) => x!.value);
        return [task, ...w.map((x) => x?.id ?? '–'), String(w.filter((x) => x?.id === w[0]?.id).length - 1) + ' of 2', `${Math.min(...vals).toPrecision(3)}…${Math.max(...vals).toPrecision(3)}`];
      }),
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
