import type { Command } from 'commander';
import { createContainer } from '../container.js';
import type { BackendName } from '../core/config.js';
import type { MetatuneRuntime } from '../runtime.js';
import { openStore, storeUrlOf } from '../traces/get-store.js';
import type { TraceStore } from '../traces/store.js';
import { processIO, type CliIO } from './io.js';

/**
 * What every command gets: the writers and the runtime, built once, on first use, from the global
 * options (`--plugin`, `--config`) and the config file. Commands ask it for their store and backend
 * so that every one of them honours the config's `store` and `backend` keys the same way.
 */
export interface CliContext {
  readonly io: CliIO;
  runtime(): Promise<MetatuneRuntime>;
  /** `--store`, else `$METATUNE_STORE`, else the config file's `store`, else file:./.metatune/store.json. */
  storeUrl(flag?: string): Promise<string>;
  /** Opens `storeUrl(flag)` with the runtime's store schemes (third-party ones included). */
  openStore(flag?: string): Promise<TraceStore>;
  /** `--backend`, else the config file's `backend`, else undefined (the best available one). */
  backend(flag?: string): Promise<BackendName | undefined>;
  /** `--allow-outside` was given: task files may read data outside their folder. */
  allowOutside(): boolean;
}

export function createCliContext(program: Command, io: CliIO = processIO): CliContext {
  let runtime: Promise<MetatuneRuntime> | undefined;
  const ctx: CliContext = {
    io,
    runtime() {
      const opts = program.opts<{ config?: string; plugin?: string[] }>();
      runtime ??= createContainer({ cwd: io.cwd, configFile: opts.config, plugins: opts.plugin ?? [] });
      return runtime;
    },
    async storeUrl(flag) {
      return storeUrlOf(flag, (await ctx.runtime()).config);
    },
    async openStore(flag) {
      const rt = await ctx.runtime();
      return openStore(storeUrlOf(flag, rt.config), rt);
    },
    async backend(flag) {
      return (flag as BackendName | undefined) ?? (await ctx.runtime()).config?.config.backend;
    },
    allowOutside() {
      return program.opts<{ allowOutside?: boolean }>().allowOutside === true;
    },
  };
  return ctx;
}
