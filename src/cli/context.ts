import type { Command } from 'commander';
import { createContainer, type MetatuneRuntime } from '../core/container.js';
import type { CliIO } from './io.js';

/** What every command gets: the writers and the runtime, built on first use from the global options. */
export interface CliContext {
  readonly io: CliIO;
  runtime(): Promise<MetatuneRuntime>;
}

export function createCliContext(program: Command, io: CliIO): CliContext {
  let runtime: Promise<MetatuneRuntime> | undefined;
  return {
    io,
    runtime() {
      const opts = program.opts<{ config?: string; plugin?: string[] }>();
      runtime ??= createContainer({ cwd: io.cwd, configFile: opts.config, plugins: opts.plugin ?? [] });
      return runtime;
    },
  };
}
