/**
 * LCBench protocol results → the summary written to bench/results/lcbench.json, markdown tables
 * and a vega-lite plot rendered to SVG in Node (no browser, no canvas).
 */
import { DEFAULT_TRIALS, METRICS, TOP_K, randomSearch, type FoldResult, type Metric, type ProtocolResult, type Score, type TaskReference } from './protocol.js';
import { pairedBootstrap } from '../../src/meta/evaluate.js';
import { escapeHtml, markdownTableToHtml } from '../../src/meta/report.js';
import { averageRanks, mean, median, smallestK } from './stats.js';

export interface Stat {
  readonly mean: number;
  readonly median: number;
}

export interface LearnerSummary {
  readonly learner: string;
  /** Per metric. */
  readonly pick: Record<Metric, Stat>;
  readonly topK: Record<Metric, Record<number, Stat>>;
  readonly trials: Record<Metric, Record<number, number>>;
  readonly halving: Record<Metric, Stat & { readonly rsEquivalent: number }> & { readonly runsUsed: number; readonly entrants: number };
  /** Mean rank of the pick among the learners and one random configuration (1 = best). */
  readonly meanRank: Record<Metric, number>;
  /** Random-search trials whose expected best matches the pick's mean regret (median over seeds). */
  readonly rsEquivalent: Record<Metric, number>;
  /** Pick regret minus best-default's, per task averaged over seeds: mean and 90 % paired-bootstrap CI over tasks. */
  readonly vsBestDefault?: Record<Metric, { mean: number; lo: number; hi: number; ratio: number }>;
  /** Share of folds flagged out of distribution. */
  readonly outOfDistribution: number;
  readonly fitSeconds: number;
}

export interface LcbenchSummary {
  readonly benchmark: 'lcbench';
  readonly generatedAt: string;
  readonly command: string;
  readonly setup: {
    readonly tasks: readonly string[];
    readonly seeds: readonly number[];
    readonly configs: number;
    readonly rates: number;
    readonly poolSize: number;
    readonly reference: number;
    readonly budget: number;
    readonly epochs: number;
    readonly probe: { readonly epochs: number; readonly secondsMedian: number };
  };
  readonly learners: LearnerSummary[];
  readonly randomSearch: Record<Metric, Record<number, number>>;
  readonly random1: Record<Metric, Stat & { meanRank: number }>;
  readonly oracle: Record<Metric, Stat>;
  readonly perTask: Array<{ task: string; learner: string; pick: Score; top3: Score; halving: Score }>;
  readonly seedsInfo: ProtocolResult['seeds'];
}

const stat = (xs: readonly number[]): Stat => ({ mean: mean(xs), median: median(xs) });
const byMetric = <T>(f: (m: Metric) => T) => Object.fromEntries(METRICS.map((m) => [m, f(m)])) as Record<Metric, T>;

