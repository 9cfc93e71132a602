/**
 * `memory:` store: the document lives in this process only. For tests, dry runs and
 * `metatune import --dry-run`; everything is gone when the process ends.
 */
import { DocumentTraceStore, emptyDocument, type MutationResult, type TraceDocument } from './document-store.js';

export class MemoryTraceStore extends DocumentTraceStore {
  readonly url: string;
  #doc: TraceDocument = emptyDocument();

  constructor(url = 'memory:') {
    super();
    this.url = url;
  }

  protected async readDocument(): Promise<TraceDocument> {
    return this.#doc;
  }

  protected async mutateDocument<R>(fn: (doc: TraceDocument) => MutationResult<R>): Promise<R> {
    // fn is synchronous, applies its ops to the document itself and throws before applying any, so
    // no lock is needed in one process and nothing is left to persist.
    return fn(this.#doc).value;
  }

  protected async sizeInBytes(): Promise<number | undefined> {
    return undefined;
  }

  protected async closeStore(): Promise<void> {
    this.#doc = emptyDocument();
  }
}
