/**
 * The second, smaller composition root: what applying a schedule needs and nothing else — the
 * built-in schedule families, interop spec formats and optimizer adapters, taken from their plugins'
 * implementation modules without the plugin loader (no inversify, no manifest validation, no
 * importers or stores). `import { lrScheduler } from 'metatune/callback'` loads this; the full
 * runtime (src/container.ts) holds the same contributions, through the plugin loader.
 */
import { Registry, type Contribution } from './core/registry.js';
import { ScheduleRegistry } from './schedules/registry.js';
import type { ScheduleFamily, ScheduleSpecFormat } from './schedules/schedule.js';
import type { OptimizerAdapter } from './tfjs/optimizer-adapter.js';
import { installDefaultTfjsRuntime } from './tfjs/runtime.js';
import { coreScheduleFamilies } from '../plugins/schedules-core/families.js';
import { hypergradientFamily } from '../plugins/schedules-adaptive/hypergradient.js';
import { reduceOnPlateauFamily } from '../plugins/schedules-adaptive/reduce-on-plateau.js';
import { kerasSpecFormat } from '../plugins/interop-keras/keras-format.js';
import { optaxSpecFormat } from '../plugins/interop-optax/optax-format.js';
import { torchSpecFormat } from '../plugins/interop-pytorch/torch-format.js';
import { fastaiSpecFormat } from '../plugins/interop-fastai/fastai-format.js';
import { builtinOptimizerAdapters } from '../plugins/optimizers-tfjs/adapters.js';

/** The registries `lrScheduler` and `scheduledOptimizer` need. */
export interface ScheduleRuntime {
  readonly schedules: ScheduleRegistry;
  readonly optimizers: Registry<OptimizerAdapter>;
}

const from = <T>(plugin: string, values: readonly T[]): Array<Contribution<T>> => values.map((value) => ({ plugin, value }));

let instance: ScheduleRuntime | undefined;

/** The built-in schedule runtime, built on first use (same plugin ids as the full runtime's). */
export function builtinScheduleRuntime(): ScheduleRuntime {
  instance ??= {
    schedules: new ScheduleRegistry(
      [...from<ScheduleFamily>('schedules-core', coreScheduleFamilies), ...from<ScheduleFamily>('schedules-adaptive', [reduceOnPlateauFamily, hypergradientFamily] as ScheduleFamily[])],
      [
        ...from<ScheduleSpecFormat>('interop-keras', [kerasSpecFormat]),
        ...from<ScheduleSpecFormat>('interop-optax', [optaxSpecFormat]),
        ...from<ScheduleSpecFormat>('interop-pytorch', [torchSpecFormat]),
        ...from<ScheduleSpecFormat>('interop-fastai', [fastaiSpecFormat]),
      ],
    ),
    optimizers: new Registry<OptimizerAdapter>({ kind: 'optimizer adapter', notFoundCode: 'NO_OPTIMIZER_ADAPTER' }, from('optimizers-tfjs', builtinOptimizerAdapters)),
  };
  return instance;
}

installDefaultTfjsRuntime(builtinScheduleRuntime, 'schedules-only');
