import { randomUUID } from 'node:crypto';
import type { RunStatus, TraceRecord } from '../trace.js';
import { scheduleNameOf } from '../../schedules/spec-identity.js';

/**
 * Writes traces as an Optuna JournalStorage log (JournalFileBackend format: one JSON operation per
 * line, op codes of optuna/storages/journal/_storage.py), so that `optuna-dashboard <file>` or
 * `optuna.storages.JournalStorage(JournalFileBackend(file))` can open metatune's traces.
 *
 * Mapping: one study per task (`study_name` = task id, direction minimize), one trial per run:
 * params `lr` (FloatDistribution), `optimizer` and `schedule` (CategoricalDistribution) when known;
 * one intermediate value per epoch (the primary metric: val_loss, else loss); the trial value is
 * the final primary metric; user attrs keep the metatune run id and importer.
 */
const OP_CREATE_STUDY = 0;
const OP_CREATE_TRIAL = 4;
const OP_SET_TRIAL_PARAM = 5;
const OP_SET_TRIAL_STATE_VALUES = 6;
const OP_SET_TRIAL_INTERMEDIATE_VALUE = 7;
const OP_SET_TRIAL_USER_ATTR = 8;

/** TrialState: RUNNING 0, COMPLETE 1, PRUNED 2, FAIL 3. */
const STATE: Record<RunStatus, number> = { running: 0, completed: 1, pruned: 2, diverged: 3, failed: 3, incomplete: 0 };

/** Optuna parses datetimes with "%Y-%m-%dT%H:%M:%S.%f" (no zone): microseconds, no `Z`. */
export function optunaDatetime(iso: string | undefined): string {
  const d = iso ? new Date(iso) : new Date();
  const s = (Number.isNaN(d.getTime()) ? new Date() : d).toISOString(); // 2024-06-07T17:27:27.682Z
  return `${s.slice(0, 19)}.${s.slice(20, 23)}000`;
}

function primary(r: TraceRecord): 'val_loss' | 'loss' | undefined {
  return r.epochs.some((e) => e.val_loss !== undefined) ? 'val_loss' : r.epochs.some((e) => e.loss !== undefined) ? 'loss' : undefined;
}

const scheduleName = scheduleNameOf;

const LR_KEYS = ['lr', 'learning_rate', 'learningRate', 'initialLearningRate'];

export async function exportOptunaJournal(
  records: AsyncIterable<TraceRecord>,
  write: (chunk: string) => void | Promise<void>,
  workerId = `metatune-export-${randomUUID()}`,
): Promise<{ studies: number; trials: number }> {
  const studies = new Map<string, number>();
  let trials = 0;
  for await (const r of records) {
    const ops: Record<string, unknown>[] = [];
    let studyId = studies.get(r.task.id);
    if (studyId === undefined) {
      studyId = studies.size;
      studies.set(r.task.id, studyId);
      ops.push({ op_code: OP_CREATE_STUDY, worker_id: workerId, study_name: r.task.id, directions: [1] });
    }
    const trialId = trials++;
    ops.push({ op_code: OP_CREATE_TRIAL, worker_id: workerId, study_id: studyId, datetime_start: optunaDatetime(r.createdAt) });
    const param = (name: string, internal: number, distribution: object) =>
      ops.push({ op_code: OP_SET_TRIAL_PARAM, worker_id: workerId, trial_id: trialId, param_name: name, param_value_internal: internal, distribution: JSON.stringify(distribution) });
    const hp = r.optimizer?.hyperparameters ?? {};
    const lrKey = LR_KEYS.find((k) => typeof hp[k] === 'number' && Number.isFinite(hp[k]));
    if (lrKey) {
      const lr = hp[lrKey] as number;
      param('lr', lr, { name: 'FloatDistribution', attributes: { step: null, low: lr, high: lr, log: false } });
    }
    if (r.optimizer?.className) param('optimizer', 0, { name: 'CategoricalDistribution', attributes: { choices: [r.optimizer.className] } });
    const schedule = scheduleName(r.schedule);
    if (schedule) param('schedule', 0, { name: 'CategoricalDistribution', attributes: { choices: [schedule] } });
    const metric = primary(r);
    let final: number | undefined;
    if (metric) {
      for (const e of r.epochs) {
        const v = e[metric];
        if (v === undefined) continue;
        ops.push({ op_code: OP_SET_TRIAL_INTERMEDIATE_VALUE, worker_id: workerId, trial_id: trialId, step: e.epoch, intermediate_value: v });
        final = v;
      }
    }
    if (r.outcome?.final && r.outcome.final.name === metric) final = r.outcome.final.value;
    ops.push({
      op_code: OP_SET_TRIAL_USER_ATTR,
      worker_id: workerId,
      trial_id: trialId,
      user_attr: { metatune_run_id: r.id, metatune_status: r.status, ...(metric ? { objective: metric } : {}), ...(r.provenance ? { importer: r.provenance.importer } : {}) },
    });
    if (r.status !== 'running' && r.status !== 'incomplete') {
      // COMPLETE needs a value; a finished run without any loss is reported as FAIL (Optuna's rule).
      const state = final === undefined && r.status === 'completed' ? 3 : STATE[r.status];
      ops.push({
        op_code: OP_SET_TRIAL_STATE_VALUES,
        worker_id: workerId,
        trial_id: trialId,
        state,
        values: state === 1 && final !== undefined ? [final] : null,
        datetime_complete: optunaDatetime(r.finishedAt ?? r.updatedAt),
      });
    }
    await write(`${ops.map((o) => JSON.stringify(o)).join('\n')}\n`);
  }
  return { studies: studies.size, trials };
}
