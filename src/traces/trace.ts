/**
 * The trace: everything metatune remembers about one training run. Written by the callback's
 * recorder, by importers (from old logs) and by sweeps; read by featurizers and learners.
 * JSON Schema: schemas/trace.schema.json (keep the two in step; a test checks they agree).
 *
 * Conventions: epochs and steps are 0-based; times are ISO-8601 strings (UTC) or milliseconds;
 * metric names are the ones the log used (`val_loss`, `val_acc`, …), except that the learning
 * rate is always `lr` on the epoch record, whatever the source called it.
 */
/** How a run ended (or that it is still going). Shared by the trace, the callback's recorder and importers. */
/** `incomplete`: an imported log that ends mid-record (still being written, or cut short); importing the grown log replaces it. */
export type RunStatus = 'running' | 'completed' | 'diverged' | 'pruned' | 'failed' | 'incomplete';

export type TaskKind = 'classification' | 'regression' | 'unknown';

/** What was learned. Tasks from old logs often know only an id derived from the file. */
export interface TaskRef {
  readonly id: string;
  readonly name?: string;
  readonly kind?: TaskKind;
  /** The dataset the task was derived from (a variant keeps its parent's id): evaluation holds out whole parents. */
  readonly parentDataset?: string;
  readonly metaFeatures?: Readonly<Record<string, number>>;
  /** Where the data lives (path or URL), when known. */
  readonly dataRef?: string;
}

export interface ModelRef {
  /** Model-zoo id ("mlp-small") when metatune built the model; otherwise a free-form name. */
  readonly zooId?: string;
  readonly name?: string;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface OptimizerRef {
  /** tfjs class name ("Adam") or the source framework's name ("torch.optim.SGD"). */
  readonly className: string;
  readonly hyperparameters?: Readonly<Record<string, number | string | boolean | null>>;
}

export interface TraceEpoch {
  readonly epoch: number;
  /** Global optimizer steps done at the end of the epoch, when known. */
  readonly step?: number;
  /** Learning rate in effect at the end of the epoch, when known. */
  readonly lr?: number;
  readonly loss?: number;
  readonly val_loss?: number;
  /** Every other numeric metric of the epoch. */
  readonly metrics: Readonly<Record<string, number>>;
  readonly wallTimeMs?: number;
}

/** Optional down-sampled per-batch record. */
export interface TraceBatch {
  readonly step: number;
  readonly lr?: number;
  readonly loss?: number;
}

export interface MetricSummary {
  readonly name: string;
  readonly value: number;
  readonly epoch: number;
}

export interface TraceOutcome {
  /** Best value of the primary metric (val_loss when present, else loss) and when it happened. */
  readonly best?: MetricSummary & { readonly mode: 'min' | 'max' };
  readonly final?: MetricSummary;
  readonly epochsRun: number;
  readonly wallTimeMs?: number;
  /** Divergence or failure message. */
  readonly reason?: string;
}

export interface TraceEnvironment {
  readonly backend?: string;
  readonly tfjsVersion?: string;
  readonly framework?: string;
  readonly host?: string;
}

/** Where an imported run came from. `contentHash` + `sourceKey` make re-imports idempotent. */
export interface TraceProvenance {
  /** Importer id ("keras-csv", "tfevents", …) or "callback" / "sweep". */
  readonly importer: string;
  readonly file?: string;
  readonly line?: number;
  readonly byteOffset?: number;
  /** SHA-256 of the source bytes (file or record). */
  readonly contentHash?: string;
  /** Distinguishes several runs in one source (Optuna trial number, JSONL run id, event-file tag set). */
  readonly sourceKey?: string;
  /** What the importer had to interpret (row order used as epoch, duplicate steps, timestamps used as order, …). */
  readonly notes?: readonly string[];
}

/** A run as stored. Finished runs (status other than `running`) are immutable. */
export interface TraceRecord {
  readonly id: string;
  readonly task: TaskRef;
  readonly model?: ModelRef;
  readonly optimizer?: OptimizerRef;
  /** Schedule spec (native or interop) when known. */
  readonly schedule?: unknown;
  readonly epochs: readonly TraceEpoch[];
  readonly batches?: readonly TraceBatch[];
  readonly status: RunStatus;
  readonly outcome?: TraceOutcome;
  readonly environment?: TraceEnvironment;
  readonly provenance?: TraceProvenance;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

/** What a store needs to create a run: everything but the bookkeeping fields. */
export type NewTrace = Omit<TraceRecord, 'id' | 'createdAt' | 'updatedAt' | 'epochs' | 'status'> & {
  readonly id?: string;
  readonly epochs?: readonly TraceEpoch[];
  readonly status?: RunStatus;
};
