/**
 * Messages between the sweep parent and its worker processes (child_process IPC, JSON). The parent
 * owns the plan and every halving decision; a worker only trains the trial it is sent and asks the
 * parent, after each epoch of a halving sweep, whether to go on.
 */
import type { RuntimeOrigin } from '../runtime.js';
import type { TrialConfig, TrialResult } from './trial.js';

export type ParentMessage =
  | { readonly type: 'init'; readonly storeUrl: string; readonly sweepId: string; readonly backend?: string; readonly runtime?: RuntimeOrigin; readonly allowOutside?: boolean }
  | { readonly type: 'trial'; readonly config: TrialConfig; readonly askEachEpoch: boolean }
  | { readonly type: 'decision'; readonly trialId: string; readonly epoch: number; readonly decision: 'continue' | 'prune' }
  | { readonly type: 'exit' };

export interface SerializedError {
  readonly name: string;
  readonly code?: string;
  readonly message: string;
}

export type WorkerMessage =
  | { readonly type: 'ready'; readonly backend: string }
  | { readonly type: 'decide'; readonly trialId: string; readonly epoch: number; readonly logs: Readonly<Record<string, number>> }
  | { readonly type: 'result'; readonly result: TrialResult }
  | { readonly type: 'error'; readonly trialId: string; readonly error: SerializedError }
  | { readonly type: 'fatal'; readonly error: SerializedError };

export function serializeError(err: unknown): SerializedError {
  const e = err as { name?: string; code?: unknown; message?: string };
  return {
    name: e?.name ?? 'Error',
    ...(typeof e?.code === 'string' && { code: e.code }),
    message: e?.message ?? String(err),
  };
}
