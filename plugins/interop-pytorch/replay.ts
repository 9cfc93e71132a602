import type { ParamGroup, SimFactory, SimScheduler } from './runtime.js';

/**
 * Memoised replay of a simulated PyTorch scheduler: `lrAt(e)` is `param_groups[0]["lr"]` after e
 * calls to `step()` (the constructor's own step included, as PyTorch applies it). Each built
 * schedule owns one replay, so there is no global state, and a value once computed never changes:
 * the `Schedule` stays a pure function of the epoch index even when called out of order.
 */
export interface Replay {
  lrAt(epoch: number): number;
  momentumAt(epoch: number): number | undefined;
}

export function createReplay(factory: SimFactory, baseLr: number): Replay {
  const group: ParamGroup = { lr: baseLr };
  const sim: SimScheduler = factory(group);
  const lrs: number[] = [group.lr];
  const moms: (number | undefined)[] = [group.momentum];
  const advanceTo = (epoch: number): void => {
    while (lrs.length <= epoch) {
      sim.step();
      lrs.push(group.lr);
      moms.push(group.momentum);
    }
  };
  return {
    lrAt(epoch) {
      advanceTo(epoch);
      return lrs[epoch];
    },
    momentumAt(epoch) {
      advanceTo(epoch);
      return moms[epoch];
    },
  };
}

/**
 * For schedulers whose lr depends only on the epoch index (LambdaLR, CyclicLR, OneCycleLR at the top
 * level) there is nothing to replay: PyTorch's `_update_lr(epoch)` computes it directly, in O(1) memory.
 */
export function createDirect(factory: SimFactory, baseLr: number): Replay {
  const group: ParamGroup = { lr: baseLr };
  const sim = factory(group);
  return {
    lrAt(epoch) {
      sim.updateLr(epoch);
      return group.lr;
    },
    momentumAt(epoch) {
      sim.updateLr(epoch);
      return group.momentum;
    },
  };
}
