/**
 * The evaluation report opened in a real browser (Debian's chromium driven by playwright-core):
 * every plot rendered as a non-empty SVG with marks, and no console errors.
 *
 * Without chromium the test skips with one loud line; `.ci/run` installs chromium and sets
 * METATUNE_REQUIRE_BROWSER=1, which turns the skip into a failure.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { bestDefaultLearner } from '../../plugins/learner-best-default/index.js';
import { lrProbeLearner } from '../../plugins/learner-lr-probe/index.js';
import { evaluateLeaveOneDatasetOut } from '../../src/meta/evaluate.js';
import { curvePanels, evaluationHtml } from '../../src/meta/report.js';
import { syntheticCandidates, syntheticExamples } from '../helpers/synthetic-corpus.js';

const CHROMIUM = process.env.METATUNE_CHROMIUM ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const required = process.env.METATUNE_REQUIRE_BROWSER === '1';
if (!CHROMIUM && !required) {
  console.warn('SKIPPED report-browser tests: no chromium found. Install it with `apt-get install -y chromium` (or set METATUNE_CHROMIUM=/path/to/chromium).');
}
const maybe = CHROMIUM || required ? test : test.skip;

maybe('the HTML report renders every plot in chromium without console errors', async () => {
  expect(CHROMIUM).toBeDefined();
  const examples = syntheticExamples();
  const ev = await evaluateLeaveOneDatasetOut({ learners: [bestDefaultLearner, lrProbeLearner], examples, candidates: syntheticCandidates(), budgets: [2] });
  const curve = new Map(examples.map((e) => [`${e.taskId}\u0000${e.candidate.id}`, e.outcome.curve]));
  const panels = curvePanels(ev, 'lr-probe', (t) => curve.get(`${t}\u0000mlp/adam/constant@3e-3`), (t) => curve.get(`${t}\u0000mlp/adam/constant@1e-3`));
  expect(panels.length).toBe(6);
  const file = join(mkdtempSync(join(tmpdir(), 'metatune-report-')), 'report.html');
  writeFileSync(file, await evaluationHtml(ev, panels));
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    const plots = await page.$$eval('figure.plot', (figs) =>
      figs.map((f) => {
        const svg = f.querySelector('svg');
        const box = svg?.getBoundingClientRect();
        return { id: f.id, width: box?.width ?? 0, height: box?.height ?? 0, marks: svg?.querySelectorAll('path, rect, line').length ?? 0 };
      }),
    );
    expect(plots.map((p) => p.id)).toEqual(['plot-regret-vs-budget', 'plot-per-dataset', 'plot-learning-curves']);
    for (const p of plots) {
      expect(p.width).toBeGreaterThan(100);
      expect(p.height).toBeGreaterThan(100);
      expect(p.marks).toBeGreaterThan(10);
    }
    expect(await page.locator('table').count()).toBe(2);
    expect(await page.locator('td', { hasText: 'lr-probe' }).count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  } finally {
    await browser.close();
  }
});
