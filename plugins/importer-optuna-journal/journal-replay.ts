/**
 * Replays an Optuna JournalStorage log the way Optuna's `JournalStorageReplayResult` does: study ids
 * and trial ids are handed out in creation order (never reused), trial numbers count per study.
 * Op codes from optuna/storages/journal/_storage.py (`JournalOperation`).
 */
export const OP = {
  CREATE_STUDY: 0,
  DELETE_STUDY: 1,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
  SET_TRIAL_USER_ATTR: 8,
  SET_TRIAL_SYSTEM_ATTR: 9,
} as const;

/** optuna.trial.TrialState */
export const TRIAL_STATE = ['RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'] as const;
/** optuna.study.StudyDirection: NOT_SET 0, MINIMIZE 1, MAXIMIZE 2. */
export const DIRECTION = ['not_set', 'minimize', 'maximize'] as const;

export interface JournalStudy {
  readonly id: number;
  readonly name: string;
  readonly directions: number[];
  readonly line: number;
  readonly createLine: string;
  deleted: boolean;
  readonly trials: JournalTrial[];
  userAttrs: Record<string, unknown>;
}

export interface JournalTrial {
  readonly id: number;
  readonly number: number;
  readonly study: JournalStudy;
  readonly line: number;
  state: number;
  values: number[] | null;
  params: Record<string, unknown>;
  distributions: Record<string, unknown>;
  intermediate: Map<number, number>;
  userAttrs: Record<string, unknown>;
  systemAttrs: Record<string, unknown>;
  datetimeStart?: string;
  datetimeComplete?: string;
  /** The journal lines about this trial, for its content hash. */
  readonly lines: string[];
}

export interface ReplayProblem {
  readonly line: number;
  readonly field?: string;
  readonly expected: string;
  readonly found: string;
  readonly code: string;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/**
 * Converts Optuna's internal representation to the external value: a categorical parameter is
 * stored as the index of its choice (`CategoricalDistribution.to_external_repr`).
 */
export function externalParam(internal: unknown, distributionJson: unknown): unknown {
  if (typeof distributionJson !== 'string') return internal;
  try {
    const d = JSON.parse(distributionJson) as { name?: string; attributes?: { choices?: unknown[]; step?: number | null } };
    if (d.name === 'CategoricalDistribution' && Array.isArray(d.attributes?.choices) && typeof internal === 'number') return d.attributes!.choices![internal];
    if (d.name === 'IntDistribution' && typeof internal === 'number') return Math.round(internal);
  } catch {
    /* a distribution that is not JSON keeps the internal value */
  }
  return internal;
}

export class JournalReplay {
  readonly studies: JournalStudy[] = [];
  readonly trials: JournalTrial[] = [];
  readonly problems: ReplayProblem[] = [];

