/**
 * The recorder interface: how a training run tells the outside world what happened, one epoch at a
 * time. The trace store ([2/5]) plugs in here; tests use `MemoryRecorder`.
 *
 * Invariants:
 * - `start` is called once before the first epoch, `finish` once at the end (also on divergence
 *   or an exception), `epoch` once per finished epoch, in order.
 * - Records are plain JSON-serialisable objects; recorders must not mutate them.
 * - A recorder's promise is awaited by the callback (so a store write is acknowledged before
 *   training continues); recorders that need speed buffer internally.
 */

import type { RunStatus } from '../traces/trace.js';

export type { RunStatus };

export interface RunStartInfo {
  /** tfjs optimizer class name and its learning rate at start. */
  readonly optimizer: { readonly className: string; readonly initialLearningRate: number };
  /** The schedule spec as given by the user (native or interop), when one was given as a spec. */
  readonly schedule?: unknown;
  readonly epochs?: number;
  readonly stepsPerEpoch?: number;
  readonly backend: string;
  readonly tfjsVersion: string;
  readonly startedAt: string;
}

export interface EpochRecord {
  /** 0-based epoch. */
  readonly epoch: number;
  /** Global optimizer steps done at the end of this epoch. */
  readonly step: number;
  /** Learning rate in effect for the last step of the epoch. */
  readonly lr: number;
  readonly loss?: number;
  readonly val_loss?: number;
  /** Every other numeric log (acc, val_acc, …). */
  readonly metrics: Readonly<Record<string, number>>;
  /** Wall time of this epoch in milliseconds. */
  readonly wallTimeMs: number;
}

export interface RunOutcome {
  readonly status: Exclude<RunStatus, 'running'>;
  /** Why the run ended that way (divergence message, exception message). */
  readonly reason?: string;
  readonly epochsRun: number;
  readonly steps: number;
  readonly wallTimeMs: number;
}

export interface RunRecorder {
  start(info: RunStartInfo): void | Promise<void>;
  epoch(record: EpochRecord): void | Promise<void>;
  finish(outcome: RunOutcome): void | Promise<void>;
}
