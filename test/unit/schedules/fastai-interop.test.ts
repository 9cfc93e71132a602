/**
 * The `fastai` spec format beyond the reference vectors: where total_steps comes from, the
 * fit_flat_cos / fit_sgdr policies against fastai's formulas, the shorthand nesting, and errors.
 */
import { readFileSync } from 'node:fs';
import { Container } from 'inversify';
import { MetatuneError } from '../../../src/core/errors.js';
import { TOKENS } from '../../../src/core/tokens.js';
import { isStatefulSchedule, type Schedule, type ScheduleSpecFormat } from '../../../src/schedules/schedule.js';
import interopFastai, { fastaiSpecFormat } from '../../../plugins/interop-fastai/index.js';

const resolver = { build: () => { throw new Error('fastai specs build no children through the resolver'); } };

function build(spec: Record<string, unknown>): Schedule {
  const s = fastaiSpecFormat.build(spec, resolver);
  if (isStatefulSchedule(s)) throw new Error('expected a step schedule');
  return s;
}

function caught(fn: () => unknown): MetatuneError {
  try {
    fn();
  } catch (err) {
    if (err instanceof MetatuneError) return err;
    throw err;
  }
  throw new Error('expected a MetatuneError');
}

/** fastai's `_cos_anneal`, written out independently of the plugin. */
const cos = (start: number, end: number, pos: number): number => start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;

describe('plugin interop-fastai', () => {
  it('contributes the "fastai" spec format through its ContainerModule and manifest', () => {
    const container = new Container();
    container.load(interopFastai);
    const formats = container.getAll<ScheduleSpecFormat>(TOKENS.ScheduleSpecFormat);
    expect(formats.map((f) => f.id)).toEqual(['fastai']);
    expect(formats[0].matches({ fastai: 'fit_one_cycle' })).toBe(true);
    expect(formats[0].matches({ torch: 'OneCycleLR' })).toBe(false);
    const manifest = JSON.parse(readFileSync(new URL('../../../plugins/interop-fastai/plugin.json', import.meta.url), 'utf8'));
    expect(manifest.contributes).toEqual({ scheduleSpecFormats: ['fastai'] });
  });
});

describe('fit_one_cycle', () => {
  const kwargs = { lr_max: 0.01, div: 25, div_final: 1e5, pct_start: 0.25, moms: [0.95, 0.85, 0.95] };

  it('takes total_steps from kwargs, else n_epoch × stepsPerEpoch, else ctx.totalSteps (same numbers)', () => {
    const a = build({ fastai: 'fit_one_cycle', kwargs: { ...kwargs, total_steps: 40 } });
    const b = build({ fastai: 'fit_one_cycle', kwargs: { ...kwargs, n_epoch: 4 } });
    const c = build({ fastai: 'fit_one_cycle', kwargs });
    for (let step = 0; step < 40; step++) {
      expect(b(step, { stepsPerEpoch: 10 })).toBe(a(step));
      expect(c(step, { totalSteps: 40 })).toBe(a(step));
    }
    // Warm-up peak at pos = pct_start, final value lr_max / div_final.
    expect(a(10)).toBeCloseTo(0.01, 15);
    expect(a(0)).toBeCloseTo(0.01 / 25, 15);
    expect(a(40)).toBeCloseTo(0.01 / 1e5, 15);
    expect(a(1000)).toBe(a(40)); // holds f(1) past the end
  });

  it('carries the cycled momentum (inverse to the lr)', () => {
    const s = build({ fastai: 'fit_one_cycle', kwargs: { ...kwargs, total_steps: 40 } });
    expect(s.momentum!(0)).toBeCloseTo(0.95, 15);
    expect(s.momentum!(10)).toBeCloseTo(0.85, 15);
    expect(s.momentum!(25)).toBeCloseTo(cos(0.85, 0.95, 15 / 30), 15);
    expect(s.momentum!(40)).toBeCloseTo(0.95, 15);
  });

  it('without any way to know the run length: TOTAL_STEPS_REQUIRED with the fix', () => {
    const s = build({ fastai: 'fit_one_cycle', kwargs });
    const err = caught(() => s(3));
    expect(err.code).toBe('TOTAL_STEPS_REQUIRED');
    expect(err.message).toMatch(/pos = step \/ total_steps.*Set `total_steps`/);
    // n_epoch alone is not enough without stepsPerEpoch.
    expect(caught(() => build({ fastai: 'fit_one_cycle', kwargs: { ...kwargs, n_epoch: 2 } })(3, {})).code).toBe('TOTAL_STEPS_REQUIRED');
  });
});

