import { describe, expect, it } from '@jest/globals';
import type { StatefulSchedule, StepObservation } from '../../../src/schedules/schedule.js';
import { isStatefulSchedule } from '../../../src/schedules/schedule.js';
import { constantSchedule, joinSchedules, linearSchedule, oneCycleSchedule, warmupSchedule } from '../../../plugins/schedules-core/api.js';

/** A stand-in adaptive schedule: halves the rate on every observation, and remembers the steps it saw. */
function halving(monitor = 'loss'): StatefulSchedule<{ lr: number; seen: number[] }> {
  return {
    kind: 'stateful',
    requires: { monitor },
    init: () => ({ lr: 0.1, seen: [] }),
    update: (s, obs) => ({ lr: s.lr / 2, seen: [...s.seen, obs.step] }),
    value: (s, step) => s.lr + step * 0, // depends on state only
    momentum: () => 0.9,
  };
}

const batch = (step: number): StepObservation => ({ kind: 'batch', step, epoch: 0, logs: { loss: 1 } });
const epoch = (step: number): StepObservation => ({ kind: 'epoch', step, epoch: 0, logs: { loss: 1 } });

describe('warm-up in front of a stateful schedule', () => {
  const warm = warmupSchedule({ warmupSteps: 4, startLearningRate: 0, after: halving() });

  it('is stateful, forwards requires, ramps to the current inner value', () => {
    expect(isStatefulSchedule(warm)).toBe(true);
    if (!isStatefulSchedule(warm)) return;
    expect(warm.requires).toEqual({ monitor: 'loss' });
    const s0 = warm.init();
    expect([0, 1, 2, 4, 9].map((step) => warm.value(s0, step))).toEqual([0, 0.025, 0.05, 0.1, 0.1]);
    expect(warm.momentum?.(s0, 0)).toBe(0.9);
  });

  it('forwards only post-warm-up observations, with shifted steps', () => {
    if (!isStatefulSchedule(warm)) throw new Error('stateful expected');
    let s = warm.init();
    for (const obs of [batch(0), batch(3), epoch(4), batch(4), batch(6), epoch(8)]) s = warm.update(s, obs);
    // batch 0 and 3 and the epoch ending after step 3 (step=4 done) are warm-up; then steps 0, 2 and 4 done.
    expect((s as { seen: number[] }).seen).toEqual([0, 2, 4]);
    expect(warm.value(s, 10)).toBeCloseTo(0.1 / 8, 15);
  });
});

describe('join with stateful children', () => {
  const j = joinSchedules([linearSchedule({ initialValue: 0, endValue: 0.1, transitionSteps: 10 }), halving(), constantSchedule({ learningRate: 0.001 })], [10, 20]);

  it('routes observations to the active child with shifted steps, never mutating the state', () => {
    if (!isStatefulSchedule(j)) throw new Error('stateful expected');
    const s0 = j.init();
    let s = s0;
    for (const obs of [batch(5), batch(10), batch(12), epoch(20), batch(25)]) s = j.update(s, obs);
    expect((s as readonly unknown[])[1]).toEqual({ lr: 0.1 / 8, seen: [0, 2, 10] });
    expect((s0 as readonly unknown[])[1]).toEqual({ lr: 0.1, seen: [] });
    expect([j.value(s, 5), j.value(s, 15), j.value(s, 25)]).toEqual([0.05, 0.1 / 8, 0.001]);
    expect(j.momentum?.(s, 15)).toBe(0.9);
    expect(j.momentum?.(s, 5)).toBeUndefined();
  });

  it('refuses children monitoring different metrics', () => {
    expect(() => joinSchedules([halving('loss'), halving('val_loss')], [5])).toThrow(expect.objectContaining({ code: 'CONFLICTING_MONITORS' }));
  });

  it('stays a plain function, momentum included, when every child is pure', () => {
    const a = oneCycleSchedule({ maxLearningRate: 0.1, totalSteps: 10 });
    const pureJoin = joinSchedules([a, a], [10]);
    expect(typeof pureJoin).toBe('function');
    expect(pureJoin.momentum!(12)).toBe(a.momentum!(2));
    expect(joinSchedules([a, constantSchedule({ learningRate: 1 })], [10]).momentum).toBeUndefined();
  });
});
