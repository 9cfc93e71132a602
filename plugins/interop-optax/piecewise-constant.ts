import type { Schedule } from '../../src/schedules/schedule.js';

/**
 * optax `piecewise_constant_schedule`: `init_value` times the product of every scale whose boundary
 * is <= step (optax's `sign(threshold - count)` indicator switches *at* the boundary step, one step
 * earlier than Keras' PiecewiseConstantDecay, so this is not the native `piecewise_constant`).
 * `pairs` are sorted by boundary and already validated.
 */
export function optaxPiecewiseConstant(initValue: number, pairs: readonly (readonly [number, number])[]): Schedule {
  return (step) => {
    let v = initValue;
    for (const [boundary, scale] of pairs) if (step >= boundary) v *= scale;
    return v;
  };
}
