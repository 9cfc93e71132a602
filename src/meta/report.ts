/**
 * An evaluation as markdown (stdout, README) and as one self-contained HTML file with plots drawn
 * server-side: vega-lite specs compiled and rendered to SVG by vega in Node (no browser, canvas or
 * network needed), inlined into the page.
 *
 * Plots: regret vs budget (random search's expected min over k trials, each learner's top-k and
 * simulated --budget, best-default and tfjs defaults as references); mean regret per held-out
 * dataset per learner (bars); the pick's learning curve vs tfjs defaults' on each held-out dataset's
 * first task.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Evaluation, LearnerSummary } from './evaluate.js';
import { RANDOM_KS, TOP_KS } from './evaluate.js';

const f3 = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(3));

function ci(s: LearnerSummary): string {
  const d = s.diffToBestDefault;
  if (!d) return '(baseline)';
  return `${d.mean >= 0 ? '+' : ''}${d.mean.toFixed(3)} [${d.lo >= 0 ? '+' : ''}${d.lo.toFixed(3)}, ${d.hi >= 0 ? '+' : ''}${d.hi.toFixed(3)}]`;
}

export function evaluationMarkdown(ev: Evaluation): string {
  const budgets = Object.keys(ev.summaries[0]?.budget ?? {}).map(Number);
  const lines: string[] = [];
  lines.push(`Leave-one-dataset-out over ${ev.parents.length} parent datasets (${ev.tasks.length} tasks; ${ev.trainable.length} where ≥ 5 % of candidates train). Normalised regret: 0 = best candidate in hindsight, 1 = worst / diverged.`);
  lines.push('');
  const head = ['learner', 'mean', 'median', 'mean (trainable)', 'Δ mean vs best-default [90 % CI]', ...TOP_KS.slice(1).map((k) => `top-${k}`), ...budgets.map((b) => `--budget ${b}`), '≈ random trials', 'beats tfjs defaults', 'time-to-target ×'];
  lines.push(`| ${head.join(' | ')} |`);
  lines.push(`|${head.map(() => '---').join('|')}|`);
  for (const s of ev.summaries) {
    lines.push(
      `| ${[
        s.learner, f3(s.mean), f3(s.median), f3(s.meanTrainable), ci(s),
        ...TOP_KS.slice(1).map((k) => f3(s.topK[k])), ...budgets.map((b) => f3(s.budget?.[b])),
        Number.isFinite(s.randomSearchEquivalent) ? String(s.randomSearchEquivalent) : '> 64',
        `${Math.round(100 * s.winRateVsDefaults)} % of datasets`,
        `${Number.isFinite(s.timeToTargetSpeedup) ? s.timeToTargetSpeedup.toFixed(2) : '—'} (${s.reachedTarget}/${s.tasks} reached)`,
      ].join(' | ')} |`,
    );
  }
  lines.push('');
  lines.push(`Random search (expected min regret of k random candidates): ${RANDOM_KS.map((k) => `k=${k}: ${f3(ev.randomSearch[k])}`).join(', ')}.`);
  lines.push(`tfjs defaults (Adam 1e-3 constant): ${Object.entries(ev.defaults).map(([m, v]) => `${m} ${f3(v)}`).join(', ')}.`);
  lines.push('');
  lines.push('Mean regret per held-out dataset:');
  lines.push('');
  lines.push(`| dataset | ${ev.summaries.map((s) => s.learner).join(' | ')} |`);
  lines.push(`|---|${ev.summaries.map(() => '---').join('|')}|`);
  for (const p of ev.parents) lines.push(`| ${p} | ${ev.summaries.map((s) => f3(s.perDataset[p])).join(' | ')} |`);
  return `${lines.join('\n')}\n`;
}

async function svgOf(spec: vl.TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export interface CurvePanel {
  readonly task: string;
  readonly learner: string;
  readonly pick: readonly number[];
  readonly defaults: readonly number[];
}

/** The vega-lite specs of the report (exported so tests can check each one renders). */
export function reportSpecs(ev: Evaluation, curves: readonly CurvePanel[] = []): Record<string, vl.TopLevelSpec> {
  const budgetRows: Array<{ learner: string; procedure: string; k: number; regret: number }> = [];
  for (let k = 1; k <= 64; k++) budgetRows.push({ learner: 'random search', procedure: 'k random runs', k, regret: ev.randomSearch[k]! });
  for (const s of ev.summaries) {
    for (const k of TOP_KS) if (Number.isFinite(s.topK[k]!)) budgetRows.push({ learner: s.learner, procedure: 'best of top-k (k full runs)', k, regret: s.topK[k]! });
    for (const [b, v] of Object.entries(s.budget ?? {})) if (Number.isFinite(v)) budgetRows.push({ learner: s.learner, procedure: '--budget B (successive halving)', k: Number(b), regret: v });
  }
  const bars = ev.summaries.flatMap((s) => ev.parents.map((p) => ({ learner: s.learner, dataset: p, regret: s.perDataset[p]! })));
  const specs: Record<string, vl.TopLevelSpec> = {
    'regret-vs-budget': {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'Mean regret vs number of full training runs',
      width: 560,
      height: 320,
      data: { values: budgetRows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'k', type: 'quantitative', scale: { type: 'log', base: 2 }, title: 'runs (k)' },
        y: { field: 'regret', type: 'quantitative', title: 'mean normalised regret' },
        color: { field: 'learner', type: 'nominal', legend: { labelLimit: 200 } },
        strokeDash: { field: 'procedure', type: 'nominal', legend: { labelLimit: 260 } },
        detail: { field: 'procedure' },
      },
    },
    'per-dataset': {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'Mean regret per held-out dataset',
      width: 560,
      height: 320,
      data: { values: bars },
      mark: 'bar',
      encoding: {
        x: { field: 'dataset', type: 'nominal', sort: [...ev.parents] },
        xOffset: { field: 'learner' },
        y: { field: 'regret', type: 'quantitative', title: 'mean normalised regret' },
        color: { field: 'learner', type: 'nominal' },
      },
    },
  };
  if (curves.length > 0) {
    const rows = curves.flatMap((c) => [
      ...c.pick.map((v, i) => ({ task: c.task, series: `${c.learner} pick`, epoch: i + 1, val_loss: v })),
      ...c.defaults.map((v, i) => ({ task: c.task, series: 'tfjs defaults', epoch: i + 1, val_loss: v })),
    ]).filter((r) => Number.isFinite(r.val_loss));
    specs['learning-curves'] = {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: 'Validation loss: suggested vs tfjs defaults (first task of each held-out dataset)',
      data: { values: rows },
      facet: { field: 'task', type: 'nominal', columns: 4 },
      spec: {
        width: 160,
        height: 110,
        mark: 'line',
        encoding: {
          x: { field: 'epoch', type: 'quantitative' },
          y: { field: 'val_loss', type: 'quantitative', scale: { type: 'log' }, title: 'val_loss' },
          color: { field: 'series', type: 'nominal' },
        },
      },
      resolve: { scale: { y: 'independent' } },
    } as vl.TopLevelSpec;
  }
  return specs;
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function markdownTableToHtml(md: string): string {
  const out: string[] = [];
  let inTable = false;
  for (const line of md.split('\n')) {
    if (line.startsWith('|')) {
      if (/^\|(-+\|)+$/.test(line.replace(/\s/g, ''))) continue;
      const cells = line.slice(1, -1).split('|').map((c) => escapeHtml(c.trim()));
      if (!inTable) {
        out.push('<table><thead><tr>', ...cells.map((c) => `<th>${c}</th>`), '</tr></thead><tbody>');
        inTable = true;
      } else out.push('<tr>', ...cells.map((c) => `<td>${c}</td>`), '</tr>');
    } else {
      if (inTable) out.push('</tbody></table>');
      inTable = false;
      if (line.trim()) out.push(`<p>${escapeHtml(line)}</p>`);
    }
  }
  if (inTable) out.push('</tbody></table>');
  return out.join('');
}

