import { describe, expect, it } from '@jest/globals';
import { makeRegistry } from './helpers.js';
import { coreScheduleFamilies } from '../../../plugins/schedules-core/families.js';

const registry = makeRegistry();
const cos = { family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 10 } };

type Row = [family: string, params: Record<string, unknown>, code: string, message: RegExp];

// One row per rule; messages follow Keras: "<family>: `<arg>` must be <rule>. Received: <arg>=<value>."
const rows: Row[] = [
  ['constant', {}, 'MISSING_PARAMETER', /^constant: `learningRate` is required\. Received: learningRate=undefined\.$/],
  ['constant', { learningRate: -0.1 }, 'INVALID_PARAMETER', /^constant: `learningRate` must be >= 0\. Received: learningRate=-0\.1\.$/],
  ['constant', { learningRate: '0.1' }, 'INVALID_PARAMETER', /`learningRate` must be a finite number\. Received: learningRate="0\.1"\./],
  ['constant', { learningRate: 0.1, lr: 1 }, 'UNKNOWN_PARAMETER', /^constant: unknown parameter `lr`\. Valid parameters: learningRate\. Received: lr=1\.$/],
  ['step', { initialLearningRate: 0.1 }, 'MISSING_PARAMETER', /`stepSize` is required/],
  ['step', { initialLearningRate: 0.1, stepSize: 0 }, 'INVALID_PARAMETER', /`stepSize` must be an integer >= 1\. Received: stepSize=0\./],
  ['step', { initialLearningRate: 0.1, stepSize: 2.5 }, 'INVALID_PARAMETER', /`stepSize` must be an integer >= 1\. Received: stepSize=2\.5\./],
  ['step', { initialLearningRate: 0.1, stepSize: 3, gamma: 0 }, 'INVALID_PARAMETER', /`gamma` must be > 0\. Received: gamma=0\./],
  ['step', { initialLearningRate: 0.1, stepSize: 3, step_size: 3 }, 'UNKNOWN_PARAMETER', /unknown parameter `step_size`/],
  ['multi_step', { initialLearningRate: 0.1 }, 'MISSING_PARAMETER', /`milestones` is required/],
  ['multi_step', { initialLearningRate: 0.1, milestones: [5, 3] }, 'INVALID_PARAMETER', /`milestones` must be non-decreasing\. Received: milestones=\[5,3\]\./],
  ['multi_step', { initialLearningRate: 0.1, milestones: [1.5] }, 'INVALID_PARAMETER', /`milestones\[0\]` must be an integer >= 0/],
  ['multi_step', { initialLearningRate: 0.1, milestones: 5 }, 'INVALID_PARAMETER', /`milestones` must be an array of finite numbers/],
  ['exponential', { initialLearningRate: 0.1, decayRate: 0.9 }, 'MISSING_PARAMETER', /^exponential: `decaySteps` is required/],
  ['exponential', { initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9 }, 'INVALID_PARAMETER', /^exponential: `decaySteps` must be > 0\. Received: decaySteps=0\.$/],
  ['exponential', { initialLearningRate: 0.1, decaySteps: 10, decayRate: -1 }, 'INVALID_PARAMETER', /`decayRate` must be > 0/],
  ['exponential', { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9, staircase: 'yes' }, 'INVALID_PARAMETER', /`staircase` must be a boolean\. Received: staircase="yes"\./],
  ['exponential', { initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.9, transitionBegin: -1 }, 'INVALID_PARAMETER', /`transitionBegin` must be >= 0/],
  ['polynomial', { initialLearningRate: 0.1, decaySteps: -5 }, 'INVALID_PARAMETER', /`decaySteps` must be > 0\. Received: decaySteps=-5\./],
  ['polynomial', { initialLearningRate: 0.1, decaySteps: 5, power: 0 }, 'INVALID_PARAMETER', /`power` must be > 0/],
  ['polynomial', { initialLearningRate: 0.1, decaySteps: 5, cycle: 1 }, 'INVALID_PARAMETER', /`cycle` must be a boolean/],
  ['inverse_time', { initialLearningRate: 0.1, decaySteps: 5 }, 'MISSING_PARAMETER', /`decayRate` is required/],
  ['inverse_time', { initialLearningRate: 0.1, decaySteps: 0, decayRate: 1 }, 'INVALID_PARAMETER', /`decaySteps` must be > 0/],
  ['cosine_decay', { decaySteps: 5 }, 'MISSING_PARAMETER', /^cosine_decay: `initialLearningRate` is required/],
  ['cosine_decay', { initialLearningRate: 0.1, decaySteps: 0 }, 'INVALID_PARAMETER', /`decaySteps` must be > 0/],
  ['cosine_decay', { initialLearningRate: 0.1, decaySteps: 5, alpha: -0.1 }, 'INVALID_PARAMETER', /`alpha` must be >= 0/],
  ['cosine_decay', { initialLearningRate: 0.1, decaySteps: 5, warmupSteps: 3 }, 'INVALID_PARAMETER', /`warmupSteps` needs `warmupTarget`/],
  ['cosine_decay', { initialLearningRate: 0.1, decaySteps: 5, warmupTarget: 1, warmupSteps: 1.5 }, 'INVALID_PARAMETER', /`warmupSteps` must be an integer >= 0/],
  ['cosine_decay', { initialLearningRate: 0.1, decaySteps: 5, exponent: 0 }, 'INVALID_PARAMETER', /`exponent` must be > 0/],
  ['cosine_restarts', { initialLearningRate: 0.1 }, 'MISSING_PARAMETER', /`firstDecaySteps` is required/],
  ['cosine_restarts', { initialLearningRate: 0.1, firstDecaySteps: 0 }, 'INVALID_PARAMETER', /`firstDecaySteps` must be > 0/],
  ['cosine_restarts', { initialLearningRate: 0.1, firstDecaySteps: 10, tMul: 0.5 }, 'INVALID_PARAMETER', /`tMul` must be >= 1\. Received: tMul=0\.5\./],
  ['linear', { initialValue: 0, endValue: 1 }, 'MISSING_PARAMETER', /`transitionSteps` is required/],
  ['linear', { initialValue: 0, endValue: 1, transitionSteps: 0 }, 'INVALID_PARAMETER', /`transitionSteps` must be > 0/],
  ['linear', { initialValue: 0, endValue: 1, transitionSteps: 5, init_value: 0 }, 'UNKNOWN_PARAMETER', /unknown parameter `init_value`/],
  ['warmup', { warmupSteps: 10 }, 'MISSING_PARAMETER', /^warmup: `after` is required/],
  ['warmup', { after: cos }, 'MISSING_PARAMETER', /`warmupSteps` is required/],
  ['warmup', { warmupSteps: -1, after: cos }, 'INVALID_PARAMETER', /`warmupSteps` must be an integer >= 0/],
  ['warmup', { warmupSteps: 10, after: { family: 'cosine_decay', params: { initialLearningRate: 0.1 } } }, 'MISSING_PARAMETER', /^cosine_decay: `decaySteps` is required/],
  ['one_cycle', {}, 'MISSING_PARAMETER', /`maxLearningRate` is required/],
  ['one_cycle', { maxLearningRate: 0 }, 'INVALID_PARAMETER', /`maxLearningRate` must be > 0/],
  ['one_cycle', { maxLearningRate: 0.1, totalSteps: 0 }, 'INVALID_PARAMETER', /`totalSteps` must be an integer >= 1/],
  ['one_cycle', { maxLearningRate: 0.1, pctStart: 1.5 }, 'INVALID_PARAMETER', /`pctStart` must be in \[0, 1\]/],
  ['one_cycle', { maxLearningRate: 0.1, totalSteps: 10, pctStart: 0.1 }, 'INVALID_PARAMETER', /`pctStart` must be such that phase 1 of the cycle is not empty \(totalSteps=10\)/],
  ['one_cycle', { maxLearningRate: 0.1, annealStrategy: 'cosine' }, 'INVALID_PARAMETER', /`annealStrategy` must be one of "cos", "linear"\. Received: annealStrategy="cosine"\./],
  ['cyclic', { baseLearningRate: 0.1 }, 'MISSING_PARAMETER', /`maxLearningRate` is required/],
  ['cyclic', { baseLearningRate: 0.1, maxLearningRate: 1, stepSizeUp: 0 }, 'INVALID_PARAMETER', /`stepSizeUp` must be > 0/],
  ['cyclic', { baseLearningRate: 0.1, maxLearningRate: 1, mode: 'triangle' }, 'INVALID_PARAMETER', /`mode` must be one of "triangular", "triangular2", "exp_range"/],
  ['piecewise_constant', { boundaries: [10] }, 'MISSING_PARAMETER', /`values` is required/],
  ['piecewise_constant', { boundaries: [10, 10], values: [1, 2, 3] }, 'INVALID_PARAMETER', /`boundaries` must be strictly increasing\. Received: boundaries=\[10,10\]\./],
  ['piecewise_constant', { boundaries: [20, 10], values: [1, 2, 3] }, 'INVALID_PARAMETER', /`boundaries` must be strictly increasing/],
  ['piecewise_constant', { boundaries: [10, 20], values: [1, 2] }, 'INVALID_PARAMETER', /`values` must be one element longer than `boundaries` \(3 elements\)/],
  ['piecewise_constant', { boundaries: [], values: [1] }, 'INVALID_PARAMETER', /`boundaries` must be an array with at least 1 element/],
  ['piecewise_linear', {}, 'MISSING_PARAMETER', /`points` is required/],
  ['piecewise_linear', { points: [[0, 1], [0, 2]] }, 'INVALID_PARAMETER', /`points` must be ordered by strictly increasing step/],
  ['piecewise_linear', { points: [[0, 1], [5]] }, 'INVALID_PARAMETER', /`points\[1\]` must be a \[step, learningRate\] pair/],
  ['piecewise_linear', { points: [[0, -1]] }, 'INVALID_PARAMETER', /`points\[0\]\[1\]` must be >= 0/],
  ['piecewise_interpolate', { boundariesAndScales: [] }, 'MISSING_PARAMETER', /`initValue` is required/],
  ['piecewise_interpolate', { initValue: 1, boundariesAndScales: [[10, 0.5], [5, 0.5]] }, 'INVALID_PARAMETER', /ordered by strictly increasing boundary/],
  ['piecewise_interpolate', { initValue: 1, boundariesAndScales: [[10, -0.5]] }, 'INVALID_PARAMETER', /`boundariesAndScales\[0\]\[1\]` must be >= 0/],
  ['piecewise_interpolate', { initValue: 1, interpolateType: 'cubic' }, 'INVALID_PARAMETER', /`interpolateType` must be one of "linear", "cosine"/],
  ['join', { boundaries: [] }, 'INVALID_PARAMETER', /`schedules` must be a non-empty array of schedule specs/],
  ['join', { schedules: [cos, cos] }, 'MISSING_PARAMETER', /^join: `boundaries` is required/],
  ['join', { schedules: [cos, cos], boundaries: [] }, 'INVALID_PARAMETER', /`boundaries` must be one element shorter than `schedules` \(1 elements\)/],
  ['join', { schedules: [cos, cos, cos], boundaries: [20, 10] }, 'INVALID_PARAMETER', /`boundaries` must be non-decreasing/],
  ['join', { schedules: [cos, { family: 'nope' }], boundaries: [10] }, 'UNKNOWN_SCHEDULE_FAMILY', /Unknown schedule family "nope"/],
];

describe('every family validates its params eagerly, Keras style', () => {
  it('has rows for every family', () => {
    const covered = new Set(rows.map((r) => r[0]));
    expect(coreScheduleFamilies.map((f) => f.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(rows)('%s %j → %s', (family, params, code, message) => {
    let error: unknown;
    try {
      registry.build({ family, params });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code });
    expect((error as Error).message).toMatch(message);
  });

  it('a one_cycle whose phase would be empty fails when the run length reveals it', () => {
    const s = registry.build({ family: 'one_cycle', params: { maxLearningRate: 0.1, pctStart: 0.1 } }) as (step: number, ctx?: object) => number;
    expect(s(0, { totalSteps: 100 })).toBeCloseTo(0.004, 12);
    expect(() => s(0, { totalSteps: 10 })).toThrow(/phase 1 of the cycle is not empty \(totalSteps=10\)/);
  });

  it('a non-object params is rejected', () => {
    expect(() => registry.build({ family: 'constant', params: [0.1] as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_PARAMETER', message: expect.stringMatching(/`params` must be an object/) }),
    );
  });
});