describe('other policies and blocks', () => {
  it('fit_flat_cos: flat lr for pct_start, then cosine to lr / div_final', () => {
    const s = build({ fastai: 'fit_flat_cos', kwargs: { lr: 0.1, total_steps: 100 } });
    for (const step of [0, 30, 74]) expect(s(step)).toBeCloseTo(0.1, 15);
    expect(s(75)).toBeCloseTo(0.1, 15);
    expect(s(90)).toBeCloseTo(cos(0.1, 1e-6, 15 / 25), 15);
    expect(s(100)).toBeCloseTo(1e-6, 15);
  });

  it('fit_sgdr: cycles of cycle_len × cycle_mult^i epochs (n_epoch = 7 for 3 cycles of 1, 2, 4)', () => {
    const s = build({ fastai: 'fit_sgdr', kwargs: { n_cycles: 3, cycle_len: 1, lr_max: 0.1 } });
    const ctx = { stepsPerEpoch: 10 }; // 70 steps: cycles over steps [0, 10), [10, 30), [30, 70)
    expect(s(0, ctx)).toBeCloseTo(0.1, 15);
    expect(s(5, ctx)).toBeCloseTo(cos(0.1, 0, 0.5), 15);
    expect(s(10, ctx)).toBeCloseTo(0.1, 15);
    expect(s(20, ctx)).toBeCloseTo(0.05, 15);
    expect(s(50, ctx)).toBeCloseTo(0.05, 15);
    expect(s(69, ctx)).toBeCloseTo(cos(0.1, 0, 39 / 40), 15);
  });

  it('combine_scheds nests specs in three spellings', () => {
    const pcts = [0.5, 0.5];
    const long = build({ fastai: 'combine_scheds', kwargs: { pcts, scheds: [{ fastai: 'SchedLin', kwargs: { start: 0, end: 1 } }, { fastai: 'SchedExp', kwargs: { start: 1, end: 4 } }], total_steps: 4 } });
    const short = build({ fastai: 'combine_scheds', kwargs: { pcts, scheds: [{ SchedLin: [0, 1] }, { SchedExp: { start: 1, end: 4 } }], total_steps: 4 } });
    const expected = [0, 0.5, 1, 2, 4];
    for (let step = 0; step <= 4; step++) {
      expect(long(step)).toBeCloseTo(expected[step], 15);
      expect(short(step)).toBe(long(step));
    }
  });

  it('SchedPoly and SchedNo', () => {
    const poly = build({ fastai: 'SchedPoly', kwargs: { start: 1, end: 0, power: 0.5, total_steps: 4 } });
    expect(poly(1)).toBeCloseTo(0.5, 15);
    const no = build({ fastai: 'SchedNo', kwargs: { start: 3, end: 7, total_steps: 4 } });
    expect([0, 2, 4].map((s) => no(s))).toEqual([3, 3, 3]);
  });
});

describe('errors', () => {
  it('unknown schedule: UNKNOWN_FASTAI_SCHEDULE listing the supported ones', () => {
    const err = caught(() => build({ fastai: 'fit_one_cycles', kwargs: {} }));
    expect(err.code).toBe('UNKNOWN_FASTAI_SCHEDULE');
    expect(err.message).toMatch(/unknown fastai schedule "fit_one_cycles"\. Supported: fit_one_cycle, fit_flat_cos, fit_sgdr, SchedLin/);
    expect(caught(() => build({ fastai: 'combine_scheds', kwargs: { pcts: [1], scheds: [{ SchedLinear: [0, 1] }] } })).code).toBe('UNKNOWN_FASTAI_SCHEDULE');
  });

  it('bad kwargs name the argument', () => {
    expect(caught(() => build({ fastai: 'fit_one_cycle', kwargs: { lr: 0.1 } })).message).toMatch(/unknown parameter `lr`\. Valid parameters: n_epoch, lr_max/);
    expect(caught(() => build({ fastai: 'fit_one_cycle', kwargs: {} })).message).toMatch(/`lr_max` is required/);
    expect(caught(() => build({ fastai: 'fit_one_cycle', kwargs: { lr_max: 0.1, moms: [0.9, 0.8] } })).message).toMatch(/`moms` must be three numbers/);
    expect(caught(() => build({ fastai: 'fit_one_cycle', kwargs: { lr_max: 0.1, pct_start: 1 } })).message).toMatch(/`pct_start` must be in \[0, 1\)/);
    const pcts = caught(() => build({ fastai: 'combine_scheds', kwargs: { pcts: [0.3, 0.3], scheds: [{ SchedNo: [1] }, { SchedNo: [2] }] } }));
    expect(pcts.code).toBe('INVALID_PARAMETER');
    expect(pcts.message).toMatch(/`pcts` must be 2 fractions >= 0 summing to 1/);
    expect(caught(() => build({ fastai: 'SchedExp', kwargs: { start: 0, end: 1 } })).message).toMatch(/`start` must be > 0/);
    expect(caught(() => build({ fastai: 'SchedLin', kwargs: { start: 0, end: 1, total_steps: 0 } })).message).toMatch(/`total_steps` must be an integer >= 1/);
  });
});
