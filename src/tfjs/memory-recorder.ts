import type { EpochRecord, RunOutcome, RunRecorder, RunStartInfo } from './recorder.js';

/** Keeps a run in memory (tests, notebooks, the demo). One run at a time; `start` resets it. */
export class MemoryRecorder implements RunRecorder {
  info: RunStartInfo | undefined;
  readonly epochs: EpochRecord[] = [];
  outcome: RunOutcome | undefined;

  start(info: RunStartInfo): void {
    this.info = info;
    this.epochs.length = 0;
    this.outcome = undefined;
  }

  epoch(record: EpochRecord): void {
    this.epochs.push(record);
  }

  finish(outcome: RunOutcome): void {
    this.outcome = outcome;
  }
}