export function summarise(res: ProtocolResult, o: { tasks: readonly string[]; seeds: readonly number[]; configs: number; rates: number; reference: number; budget: number; command: string; trials?: readonly number[] }): LcbenchSummary {
  const trials = o.trials ?? DEFAULT_TRIALS;
  const learners = [...new Set(res.folds.map((f) => f.learner))];
  const refs = res.references;
  const rsMean = (m: Metric, k: number) => mean(o.tasks.map((t) => randomSearch(refs.get(t)!, m, k)));
  const n = refs.values().next().value!.regrets.acc.length;
  const rsEq = (m: Metric, target: number) => smallestK((k) => rsMean(m, k), target, n);

  // Ranks per (seed, task) among the learners' picks and one random configuration.
  const rankSums = new Map<string, Record<Metric, number[]>>();
  for (const name of [...learners, 'random-1']) rankSums.set(name, { acc: [], ce: [] });
  for (const seed of o.seeds) {
    for (const task of o.tasks) {
      const rows = learners.map((l) => res.folds.find((f) => f.seed === seed && f.task === task && f.learner === l)!);
      const r1 = res.random1.find((r) => r.seed === seed && r.task === task)!;
      for (const m of METRICS) {
        const ranks = averageRanks([...rows.map((r) => r.pick[m]), r1.score[m]]);
        learners.forEach((l, i) => rankSums.get(l)![m].push(ranks[i]!));
        rankSums.get('random-1')![m].push(ranks[learners.length]!);
      }
    }
  }
  const bd = res.folds.filter((f) => f.learner === 'best-default');
  const summaries: LearnerSummary[] = learners.map((name) => {
    const rows = res.folds.filter((f) => f.learner === name);
    const pick = byMetric((m) => stat(rows.map((r) => r.pick[m])));
    const vs =
      bd.length && name !== 'best-default'
        ? byMetric((m) => {
            // One paired difference per (task, seed); the bootstrap resamples tasks (src/meta/evaluate.ts).
            const diffs = rows.map((r) => ({ group: r.task, diff: r.pick[m] - bd.find((b) => b.seed === r.seed && b.task === r.task)!.pick[m] }));
            const b = pairedBootstrap(diffs, 2000, 7);
            return { ...b, ratio: mean(rows.map((r) => r.pick[m])) / mean(bd.map((r) => r.pick[m])) };
          })
        : undefined;
    const perSeedEq = (m: Metric, get: (r: FoldResult) => number) => median(o.seeds.map((seed) => rsEq(m, mean(rows.filter((r) => r.seed === seed).map(get)))));
    return {
      learner: name,
      pick,
      topK: byMetric((m) => Object.fromEntries(TOP_K.map((k) => [k, stat(rows.map((r) => r.topK[k]![m]))]))),
      trials: byMetric((m) => Object.fromEntries(trials.map((t) => [t, mean(rows.map((r) => r.trials[t]![m]))]))),
      halving: {
        ...byMetric((m) => ({ ...stat(rows.map((r) => r.halving[m])), rsEquivalent: perSeedEq(m, (r) => r.halving[m]) })),
        runsUsed: mean(rows.map((r) => r.halving.runsUsed)),
        entrants: mean(rows.map((r) => r.halving.entrants)),
      },
      meanRank: byMetric((m) => mean(rankSums.get(name)![m])),
      rsEquivalent: byMetric((m) => perSeedEq(m, (r) => r.pick[m])),
      ...(vs ? { vsBestDefault: vs } : {}),
      outOfDistribution: mean(rows.map((r) => (r.outOfDistribution ? 1 : 0))),
      fitSeconds: mean(rows.map((r) => r.fitMs / 1000)),
    };
  });
  const perTask: LcbenchSummary['perTask'] = [];
  for (const l of learners) {
    for (const t of o.tasks) {
      const rows = res.folds.filter((f) => f.learner === l && f.task === t);
      const avg = (get: (r: FoldResult) => Score) => ({ acc: mean(rows.map((r) => get(r).acc)), ce: mean(rows.map((r) => get(r).ce)) });
      perTask.push({ task: t, learner: l, pick: avg((r) => r.pick), top3: avg((r) => r.topK[3]!), halving: avg((r) => r.halving) });
    }
  }
  const probeSeconds = [...res.probe.values()].map((p) => p.seconds);
  return {
    benchmark: 'lcbench',
    generatedAt: new Date().toISOString(),
    command: o.command,
    setup: {
      tasks: o.tasks,
      seeds: o.seeds,
      configs: o.configs,
      rates: o.rates,
      poolSize: o.configs * o.rates,
      reference: o.reference,
      budget: o.budget,
      epochs: 52,
      probe: { epochs: res.probe.values().next().value!.epochs, secondsMedian: median(probeSeconds) },
    },
    learners: summaries,
    randomSearch: byMetric((m) => Object.fromEntries([...trials, 64, 256].map((k) => [k, rsMean(m, k)]))),
    random1: byMetric((m) => ({ ...stat(res.random1.map((r) => r.score[m])), meanRank: mean(rankSums.get('random-1')![m]) })),
    oracle: byMetric((m) => stat(res.oracle.map((r) => r.score[m]))),
    perTask,
    seedsInfo: res.seeds,
  };
}

const f3 = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '—');
const kfmt = (v: number) => (Number.isFinite(v) ? String(Math.round(v)) : '> 5000');

/** The main table (one metric), markdown. */
export function markdownTable(s: LcbenchSummary, m: Metric): string {
  const head = `| learner | pick mean | pick median | top-3 median | top-10 median | mean rank | RS-equivalent trials | vs best-default (mean diff, 90 % CI) | SH ≤ ${s.setup.budget} runs: median (RS-equiv.) |`;
  const sep = '|---|---|---|---|---|---|---|---|---|';
  const rows = s.learners.map((l) => {
    const vs = l.vsBestDefault?.[m];
    return `| ${l.learner} | ${f3(l.pick[m].mean)} | ${f3(l.pick[m].median)} | ${f3(l.topK[m][3]!.median)} | ${f3(l.topK[m][10]!.median)} | ${l.meanRank[m].toFixed(2)} | ${kfmt(l.rsEquivalent[m])} | ${vs ? `${vs.mean >= 0 ? '+' : ''}${vs.mean.toFixed(3)} [${vs.lo.toFixed(3)}, ${vs.hi.toFixed(3)}] (×${vs.ratio.toFixed(2)})` : '—'} | ${f3(l.halving[m].median)} (${kfmt(l.halving[m].rsEquivalent)}) |`;
  });
  rows.push(`| random config (1 trial) | ${f3(s.random1[m].mean)} | ${f3(s.random1[m].median)} | — | — | ${s.random1[m].meanRank.toFixed(2)} | 1 | — | — |`);
  rows.push(`| best of the logged pool (oracle) | ${f3(s.oracle[m].mean)} | ${f3(s.oracle[m].median)} | — | — | — | — | — | — |`);
  return [head, sep, ...rows].join('\n');
}

