/**
 * Extension point `Featurizer` (token `metatune.Featurizer`): task → meta-features (numbers).
 *
 * Invariants:
 * - Deterministic: same task (and seed) → same numbers, on every backend within float tolerance.
 * - Versioned: bump `version` whenever a value can change; stored features carry `<id>@<version>`.
 * - Output keys are `<id>.<name>` (e.g. `basic.rows`), values finite numbers (NaN is an error, not a feature);
 *   the output validates against the featurizer's `outputSchema`.
 */
import type { LoadedTask } from './task.js';

export interface FeaturizeContext {
  /** Seed for subsampling (landmark, probe). */
  readonly seed: number;
}

export interface Featurizer {
  readonly id: string;
  readonly version: number;
  readonly description: string;
  /** Names (without the `<id>.` prefix) this featurizer always returns. */
  readonly featureNames: readonly string[];
  featurize(task: LoadedTask, ctx: FeaturizeContext): Promise<Readonly<Record<string, number>>>;
}
