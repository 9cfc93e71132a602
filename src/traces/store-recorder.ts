import type { EpochRecord, RunOutcome, RunRecorder, RunStartInfo } from '../tfjs/recorder.js';
import { TrainingError } from '../core/errors.js';
import type { TraceStore } from './store.js';
import type { ModelRef, TaskRef, TraceEpoch, TraceProvenance, TraceRecord } from './trace.js';

export interface StoreRecorderArgs {
  /** Where the trace goes. */
  readonly store: TraceStore;
  /** The task being trained. Traces without a task cannot teach anything: it is required. */
  readonly task: TaskRef;
  /** The model (zoo id or a name), when known. Defaults to none. */
  readonly model?: ModelRef;
  /** Run id to use (sweeps use deterministic ids so a resumed sweep recognises its trials). Defaults to a new UUID. */
  readonly runId?: string;
  /** Optimizer hyperparameters beyond the initial learning rate (e.g. momentum, beta1). Defaults to none. */
  readonly optimizerHyperparameters?: Readonly<Record<string, number | string | boolean | null>>;
  /** Where the run came from. Defaults to `{ importer: 'callback' }`. */
  readonly provenance?: TraceProvenance;
  /**
   * Epochs buffered per store write. 1 makes every epoch durable as soon as it ends (a long run
   * killed midway keeps its curve); a sweep, which re-runs an interrupted trial anyway, passes
   * `Infinity` so a trial costs three writes instead of one per epoch (each epoch write of a file
   * store appends the whole run so far to its journal, and takes the cross-process lock). Defaults to 1.
   */
  readonly epochsPerWrite?: number;
}

/**
 * The recorder that closes metatune's loop: every `model.fit` driven by `lrScheduler({ recorder })`
 * becomes a trace in the store, epoch by epoch. Each store write is awaited before training goes on,
 * so an epoch the callback has recorded survives a crash of the process.
 */
export class StoreRecorder implements RunRecorder {
  #run: TraceRecord | undefined;
  #pending: TraceEpoch[] = [];
  #override: { status: 'pruned' | 'failed'; reason: string } | undefined;

  constructor(private readonly args: StoreRecorderArgs) {}

  /** The stored run once training has started. */
  get runId(): string | undefined {
    return this.#run?.id;
  }

  async start(info: RunStartInfo): Promise<void> {
    this.#run = await this.args.store.createRun({
      ...(this.args.runId !== undefined && { id: this.args.runId }),
      task: this.args.task,
      ...(this.args.model && { model: this.args.model }),
      optimizer: {
        className: info.optimizer.className,
        hyperparameters: { learningRate: info.optimizer.initialLearningRate, ...this.args.optimizerHyperparameters },
      },
      ...(info.schedule !== undefined && { schedule: info.schedule }),
      environment: { backend: info.backend, tfjsVersion: info.tfjsVersion, framework: 'tfjs' },
      provenance: this.args.provenance ?? { importer: 'callback' },
    });
  }

  async epoch(record: EpochRecord): Promise<void> {
    this.#requireRun('epoch');
    this.#pending.push({
      epoch: record.epoch,
      step: record.step,
      lr: record.lr,
      ...(record.loss !== undefined && { loss: record.loss }),
      ...(record.val_loss !== undefined && { val_loss: record.val_loss }),
      metrics: record.metrics,
      wallTimeMs: record.wallTimeMs,
    });
    if (this.#pending.length >= (this.args.epochsPerWrite ?? 1)) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0) return;
    const epochs = this.#pending;
    this.#pending = [];
    try {
      await this.args.store.appendEpochs(this.#requireRun('epoch').id, epochs);
    } catch (err) {
      // Keep them for the next flush (epochs that arrived meanwhile stay after them): appendEpochs
      // is idempotent per epoch number, so a write that partly landed is safe to repeat.
      this.#pending = [...epochs, ...this.#pending];
      throw err;
    }
  }

  /**
   * Finish the run as `pruned` (a sweep's early stop) or `failed` instead of what the callback
   * reports — unless it diverged, which stays the more informative status.
   */
  overrideStatus(status: 'pruned' | 'failed', reason: string): void {
    this.#override = { status, reason };
  }

  async finish(outcome: RunOutcome): Promise<void> {
    await this.#flush();
    const override = outcome.status === 'diverged' ? undefined : this.#override;
    const reason = override?.reason ?? outcome.reason;
    // The store derives best/final from the epochs; we add what only the trainer knows.
    await this.args.store.finishRun(this.#requireRun('finish').id, override?.status ?? outcome.status, {
      epochsRun: outcome.epochsRun,
      wallTimeMs: outcome.wallTimeMs,
      ...(reason !== undefined && { reason }),
    });
  }

  #requireRun(hook: string): TraceRecord {
    if (!this.#run) {
      throw new TrainingError('RECORDER_NOT_STARTED', `StoreRecorder.${hook}() was called before start(). Pass the recorder to lrScheduler({ recorder }) and let model.fit drive it.`);
    }
    return this.#run;
  }
}