const trialCounts = (s: LcbenchSummary, m: Metric) => Object.keys(s.learners[0]?.trials[m] ?? {}).map(Number).sort((a, b) => a - b);

export function trialsTable(s: LcbenchSummary, m: Metric): string {
  const ts = trialCounts(s, m);
  const head = `| mean regret after t trials | ${ts.map((t) => `t=${t}`).join(' | ')} |`;
  const sep = `|---|${ts.map(() => '---').join('|')}|`;
  const rows = s.learners.map((l) => `| ${l.learner} (ranking first) | ${ts.map((t) => f3(l.trials[m][t]!)).join(' | ')} |`);
  rows.push(`| random search (expected) | ${ts.map((t) => f3(s.randomSearch[m][t]!)).join(' | ')} |`);
  return [head, sep, ...rows].join('\n');
}

/** Regret after t trials, per learner and random search: a vega-lite line chart rendered to SVG. */
export async function trialsPlot(s: LcbenchSummary, m: Metric): Promise<string> {
  const vega = await import('vega');
  const vl = await import('vega-lite');
  const values: Array<{ who: string; trials: number; regret: number }> = [];
  const ts = trialCounts(s, m);
  for (const l of s.learners) for (const t of ts) values.push({ who: l.learner, trials: t, regret: l.trials[m][t]! });
  for (const t of ts) values.push({ who: 'random search', trials: t, regret: s.randomSearch[m][t]! });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `LCBench, leave-one-task-out (${s.setup.tasks.length} tasks × ${s.setup.seeds.length} seeds): mean normalised regret (${m === 'acc' ? 'val accuracy' : 'val cross-entropy'})`,
    width: 520,
    height: 300,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'trials', type: 'quantitative', scale: { type: 'log' }, title: 'trials (ranking first, then random)' },
      y: { field: 'regret', type: 'quantitative', scale: { type: 'log' }, title: 'mean normalised regret' },
      color: { field: 'who', type: 'nominal', title: null },
    },
  };
  const compiled = vl.compile(spec as never).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export function markdownReport(s: LcbenchSummary): string {
  const lines = [
    `LCBench (YAHPO surrogate), leave-one-task-out: ${s.setup.tasks.length} tasks × ${s.setup.seeds.length} seed(s); pool ${s.setup.configs} recipes × ${s.setup.rates} rates = ${s.setup.poolSize} logged configurations per task; regret vs ${s.setup.reference} random configurations.`,
    '',
    '### Regret on validation accuracy (final epoch; 0 = best, 1 = worst of the reference)',
    '',
    markdownTable(s, 'acc'),
    '',
    trialsTable(s, 'acc'),
    '',
    '### Regret on validation cross-entropy (src/meta/regret.ts: capped at 2 × the best; the scale the learners train on)',
    '',
    markdownTable(s, 'ce'),
    '',
    trialsTable(s, 'ce'),
    '',
    `Random search, expected mean regret (acc / ce): 64 trials ${f3(s.randomSearch.acc[64]!)} / ${f3(s.randomSearch.ce[64]!)}, 256 trials ${f3(s.randomSearch.acc[256]!)} / ${f3(s.randomSearch.ce[256]!)}.`,
  ];
  return lines.join('\n');
}

export type { TaskReference };

/** One self-contained HTML page (the style of `metatune eval --report`): the tables and the plot inline. */
export async function lcbenchHtml(s: LcbenchSummary): Promise<string> {
  const svg = await trialsPlot(s, 'acc');
  const svgCe = await trialsPlot(s, 'ce');
  const title = 'metatune on LCBench (YAHPO surrogate), leave-one-task-out';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}figure{margin:1.5em 0}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(s.command)} · ${escapeHtml(s.generatedAt)}</p>
${markdownTableToHtml(markdownReport(s))}
<figure class="plot" id="plot-trials-acc">${svg}</figure>
<figure class="plot" id="plot-trials-ce">${svgCe}</figure>
</body></html>
`;
}
