/**
 * How a candidate names its optimizer: a `tf.train` factory name, its learning rate and its
 * hyperparameters. A plain JSON value (sent to sweep workers, stored in the corpus grid, chosen by
 * learners), so this contract imports nothing; `makeOptimizer` (./optimizers.ts) turns it into a
 * tfjs optimizer.
 *
 * Invariants: `learningRate` is the optimizer's own (starting) rate, > 0; every other key is one
 * that `OPTIMIZER_HYPERPARAMETERS[name]` lists.
 */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'adamax', 'adagrad', 'adadelta', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerConfig {
  /** A `tf.train` factory: sgd, momentum, adam, adamax, adagrad, adadelta, rmsprop. */
  readonly name: OptimizerName;
  readonly learningRate: number;
  /** momentum (momentum, rmsprop), beta1/beta2/epsilon (adam, adamax), rho/epsilon (adadelta), decay/epsilon (rmsprop). */
  readonly [hyperparameter: string]: number | string;
}

/** The hyperparameters each optimizer accepts besides `learningRate`. */
export const OPTIMIZER_HYPERPARAMETERS: Readonly<Record<OptimizerName, readonly string[]>> = {
  sgd: [],
  momentum: ['momentum', 'useNesterov'],
  adam: ['beta1', 'beta2', 'epsilon'],
  adamax: ['beta1', 'beta2', 'epsilon', 'decay'],
  adagrad: ['initialAccumulatorValue'],
  adadelta: ['rho', 'epsilon'],
  rmsprop: ['decay', 'momentum', 'epsilon', 'centered'],
};
