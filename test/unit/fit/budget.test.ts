import { CORPUS_EPOCHS, corpusGrid } from '../../../src/corpus/grid.js';
import { readCorpus } from '../../../src/corpus/read.js';
import { ValidationError } from '../../../src/core/errors.js';
import { planSuccessiveHalving, promote, simulateBudget } from '../../../src/fit/budget.js';
import { expectError } from '../../helpers/expect-error.js';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

describe('planSuccessiveHalving', () => {
  it('budget 1 trains the top candidate alone for the full run', () => {
    const plan = planSuccessiveHalving(ids(8), 1, 20);
    expect(plan.candidates).toEqual(['c0']);
    expect(plan.rungs).toEqual([{ epochs: 20, entrants: 1, survivors: 1 }]);
    expect(plan.epochsPlanned).toBe(20);
  });

  it('budget 2 over 20 epochs enters 4 candidates, halving at 5 and 10 epochs, and costs exactly 2 runs', () => {
    const plan = planSuccessiveHalving(ids(8), 2, 20);
    expect(plan.candidates).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(plan.rungs).toEqual([
      { epochs: 5, entrants: 4, survivors: 2 },
      { epochs: 10, entrants: 2, survivors: 1 },
      { epochs: 20, entrants: 1, survivors: 1 },
    ]);
    // 4×5 + 2×5 + 1×10
    expect(plan.epochsPlanned).toBe(40);
    expect(plan.runsPlanned).toBe(2);
  });

  it('never plans more than budget × epochs, for every budget and run length', () => {
    for (const epochs of [1, 2, 3, 7, 10, 20, 50]) {
      for (const budget of [1, 1.5, 2, 3, 4, 8]) {
        const plan = planSuccessiveHalving(ids(32), budget, epochs);
        expect(plan.epochsPlanned).toBeLessThanOrEqual(budget * epochs);
        expect(plan.rungs[plan.rungs.length - 1]).toEqual({ epochs, entrants: 1, survivors: 1 });
        for (let k = 1; k < plan.rungs.length; k++) {
          expect(plan.rungs[k]!.epochs).toBeGreaterThan(plan.rungs[k - 1]!.epochs);
          expect(plan.rungs[k]!.entrants).toBe(plan.rungs[k - 1]!.survivors);
        }
      }
    }
  });

  it('is limited by the ranking length, and takes ranked candidates as well as ids', () => {
    const ranked = ['a', 'b'].map((id) => ({ candidate: { id } }));
    const plan = planSuccessiveHalving(ranked, 8, 20);
    expect(plan.candidates).toEqual(['a', 'b']);
    expect(plan.rungs.map((r) => r.epochs)).toEqual([10, 20]);
  });

  it('rejects budget 0, an empty ranking and duplicates with typed errors', () => {
    expectError(() => planSuccessiveHalving(ids(3), 0, 20), ValidationError, 'INVALID_BUDGET', /`budget` must be a number >= 1 .*Received: budget=0\..*Fix: use --budget 1/);
    expectError(() => planSuccessiveHalving([], 2, 20), ValidationError, 'NO_CANDIDATES', /ranking is empty/);
    expectError(() => planSuccessiveHalving(['a', 'a'], 2, 20), ValidationError, 'DUPLICATE_CANDIDATE', /twice/);
    expectError(() => planSuccessiveHalving(['a'], 2, 0), ValidationError, 'INVALID_PARAMETER', /`epochs` must be an integer >= 1/);
  });
});

describe('promote', () => {
  it('keeps the lowest losses, breaks ties by rank and never prefers a diverged entrant', () => {
    const entrants = [
      { id: 'a', valLoss: 0.5 },
      { id: 'b', valLoss: Number.NaN },
      { id: 'c', valLoss: 0.5 },
      { id: 'd', valLoss: 0.2 },
    ];
    expect(promote(entrants, 2)).toEqual(['a', 'd']);
    expect(promote(entrants, 1)).toEqual(['d']);
    expect(promote([{ id: 'x', valLoss: Infinity }, { id: 'y', valLoss: NaN }], 1)).toEqual(['x']);
  });
});

describe('simulateBudget', () => {
  it('replays the plan on curves: a late bloomer survives only if its rung values allow it', () => {
    const curves = {
      c0: Array.from({ length: 20 }, (_, i) => 1 - i * 0.01), // slow, ends 0.81
      c1: Array.from({ length: 20 }, (_, i) => 0.9 - i * 0.03), // fast, ends 0.33
      c2: [0.5, 0.4, NaN], // diverges at epoch 2
      c3: Array.from({ length: 20 }, () => 1.05),
    };
    const sim = simulateBudget(['c0', 'c1', 'c2', 'c3'], curves, 2, 20);
    expect(sim.rungs[0]!.entrants.map((e) => e.id)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(sim.rungs[0]!.promoted).toEqual(['c0', 'c1']);
    expect(sim.chosen).toBe('c1');
    expect(sim.finalValLoss).toBeCloseTo(0.9 - 19 * 0.03, 10);
    expect(sim.pruned).toEqual(['c2', 'c3', 'c0']);
    // c2's curve stops after 3 epochs: 5 + 5 + 3 + 5 at rung 0, 5 + 5 at rung 1, 10 at the last.
    expect(sim.epochsUsed).toBe(18 + 10 + 10);
    expect(sim.budgetUsed).toBeCloseTo(38 / 20, 12);
  });

  it('budget 1 picks the top-ranked candidate whatever the curves say', () => {
    const sim = simulateBudget(['c0', 'c1'], new Map([['c0', [3, 2, 1]], ['c1', [0.1, 0.1, 0.1]]]), 1, 3);
    expect(sim.chosen).toBe('c0');
    expect(sim.finalValLoss).toBe(1);
    expect(sim.pruned).toEqual([]);
  });

  it('on the real corpus curves of iris, budget 2 over four candidates ends no worse than the worst of them', async () => {
    const curves = new Map<string, number[]>();
    for await (const run of readCorpus(undefined, { tasks: ['iris'], validate: false })) {
      curves.set(run.id.replace(/^corpus:iris:/, ''), run.epochs.map((e) => e.val_loss ?? Number.NaN));
    }
    expect(curves.size).toBe(corpusGrid().length);
    const ranked = ['mlp-dropout/adam/reduce_on_plateau@1e-3', 'mlp-wide/adam/constant@1e-4', 'mlp-wide/momentum/warmup_cosine@1e-1', 'mlp-dropout/adam/one_cycle@1e-1'];
    const last = CORPUS_EPOCHS - 1;
    const sim = simulateBudget(ranked, curves, 2, CORPUS_EPOCHS);
    const finals = ranked.map((id) => curves.get(id)![last]!);
    expect(ranked).toContain(sim.chosen);
    expect(sim.finalValLoss).toBe(curves.get(sim.chosen)![last]);
    expect(sim.finalValLoss).toBeLessThan(Math.max(...finals));
    // Adam at 1e-4 for 2 epochs barely moves on iris: pruned at the first rung.
    expect(sim.rungs[0]!.promoted).not.toContain('mlp-wide/adam/constant@1e-4');
    expect(sim.epochsUsed).toBeLessThanOrEqual(2 * CORPUS_EPOCHS);
  });
});
