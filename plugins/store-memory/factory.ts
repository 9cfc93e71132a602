/** `memory:` URLs: a fresh, empty store per open (nothing is shared between opens). */
import type { TraceStoreFactory } from '../../src/traces/store-factory.js';
import { MemoryTraceStore } from '../../src/traces/memory-store.js';

export const memoryStoreFactory: TraceStoreFactory = {
  id: 'memory',
  description: 'in-process store, lost when the process ends (tests, dry runs)',
  example: 'memory:',
  async open(url: string) {
    return new MemoryTraceStore(url);
  },
};