/** One plot of the report as a standalone SVG (for the README). */
export async function evaluationSvg(ev: Evaluation, plot: 'regret-vs-budget' | 'per-dataset' = 'regret-vs-budget'): Promise<string> {
  return svgOf(reportSpecs(ev)[plot]!);
}

/** One self-contained HTML file: tables and inline SVG plots, no scripts, no external resources. */
export async function evaluationHtml(ev: Evaluation, curves: readonly CurvePanel[] = [], title = 'metatune: leave-one-dataset-out evaluation'): Promise<string> {
  const specs = reportSpecs(ev, curves);
  const figures: string[] = [];
  for (const [id, spec] of Object.entries(specs)) figures.push(`<figure class="plot" id="plot-${id}">${await svgOf(spec)}</figure>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f4f4f4}td:first-child{text-align:left}figure{margin:1.5em 0}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>seed ${ev.seed}; ${ev.epochs} epochs per run; generated by <code>metatune eval</code>.</p>
${markdownTableToHtml(evaluationMarkdown(ev))}
${figures.join('\n')}
</body></html>
`;
}

/** One curve panel per held-out dataset: its first task, the learner's pick vs tfjs defaults. */
export function curvePanels(ev: Evaluation, learner: string, curveOf: (task: string, candidateId: string) => readonly number[] | undefined, defaultsOf: (task: string, pick: string) => readonly number[] | undefined): CurvePanel[] {
  const rs = ev.results[learner] ?? [];
  const panels: CurvePanel[] = [];
  for (const p of ev.parents) {
    const r = rs.find((x) => x.parent === p);
    if (!r) continue;
    const pick = curveOf(r.taskId, r.pick);
    const defaults = defaultsOf(r.taskId, r.pick);
    if (pick && defaults) panels.push({ task: r.taskId, learner, pick, defaults });
  }
  return panels;
}
