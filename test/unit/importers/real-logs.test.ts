/**
 * Every real log in test/fixtures/logs (copied from public projects, see its README.md) imports
 * without error: sniffed as the right format, the expected number of runs and epochs, and a few exact
 * values checked against the files (CSV text as written; event-file values decoded independently).
 */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fg from 'fast-glob';
import { builtinImporters } from '../../../src/container.js';
import type { Importer } from '../../../src/traces/importer.js';
import type { TraceEpoch } from '../../../src/traces/trace.js';
import { headOf, importWith, log, LOGS, type Imported } from './helpers.js';

let importers: Importer[];
beforeAll(async () => {
  importers = await builtinImporters();
});
const sniff = (path: string) => importers.find((i) => i.sniff({ path, head: headOf(path) }))?.id;
const byId = (id: string) => importers.find((i) => i.id === id)!;
const at = (epochs: readonly TraceEpoch[], epoch: number) => epochs.find((e) => e.epoch === epoch)!;

const ML1 = 'mlflow/ConvNeXt-V2-UNet/mlruns/187479759740700411/ea71e54bc850434eaa5170c17d564de6';
const ML2 = 'mlflow/diffusers/mlruns/108087542544038754/888293e0c4a047a4aa99c13869a08738';

// [file, format, runs, epochs of the first run (or null when no run)]
const TABLE: Array<[string, string, number, number | null]> = [
  ['tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.0.v2', 'tfevents', 1, 10],
  ['tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.1.v2', 'tfevents', 1, 10],
  ['tfevents/DCBLSTM_PSP__events.out.tfevents.1652645787.cmle-training-8259342481255416030.411.3166.v2', 'tfevents', 1, 100],
  ['tfevents/DCBLSTM_PSP__events.out.tfevents.1652646513.cmle-training-8259342481255416030.411.22049.v2', 'tfevents', 1, 100],
  ['tfevents/DCBLSTM_PSP__events.out.tfevents.1652645841.cmle-training-8259342481255416030.profile-empty', 'tfevents', 0, null],
  ['tfevents/wandb__events.out.tfevents.1585769947.cvp', 'tfevents', 1, 17],
  ['tfevents/guildai__events.out.tfevents.1548797801.omaha', 'tfevents', 1, 20],
  ['tfevents/machine-learning-book__events.out.tfevents.1643132087.Sebastian-Air.local.8211.0', 'tfevents', 1, 10],
  ['tfevents/machine-learning-book__events.out.tfevents.1643132137.Sebastian-Air.local.8211.2', 'tfevents', 1, 21],
  ['tfevents/wandb__events.out.tfevents.111.complex.localdomain', 'tfevents', 1, 43],
  ['tfevents/tensorboard-reducer__events.out.tfevents.1622966509.janoshs-mbp.lan.86059.0', 'tfevents', 1, 200],
  ['keras-csv/drnns-prediction__training_log.csv', 'keras-csv', 1, 150],
  ['keras-csv/DCBLSTM_PSP__training.log', 'keras-csv', 1, 100],
  ['keras-csv/CarND-Behavioral-Cloning-P3__history.csv', 'keras-csv', 1, 5],
  ['keras-csv/Distributed-training-basline-demo-using-TF2.0__log.csv', 'keras-csv', 1, 6],
  ['keras-csv/capsuleNetworkCIFAR10__log.csv', 'keras-csv', 1, 50],
  ['keras-history-csv/EXPERT__training_history.csv', 'keras-csv', 1, 150],
  ['optuna-journal/optuna__4.0.0.dev.log', 'optuna-journal', 10, 1],
  ['optuna-journal/optuna-dashboard__optuna_journal_storage.log', 'optuna-journal', 3, 0],
  [`${ML1}/meta.yaml`, 'mlflow', 1, 10],
  [`${ML1}/metrics/loss`, 'mlflow', 1, 10],
  [`${ML1}/metrics/lr`, 'mlflow', 1, 10],
  [`${ML2}/meta.yaml`, 'mlflow', 1, 12],
  [`${ML2}/metrics/interval_loss`, 'mlflow', 1, 12],
  [`${ML2}/metrics/interval_throughput`, 'mlflow', 1, 12],
];

const cache = new Map<string, Imported>();
async function imported(rel: string): Promise<Imported> {
  if (!cache.has(rel)) {
    const path = log(rel);
    cache.set(rel, await importWith(byId(sniff(path)!), path));
  }
  return cache.get(rel)!;
}

