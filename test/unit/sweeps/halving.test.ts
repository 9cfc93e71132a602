import { isPromotable, SuccessiveHalving } from '../../../src/sweeps/halving.js';

describe("isPromotable: Optuna's SuccessiveHalvingPruner rule (minimise, competitors include the trial)", () => {
  // [value, competing, eta, promoted]: index ⌊n/η⌋−1 of the sorted competitors, −1 read as 0.
  const cases: Array<[number, number[], number, boolean]> = [
    [0.5, [0.5], 3, true], // first at the rung: always goes on
    [0.4, [0.5, 0.4], 3, true], // n=2 < η: only the best so far
    [0.6, [0.5, 0.6], 3, false],
    [0.5, [0.5, 0.5], 3, true], // ties promote (<=)
    [0.3, [0.5, 0.4, 0.3], 3, true], // n=3: index 0, must be the best
    [0.45, [0.5, 0.4, 0.45], 3, false],
    [0.45, [0.5, 0.4, 0.45, 0.9, 0.8, 0.7], 3, true], // n=6: index 1 → top 2
    [0.5, [0.5, 0.4, 0.45, 0.9, 0.8, 0.7], 3, false],
  ];
  it.each(cases)('value %p among %p (eta %p) → promoted %p', (value, competing, eta, promoted) => {
    expect(isPromotable(value, competing, eta)).toBe(promoted);
  });
  it('eta=2 keeps the top half (n=4: index 1 of [0.4, 0.45, 0.5, 0.9])', () => {
    expect(isPromotable(0.5, [0.5, 0.4, 0.45, 0.9], 2)).toBe(false);
    expect(isPromotable(0.45, [0.5, 0.4, 0.45, 0.9], 2)).toBe(true);
  });
});

describe('SuccessiveHalving: rungs at r·η^k epochs, decisions in arrival order', () => {
  it('places rungs at 1, 3, 9 (r=1, η=3) and 2, 4, 8 (r=2, η=2)', () => {
    const sh = new SuccessiveHalving();
    expect(sh.rungResources(20)).toEqual([1, 3, 9]);
    expect(sh.rungResources(9)).toEqual([1, 3]); // a rung at the last epoch decides nothing
    expect([1, 2, 3, 4, 9, 27].map((r) => sh.rungAt(r))).toEqual([0, undefined, 1, undefined, 2, 3]);
    expect(new SuccessiveHalving({ minResource: 2, reductionFactor: 2 }).rungResources(10)).toEqual([2, 4, 8]);
  });

  it('prunes exactly the trials outside the top 1/η of those seen at the rung (literal sequence)', () => {
    const sh = new SuccessiveHalving({ minResource: 1, reductionFactor: 3 });
    // rung 0 (after 1 epoch), values arriving in this order:
    const arrivals: Array<[string, number, 'continue' | 'prune']> = [
      ['t0', 1.0, 'continue'], // alone
      ['t1', 1.2, 'prune'], // n=2, not the best
      ['t2', 0.9, 'continue'], // best of 3
      ['t3', 0.95, 'prune'], // n=4 → index 0: 0.9 is better
      ['t4', 1.1, 'prune'],
      ['t5', 0.92, 'continue'], // n=6 → index 1: sorted 0.9, 0.92 → promoted
      ['t6', 0.93, 'prune'], // n=7 → index 1: 0.92
    ];
    for (const [id, v, expected] of arrivals) expect([id, sh.report(id, 1, v)]).toEqual([id, expected]);
    expect(sh.rungValues(0)).toEqual([1.0, 1.2, 0.9, 0.95, 1.1, 0.92, 0.93]);
    // between rungs: always continue, nothing recorded
    expect(sh.report('t0', 2, 5)).toBe('continue');
    // rung 1 (3 epochs) is a separate competition
    expect(sh.report('t0', 3, 0.8)).toBe('continue');
    expect(sh.report('t2', 3, 0.85)).toBe('prune');
    expect(sh.rungValues(1)).toEqual([0.8, 0.85]);
    // NaN never goes on
    expect(sh.report('t9', 1, Number.NaN)).toBe('prune');
    // a re-sent report is judged again but not counted twice
    expect(sh.report('t5', 1, 0.92)).toBe('continue');
    expect(sh.rungValues(0)).toHaveLength(7);
  });

  it('restore replays finished trials: values at the rungs they reached', () => {
    const sh = new SuccessiveHalving();
    sh.restore('t0', [1.0, 0.9, 0.8, 0.7, 0.6], 5); // completed 5 epochs: rungs 1 and 3
    sh.restore('t1', [1.2], 5); // pruned at rung 1
    expect(sh.rungValues(0)).toEqual([1.0, 1.2]);
    expect(sh.rungValues(1)).toEqual([0.8]);
    expect(sh.report('t2', 1, 1.1)).toBe('prune'); // n=3, not the best (1.0 is)
  });

  it('forget drops a failed trial from every rung, so later trials compete as after a resume', () => {
    const live = new SuccessiveHalving();
    expect(live.report('t0', 1, 1.0)).toBe('continue');
    expect(live.report('t0', 3, 0.8)).toBe('continue');
    live.forget('t0'); // its worker was killed: the stored attempt has no epochs to restore
    expect([live.rungValues(0), live.rungValues(1)]).toEqual([[], []]);
    // Without t0's 1.0 at rung 0, t1's 2.0 is the best so far and goes on.
    expect(live.report('t1', 1, 2.0)).toBe('continue');
    // The re-run attempt reports under the same key: counted once, as in a resumed sweep.
    expect(live.report('t0', 1, 1.5)).toBe('continue');
    const resumed = new SuccessiveHalving();
    resumed.restore('t1', [2.0, 1.9], 5);
    resumed.report('t0', 1, 1.5);
    expect(live.rungValues(0)).toEqual(resumed.rungValues(0));
  });

  it('rejects a bad reduction factor or min resource', () => {
    expect(() => new SuccessiveHalving({ reductionFactor: 1 })).toThrow(/`reductionFactor` must be an integer >= 2\. Received: reductionFactor=1\./);
    expect(() => new SuccessiveHalving({ minResource: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/`minResource` must be an integer >= 1\. Received: minResource=0\./) }));
  });
});