  apply(op: unknown, line: number, text: string): void {
    const bad = (field: string | undefined, expected: string, found: unknown, code = 'SCHEMA_MISMATCH') =>
      this.problems.push({ line, ...(field ? { field } : {}), expected, found: JSON.stringify(found) ?? String(found), code });
    if (!isObj(op)) return void bad(undefined, 'a JSON object', op);
    const code = op.op_code;
    const trialOf = (): JournalTrial | undefined => {
      const t = isInt(op.trial_id) ? this.trials[op.trial_id] : undefined;
      if (!t) bad('trial_id', `the id of a created trial (0..${this.trials.length - 1})`, op.trial_id, 'UNKNOWN_TRIAL');
      else t.lines.push(text);
      return t;
    };
    switch (code) {
      case OP.CREATE_STUDY: {
        if (typeof op.study_name !== 'string') return void bad('study_name', 'a string', op.study_name);
        const directions = Array.isArray(op.directions) ? (op.directions as number[]) : [1];
        this.studies.push({ id: this.studies.length, name: op.study_name, directions, line, createLine: text, deleted: false, trials: [], userAttrs: {} });
        return;
      }
      case OP.DELETE_STUDY: {
        const s = isInt(op.study_id) ? this.studies[op.study_id] : undefined;
        if (!s) return void bad('study_id', 'the id of a created study', op.study_id, 'UNKNOWN_STUDY');
        s.deleted = true;
        return;
      }
      case OP.SET_STUDY_USER_ATTR:
      case OP.SET_STUDY_SYSTEM_ATTR: {
        const s = isInt(op.study_id) ? this.studies[op.study_id] : undefined;
        if (!s) return void bad('study_id', 'the id of a created study', op.study_id, 'UNKNOWN_STUDY');
        if (code === OP.SET_STUDY_USER_ATTR && isObj(op.user_attr)) Object.assign(s.userAttrs, op.user_attr);
        return;
      }
      case OP.CREATE_TRIAL: {
        const s = isInt(op.study_id) ? this.studies[op.study_id] : undefined;
        if (!s) return void bad('study_id', 'the id of a created study', op.study_id, 'UNKNOWN_STUDY');
        const t: JournalTrial = {
          id: this.trials.length,
          number: s.trials.length,
          study: s,
          line,
          state: isInt(op.state) ? op.state : 0,
          values: Array.isArray(op.values) ? (op.values as number[]) : typeof op.value === 'number' ? [op.value] : null,
          params: {},
          distributions: {},
          intermediate: new Map(),
          userAttrs: isObj(op.user_attrs) ? { ...op.user_attrs } : {},
          systemAttrs: isObj(op.system_attrs) ? { ...op.system_attrs } : {},
          lines: [text],
          ...(typeof op.datetime_start === 'string' ? { datetimeStart: op.datetime_start } : {}),
          ...(typeof op.datetime_complete === 'string' ? { datetimeComplete: op.datetime_complete } : {}),
        };
        // A trial added whole (study.add_trial / enqueue_trial) carries its params and values in the create op.
        if (isObj(op.distributions) && isObj(op.params)) {
          for (const [k, v] of Object.entries(op.params)) {
            t.distributions[k] = op.distributions[k];
            t.params[k] = externalParam(v, op.distributions[k]);
          }
        }
        if (isObj(op.intermediate_values)) {
          for (const [k, v] of Object.entries(op.intermediate_values)) if (typeof v === 'number' && isInt(Number(k))) t.intermediate.set(Number(k), v);
        }
        this.trials.push(t);
        s.trials.push(t);
        return;
      }
      case OP.SET_TRIAL_PARAM: {
        const t = trialOf();
        if (!t) return;
        if (typeof op.param_name !== 'string') return void bad('param_name', 'a string', op.param_name);
        t.distributions[op.param_name] = op.distribution;
        t.params[op.param_name] = externalParam(op.param_value_internal, op.distribution);
        return;
      }
      case OP.SET_TRIAL_STATE_VALUES: {
        const t = trialOf();
        if (!t) return;
        if (!isInt(op.state) || op.state >= TRIAL_STATE.length) return void bad('state', 'a TrialState (0..4)', op.state);
        t.state = op.state;
        if (Array.isArray(op.values)) t.values = op.values as number[];
        if (typeof op.datetime_start === 'string') t.datetimeStart = op.datetime_start;
        if (typeof op.datetime_complete === 'string') t.datetimeComplete = op.datetime_complete;
        return;
      }
      case OP.SET_TRIAL_INTERMEDIATE_VALUE: {
        const t = trialOf();
        if (!t) return;
        if (!isInt(op.step)) return void bad('step', 'an integer >= 0', op.step);
        if (typeof op.intermediate_value !== 'number' && op.intermediate_value !== null) return void bad('intermediate_value', 'a number', op.intermediate_value);
        if (typeof op.intermediate_value === 'number') t.intermediate.set(op.step, op.intermediate_value);
        return;
      }
      case OP.SET_TRIAL_USER_ATTR:
      case OP.SET_TRIAL_SYSTEM_ATTR: {
        const t = trialOf();
        if (!t) return;
        const attrs = code === OP.SET_TRIAL_USER_ATTR ? op.user_attr : op.system_attr;
        if (isObj(attrs)) Object.assign(code === OP.SET_TRIAL_USER_ATTR ? t.userAttrs : t.systemAttrs, attrs);
        return;
      }
      default:
        bad('op_code', 'an Optuna journal op code (0..9)', code, 'UNKNOWN_OP_CODE');
    }
  }
}
