import type { MetatuneRuntime } from '../runtime.js';
import type { TraceStore } from '../traces/store.js';
import type { CliIO } from './io.js';

/** What `train`, `suggest` and `eval` need from the CLI: writers, the runtime, and stores by URL. */
export interface LearnCommandDeps {
  readonly io: CliIO;
  runtime(): Promise<MetatuneRuntime>;
  openStore(url: string): Promise<TraceStore>;
  /** `--allow-outside`: task files may read data outside their folder. */
  allowOutside?(): boolean;
}
