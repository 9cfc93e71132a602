import { fileURLToPath } from 'node:url';
import type { ContainerModule } from 'inversify';
import { readManifest, type PluginSource } from '../src/core/plugins.js';
import interopFastai from './interop-fastai/index.js';
import interopKeras from './interop-keras/index.js';
import interopOptax from './interop-optax/index.js';
import interopPytorch from './interop-pytorch/index.js';
import optimizersTfjs from './optimizers-tfjs/index.js';
import schedulesAdaptive from './schedules-adaptive/index.js';
import schedulesCore from './schedules-core/index.js';

/**
 * The plugins that ship with metatune, always loaded. Modules are imported statically (so the
 * built-ins work without a config file and `defaultRuntime()` can stay synchronous); each manifest
 * is read from the plugin.json next to the module (the build copies plugin.json into dist/).
 */
const BUILTINS: ReadonlyArray<{ readonly module: ContainerModule; readonly manifest: URL }> = [
  { module: schedulesCore, manifest: new URL('./schedules-core/plugin.json', import.meta.url) },
  { module: schedulesAdaptive, manifest: new URL('./schedules-adaptive/plugin.json', import.meta.url) },
  { module: interopKeras, manifest: new URL('./interop-keras/plugin.json', import.meta.url) },
  { module: interopOptax, manifest: new URL('./interop-optax/plugin.json', import.meta.url) },
  { module: interopPytorch, manifest: new URL('./interop-pytorch/plugin.json', import.meta.url) },
  { module: interopFastai, manifest: new URL('./interop-fastai/plugin.json', import.meta.url) },
  { module: optimizersTfjs, manifest: new URL('./optimizers-tfjs/plugin.json', import.meta.url) },
];

let cached: PluginSource[] | undefined;

/** The built-in plugins with their validated manifests (read once per process). */
export function builtinPlugins(): PluginSource[] {
  cached ??= BUILTINS.map(({ module, manifest }) => {
    const manifestFile = fileURLToPath(manifest);
    return { manifest: readManifest(manifestFile), module, origin: 'built-in', manifestFile };
  });
  return cached;
}