describe('real training logs', () => {
  it('the fixture folder holds the 25 files of the README', async () => {
    const files = await fg('**/*', { cwd: LOGS, onlyFiles: true });
    expect(files.filter((f) => f !== 'README.md').sort()).toEqual(TABLE.map(([f]) => f).sort());
  });

  it.each(TABLE)('%s → %s, %i run(s), no rejection', async (rel, format, runs, epochs) => {
    expect(sniff(log(rel))).toBe(format);
    const r = await imported(rel);
    expect(r.rejections).toEqual([]);
    expect(r.runs).toHaveLength(runs);
    if (epochs !== null) expect(r.runs[0]!.epochs).toHaveLength(epochs);
    for (const run of r.runs) {
      expect(run.provenance.importer).toBe(format);
      expect(run.provenance.contentHash).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.parse(JSON.stringify(run))).toEqual(run); // plain JSON, no NaN
    }
  });

  it('keras-csv: values as written, float32 reprs, append mode and pandas index', async () => {
    const carnd = (await imported('keras-csv/CarND-Behavioral-Cloning-P3__history.csv')).runs[0]!;
    expect(at(carnd.epochs, 0)).toEqual({ epoch: 0, loss: 0.0618528367554, val_loss: 0.0501634302436, metrics: {} });
    expect(at(carnd.epochs, 1).val_loss).toBe(0.0474998225906);

    const tf2 = (await imported('keras-csv/Distributed-training-basline-demo-using-TF2.0__log.csv')).runs[0]!;
    expect(at(tf2.epochs, 0)).toEqual({ epoch: 0, loss: 3.411138401581691, val_loss: 9.49762442173102, metrics: { categorical_accuracy: 0.13403946, val_categorical_accuracy: 0.11879007 } });

    const drnns = (await imported('keras-csv/drnns-prediction__training_log.csv')).runs[0]!;
    expect(drnns.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 150 }, (_, i) => i));
    expect(at(drnns.epochs, 149)).toEqual({ epoch: 149, loss: 0.69040209650993345, val_loss: 0.69931888580322266, metrics: { acc: 0.54099379518757695, val_acc: 0.50793651684566776 } });
    expect(drnns.provenance.notes?.join(' ')).toMatch(/every row has epoch 0.*row order is used as the epoch/);

    const caps = (await imported('keras-csv/capsuleNetworkCIFAR10__log.csv')).runs[0]!;
    expect(at(caps.epochs, 49).loss).toBe(0.29497325602173807);
    expect(at(caps.epochs, 49).metrics.val_decoder_loss).toBe(0.029708947204053402);

    const dcb = (await imported('keras-csv/DCBLSTM_PSP__training.log')).runs[0]!;
    expect(Object.keys(at(dcb.epochs, 0).metrics)).toHaveLength(22); // 25 columns: epoch, loss, val_loss + 22 metrics
    expect(at(dcb.epochs, 0).metrics.false_negatives).toBe(860240);

    const expert = (await imported('keras-history-csv/EXPERT__training_history.csv')).runs[0]!;
    expect(at(expert.epochs, 0).loss).toBe(17.3155460357666);
    expect(at(expert.epochs, 0).metrics.l0_loss).toBe(1.1920930376163597e-7);
    expect(Object.keys(at(expert.epochs, 0).metrics).length + 2).toBe(86);
    expect(expert.provenance.notes?.join(' ')).toMatch(/pandas.*index column is the epoch/);
  });

  it('tfevents: simple_value and TF2 tensor scalars, three Keras tag generations', async () => {
    const katib = (await imported('tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.0.v2')).runs[0]!;
    expect(at(katib.epochs, 0).loss).toBe(0.20479995012283325); // DT_FLOAT tensor_content
    expect(at(katib.epochs, 9).metrics.accuracy).toBe(0.9896299839019775);

    const guild = (await imported('tfevents/guildai__events.out.tfevents.1548797801.omaha')).runs[0]!; // bare `loss` / `val_acc`
    expect(at(guild.epochs, 0)).toMatchObject({ loss: 0.2473652958869934, val_loss: 0.12661121785640717, metrics: { acc: 0.9233999848365784, val_acc: 0.9587000012397766 } });
    expect(at(guild.epochs, 19).loss).toBe(0.019036216661334038);

    const cvp = (await imported('tfevents/wandb__events.out.tfevents.1585769947.cvp')).runs[0]!; // epoch_loss / epoch_val_acc / batch_loss
    expect(at(cvp.epochs, 0).loss).toBe(3.9135773181915283);
    expect(at(cvp.epochs, 16).loss).toBe(2.932505594799295e-5);
    expect(Object.keys(at(cvp.epochs, 0).metrics).sort()).toEqual(['acc', 'val_acc']);
    expect(cvp.batches).toHaveLength(17);
    expect(cvp.batches![0]).toEqual({ step: 0, loss: 3.9135773181915283 });

    // TF2 train file: epoch_* stripped; values equal the CSVLogger file of the same run (float32 of the CSV's float64).
    const train = (await imported('tfevents/DCBLSTM_PSP__events.out.tfevents.1652645787.cmle-training-8259342481255416030.411.3166.v2')).runs[0]!;
    const csv = (await imported('keras-csv/DCBLSTM_PSP__training.log')).runs[0]!;
    for (let e = 0; e < 100; e++) expect(at(train.epochs, e).loss).toBe(Math.fround(at(csv.epochs, e).loss!));
    expect(train.provenance.notes?.join(' ')).toMatch(/2 non-scalar summary value/); // keras model config + run metadata
  });

  it('tfevents: Lightning per-step vs per-epoch tags, resumed run, duplicate steps, mixed grids', async () => {
    const v0 = (await imported('tfevents/machine-learning-book__events.out.tfevents.1643132087.Sebastian-Air.local.8211.0')).runs[0]!;
    expect(v0.epochs.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(at(v0.epochs, 0)).toMatchObject({ step: 859, val_loss: 0.2985934913158417 });
    expect(at(v0.epochs, 9)).toMatchObject({ step: 8599, val_loss: 0.16626232862472534 });
    expect(v0.batches!.length).toBe(172); // train_loss every 50 steps: 49, 99, …, 8599
    expect(v0.batches![0]!.step).toBe(49);

    const v1 = (await imported('tfevents/machine-learning-book__events.out.tfevents.1643132137.Sebastian-Air.local.8211.2')).runs[0]!;
    expect(v1.epochs[0]!.epoch).toBe(9);
    expect(v1.epochs.at(-1)!.epoch).toBe(29);
    expect(v1.epochs.at(-1)!.step).toBe(25799);
    expect(v1.batches).toHaveLength(362);
    expect(v1.provenance.notes?.join(' ')).toMatch(/resumed run: first epoch 9/);

    const dup = (await imported('tfevents/tensorboard-reducer__events.out.tfevents.1622966509.janoshs-mbp.lan.86059.0')).runs[0]!;
    expect(at(dup.epochs, 95).metrics['dup_steps/foo']).toBe(1.4962780475616455); // the second write of step 95
    expect(at(dup.epochs, 0).metrics['dup_steps/foo']).toBe(1.4962565898895264);
    expect(dup.provenance.notes?.join(' ')).toMatch(/20 duplicate value\(s\).*last write was kept/);

    const gan = (await imported('tfevents/wandb__events.out.tfevents.111.complex.localdomain')).runs[0]!;
    expect(gan.epochs.at(-1)!.step).toBe(937);
    expect(gan.epochs.every((e) => !Object.keys(e.metrics).some((k) => k.includes('histogram') || k.includes('custom_scalars')))).toBe(true);
    expect(gan.provenance.notes?.join(' ')).toMatch(/not consecutive/);
  });

  it('tfevents: train/ and validation/ (or test/) folders merge into one run with val_ metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mt-tfevents-'));
    const place = async (rel: string, sub: string) => {
      await mkdir(join(dir, sub), { recursive: true });
      const to = join(dir, sub, rel.split('__')[1]!);
      await copyFile(log(rel), to);
      return to;
    };
    const train = await place('tfevents/DCBLSTM_PSP__events.out.tfevents.1652645787.cmle-training-8259342481255416030.411.3166.v2', 'logs/train');
    const marker = await place('tfevents/DCBLSTM_PSP__events.out.tfevents.1652645841.cmle-training-8259342481255416030.profile-empty', 'logs/train');
    const val = await place('tfevents/DCBLSTM_PSP__events.out.tfevents.1652646513.cmle-training-8259342481255416030.411.22049.v2', 'logs/validation');
    const peers = [train, marker, val];
    const tf = byId('tfevents');
    const merged = await importWith(tf, train, peers);
    expect(merged.runs).toHaveLength(1);
    const run = merged.runs[0]!;
    expect(run.provenance.sourceKey).toBe('train+validation');
    expect(run.epochs).toHaveLength(100);
    const csv = (await imported('keras-csv/DCBLSTM_PSP__training.log')).runs[0]!;
    for (const e of [0, 50, 99]) {
      expect(at(run.epochs, e).val_loss).toBe(Math.fround(at(csv.epochs, e).val_loss!));
      expect(at(run.epochs, e).metrics.val_accuracy).toBe(Math.fround(at(csv.epochs, e).metrics.val_accuracy!));
    }
    expect((await importWith(tf, val, peers)).runs).toEqual([]); // read by the train file's import
    expect((await importWith(tf, marker, peers)).runs).toEqual([]);
    // The validation folder alone is its own run, metrics named val_*.
    const alone = (await importWith(tf, val, [val])).runs[0]!;
    expect(alone.provenance.sourceKey).toBe('validation');
    expect(at(alone.epochs, 0).val_loss).toBe(at(run.epochs, 0).val_loss);

    // katib: logs/train + logs/test, same tag names.
    const kt = await place('tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.0.v2', 'katib/logs/train');
    const kv = await place('tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.1.v2', 'katib/logs/test');
    const k = (await importWith(tf, kt, [kt, kv])).runs[0]!;
    expect(at(k.epochs, 0)).toMatchObject({ loss: 0.20479995012283325, metrics: { accuracy: 0.9404000043869019 } });
    expect(at(k.epochs, 0).val_loss).toBeCloseTo(0.0755, 4);
    expect(k.task.id).toBe('katib/logs'); // two folder levels: every TensorBoard project has a `logs`
  });

  it('optuna journals: spaced and compact separators, params and intermediate values', async () => {
    const dev = (await imported('optuna-journal/optuna__4.0.0.dev.log')).runs;
    expect(dev.every((r) => r.task.id === 'optuna:single_optimization' && r.status === 'completed')).toBe(true);
    const t0 = dev[0]!;
    expect(t0.provenance.sourceKey).toBe('single_optimization#0');
    expect(t0.model?.params).toEqual({ x: -3.501992262914262, y: 3, z: 0 }); // z: CategoricalDistribution choices [-5, 0, 5], index 1
    expect(t0.epochs).toEqual([{ epoch: 0, metrics: { objective: 0.5 } }]);
    const text = readFileSync(log('optuna-journal/optuna__4.0.0.dev.log'), 'utf8');
    const final = /"trial_id": 0, "state": 1, "values": \[([-\d.e]+)\]/.exec(text)![1]!;
    expect(t0.outcome?.final).toEqual({ name: 'objective', value: Number(final), epoch: 0 });

    const dash = (await imported('optuna-journal/optuna-dashboard__optuna_journal_storage.log')).runs;
    expect(dash.map((r) => r.model?.params?.x)).toEqual([2.303406227717751, 8.267387078828591, -1.1561439874111539]);
    expect(dash.map((r) => r.outcome?.final?.value)).toEqual([0.09205533901791588, 39.28014079586758, 9.961244869271578]);
  });

  it('mlflow: one run per folder, step-less metrics ordered by timestamp, stepped metrics by step', async () => {
    const a = (await imported(`${ML1}/meta.yaml`)).runs[0]!;
    expect(a.provenance.sourceKey).toBe('ea71e54bc850434eaa5170c17d564de6');
    expect(a.model?.name).toBe('nimble-roo-550');
    expect(a.status).toBe('completed');
    expect(a.epochs.map((e) => e.lr)).toEqual([
      0.00019510565162951537, 0.00018090169943749473, 0.00015877852522924732, 0.00013090169943749474, 9.999999999999999e-5, 6.909830056250526e-5,
      4.122147477075269e-5, 1.9098300562505263e-5, 4.894348370484646e-6, 0,
    ]);
    // Epoch 0's loss is the mean of the 10 loss points logged up to the first lr point.
    const losses = readFileSync(log(`${ML1}/metrics/loss`), 'utf8').trim().split('\n').map((l) => Number(l.split(' ')[1]));
    expect(a.epochs[0]!.loss).toBeCloseTo(losses.slice(0, 10).reduce((s, v) => s + v, 0) / 10, 12);
    expect(a.batches).toHaveLength(100);
    expect(a.provenance.notes?.join(' ')).toMatch(/step always 0.*ordered by timestamp/);

    const b = (await imported(`${ML2}/meta.yaml`)).runs[0]!;
    expect(b.epochs.map((e) => e.step)).toEqual([2, 5, 7, 10, 12, 15, 17, 20, 22, 25, 27, 30]);
    expect(b.epochs[0]!.metrics).toEqual({ interval_loss: 0.08961740881204605, interval_throughput: 3.4990264793788173 });
    // Given all three files of a run, only the first (meta.yaml) imports it.
    const files = [`${ML2}/meta.yaml`, `${ML2}/metrics/interval_loss`, `${ML2}/metrics/interval_throughput`].map(log);
    const all = await Promise.all(files.map((f) => importWith(byId('mlflow'), f, files)));
    expect(all.map((r) => r.runs.length)).toEqual([1, 0, 0]);
  });
});
