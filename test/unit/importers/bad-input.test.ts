/** Bad input: each case a rejection naming file, line/byte offset and field; the good records are kept. */
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kerasCsvImporter } from '../../../plugins/importer-keras-csv/keras-csv-importer.js';
import { tfeventsImporter } from '../../../plugins/importer-tfevents/tfevents-importer.js';
import { jsonlImporter } from '../../../plugins/importer-jsonl/jsonl-importer.js';
import { tfjsHistoryImporter } from '../../../plugins/importer-tfjs-history/tfjs-history-importer.js';
import { optunaJournalImporter } from '../../../plugins/importer-optuna-journal/optuna-journal-importer.js';
import { formatRejection } from '../../../src/traces/importer.js';
import { importWith, log } from './helpers.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mt-bad-'));
});
const write = async (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  await writeFile(p, data);
  return p;
};
const KATIB = log('tfevents/katib__events.out.tfevents.1637681485.2d662933d616.19.0.v2');
const katib = () => new Uint8Array(readFileSync(KATIB));
/** Byte offsets of the records of a TFRecord file. */
function recordOffsets(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset);
  const out: number[] = [];
  for (let p = 0; p < b.length; p += 16 + v.getUint32(p, true)) out.push(p);
  return out;
}

describe('bad event files', () => {
  it('truncated: the records before the cut are kept, the run is incomplete (never completed) with a note naming the byte', async () => {
    const bytes = katib();
    const offsets = recordOffsets(bytes);
    const cut = offsets[15]! + 20; // inside record 15
    const p = await write('trunc.tfevents', bytes.subarray(0, cut));
    const r = await importWith(tfeventsImporter, p);
    expect(r.rejections).toEqual([]);
    expect(r.runs).toHaveLength(1);
    // Records 1..14 are the first 7 steps of loss + accuracy (record 0 is the file version).
    expect(r.runs[0]!.epochs.length).toBe(7);
    expect(r.runs[0]!.epochs[0]!.loss).toBe(0.20479995012283325);
    expect(r.runs[0]!.status).toBe('incomplete');
    expect(r.runs[0]!.provenance.notes?.join(' ')).toMatch(new RegExp(`trunc.tfevents ends inside a record at byte ${offsets[15]}.*stored as incomplete`));
  });

  it('bad data CRC: rejected at the record, earlier records kept', async () => {
    const bytes = katib();
    const offsets = recordOffsets(bytes);
    bytes[offsets[5]! + 12 + 3]! ^= 0x40; // flip a bit inside record 5's payload
    const p = await write('badcrc.tfevents', bytes);
    const r = await importWith(tfeventsImporter, p);
    expect(r.rejections).toEqual([expect.objectContaining({ byteOffset: offsets[5], code: 'BAD_DATA_CRC', field: 'data_crc' })]);
    expect(r.runs[0]!.epochs.length).toBe(2);
  });

  it('bad length CRC', async () => {
    const bytes = katib();
    const offsets = recordOffsets(bytes);
    bytes[offsets[3]! + 9]! ^= 0x01;
    const r = await importWith(tfeventsImporter, await write('badlen.tfevents', bytes));
    expect(r.rejections).toEqual([expect.objectContaining({ byteOffset: offsets[3], code: 'BAD_LENGTH_CRC' })]);
  });

  it('a file shorter than one header', async () => {
    const r = await importWith(tfeventsImporter, await write('x.tfevents.tiny', katib().subarray(0, 5)));
    expect(r.runs).toEqual([]);
    expect(r.rejections).toEqual([expect.objectContaining({ byteOffset: 0, code: 'TRUNCATED_RECORD', field: 'length' })]);
  });
});

describe('bad CSV rows', () => {
  it('ragged row and non-numeric cell: rejected with file:line and column, good rows kept', async () => {
    const p = await write('log.csv', 'epoch,loss,val_loss,lr\n0,1.5,1.6,0.1\n1,1.2,1.3\n2,1.0,abc,0.1\n3,0.9,NA,0.05\n4,nan,1.0,0.05\n');
    expect(kerasCsvImporter.sniff({ path: p, head: readFileSync(p) })).toBe(true);
    const r = await importWith(kerasCsvImporter, p);
    expect(r.rejections).toEqual([
      expect.objectContaining({ file: p, line: 3, field: 'columns', expected: '4 cells (4 header columns)', found: '3 cells', code: 'RAGGED_ROW' }),
      expect.objectContaining({ file: p, line: 4, field: 'val_loss', expected: 'a number', found: '"abc"', code: 'NOT_A_NUMBER' }),
    ]);
    expect(formatRejection(r.rejections[1]!)).toBe(`${p}:4: val_loss: expected a number, found "abc" (NOT_A_NUMBER)`);
    const run = r.runs[0]!;
    expect(run.epochs).toEqual([
      { epoch: 0, loss: 1.5, val_loss: 1.6, lr: 0.1, metrics: {} },
      { epoch: 3, loss: 0.9, lr: 0.05, metrics: {} },
      { epoch: 4, val_loss: 1.0, lr: 0.05, metrics: {} },
    ]);
    expect(run.status).toBe('diverged'); // loss nan at epoch 4
  });

  it('learning_rate column becomes lr; a non-increasing epoch column uses row order', async () => {
    const p = await write('append.csv', 'epoch,learning_rate,loss\n0,0.1,2\n1,0.1,1.5\n0,0.05,1.2\n1,0.05,1.1\n');
    const run = (await importWith(kerasCsvImporter, p)).runs[0]!;
    expect(run.epochs.map((e) => [e.epoch, e.lr, e.loss])).toEqual([[0, 0.1, 2], [1, 0.1, 1.5], [2, 0.05, 1.2], [3, 0.05, 1.1]]);
    expect(run.provenance.notes?.[0]).toMatch(/does not increase.*row order/);
  });
});

describe('bad JSON', () => {
  it('JSONL: bad lines rejected with line number and field, the others grouped by run', async () => {
    const p = await write(
      'runs.jsonl',
      [
        '{"run": "a", "epoch": 0, "loss": 1.0, "lr": 0.1}',
        '{"run": "b", "epoch": 0, "loss": 2.0}',
        '{"run": "a", "epoch": 1, "loss": "high"}',
        '{"run": "a", "epoch": -1, "loss": 0.5}',
        'not json',
        '{"epoch": 3, "loss": 0.5}',
        '{"run_id": "a", "epoch": 2, "loss": 0.8, "learning_rate": 0.05, "acc": 0.7}',
      ].join('\n'),
    );
    const r = await importWith(jsonlImporter(), p);
    expect(r.rejections.map((x) => [x.line, x.field, x.code])).toEqual([
      [3, 'loss', 'SCHEMA_MISMATCH'],
      [4, 'epoch', 'SCHEMA_MISMATCH'],
      [5, undefined, 'INVALID_JSON'],
      [6, 'run', 'SCHEMA_MISMATCH'],
    ]);
    const a = r.runs.find((x) => x.provenance.sourceKey === 'a')!;
    expect(a.epochs).toEqual([
      { epoch: 0, loss: 1.0, lr: 0.1, metrics: {} },
      { epoch: 2, loss: 0.8, lr: 0.05, metrics: { acc: 0.7 } },
    ]);
    expect(r.runs.find((x) => x.provenance.sourceKey === 'b')!.epochs).toEqual([{ epoch: 0, loss: 2.0, metrics: {} }]);
  });

  it('JSONL: with maxOpenRuns exceeded, a run that comes back after being finished is rejected (RUN_SPLIT)', async () => {
    const p = await write('split.jsonl', ['a', 'b', 'c', 'a'].map((id, i) => JSON.stringify({ run: id, epoch: i, loss: 1 })).join('\n'));
    const r = await importWith(jsonlImporter({ maxOpenRuns: 2 }), p);
    expect(r.runs.map((x) => x.provenance.sourceKey).sort()).toEqual(['a', 'b', 'c']);
    expect(r.rejections).toEqual([expect.objectContaining({ line: 4, field: 'run', code: 'RUN_SPLIT' })]);
  });

  it('JSONL: long runs written one after another are emitted as soon as maxOpenRecords is reached (bounded memory)', async () => {
    // Three runs of 4 epochs each, run after run; at most 5 records may stay buffered.
    const lines = ['a', 'b', 'c'].flatMap((id) => [0, 1, 2, 3].map((epoch) => JSON.stringify({ run: id, epoch, loss: 1 / (epoch + 1) })));
    const p = await write('long-runs.jsonl', lines.join('\n'));
    const r = await importWith(jsonlImporter({ maxOpenRecords: 5 }), p);
    expect(r.rejections).toEqual([]);
    expect(r.runs.map((x) => x.epochs.length)).toEqual([4, 4, 4]);
    // The bound is real: once 6 records are buffered, run "a" is finished, so a late record of it is a split.
    const late = await write('late.jsonl', [...lines.slice(0, 6), JSON.stringify({ run: 'a', epoch: 4, loss: 0.1 })].join('\n'));
    const r2 = await importWith(jsonlImporter({ maxOpenRecords: 5 }), late);
    expect(r2.rejections).toEqual([expect.objectContaining({ line: 7, field: 'run', code: 'RUN_SPLIT' })]);
  });

  it('tfjs History JSON that does not match the schema', async () => {
    const good = { epoch: [0, 1], history: { loss: [1, 0.5], val_loss: [1.1, 0.7] }, params: { epochs: 2, batchSize: 32 } };
    const p = await write('history.json', JSON.stringify([good, { epoch: [0, 1], history: { loss: [1, 'x'] } }, { epoch: [0], history: { loss: [1, 2] } }]));
    expect(tfjsHistoryImporter.sniff({ path: p, head: readFileSync(p) })).toBe(true);
    const r = await importWith(tfjsHistoryImporter, p);
    expect(r.runs).toHaveLength(1);
    expect(r.runs[0]!.epochs).toEqual([
      { epoch: 0, loss: 1, val_loss: 1.1, metrics: {} },
      { epoch: 1, loss: 0.5, val_loss: 0.7, metrics: {} },
    ]);
    expect(r.runs[0]!.model).toEqual({ params: { fit: { epochs: 2, batchSize: 32 } } });
    expect(r.rejections).toEqual([
      expect.objectContaining({ record: 1, field: '[1].history.loss[1]', expected: 'a number or null', code: 'SCHEMA_MISMATCH' }),
      expect.objectContaining({ record: 2, field: '[2].epoch', code: 'SCHEMA_MISMATCH' }),
    ]);
    const broken = await importWith(tfjsHistoryImporter, await write('broken.json', '{"epoch": [0], "history": {"loss": [1]'));
    expect(broken.rejections).toEqual([expect.objectContaining({ code: 'INVALID_JSON' })]);
  });

  it('Optuna journal: an op for an unknown trial and a half-written last line', async () => {
    const p = await write(
      'journal.log',
      [
        '{"op_code":0,"worker_id":"w","study_name":"s","directions":[2]}',
        '{"op_code":4,"worker_id":"w","study_id":0,"datetime_start":"2024-01-01T00:00:00.000000"}',
        '{"op_code":5,"worker_id":"w","trial_id":0,"param_name":"learning_rate","param_value_internal":0.01,"distribution":"{\\"name\\": \\"FloatDistribution\\", \\"attributes\\": {\\"step\\": null, \\"low\\": 0.0001, \\"high\\": 0.1, \\"log\\": true}}"}',
        '{"op_code":5,"worker_id":"w","trial_id":0,"param_name":"optimizer","param_value_internal":1,"distribution":"{\\"name\\": \\"CategoricalDistribution\\", \\"attributes\\": {\\"choices\\": [\\"SGD\\", \\"Adam\\"]}}"}',
        '{"op_code":7,"worker_id":"w","trial_id":0,"step":0,"intermediate_value":0.6}',
        '{"op_code":7,"worker_id":"w","trial_id":0,"step":1,"intermediate_value":0.8}',
        '{"op_code":7,"worker_id":"w","trial_id":9,"step":1,"intermediate_value":0.8}',
        '{"op_code":6,"worker_id":"w","trial_id":0,"state":1,"values":[0.75],"datetime_complete":"2024-01-01T00:00:02.500000"}',
        '{"op_code":4,"worker_id":"w","stu',
      ].join('\n'),
    );
    const r = await importWith(optunaJournalImporter, p);
    expect(r.rejections.map((x) => [x.line, x.field, x.code])).toEqual([
      [9, undefined, 'INVALID_JSON'],
      [7, 'trial_id', 'UNKNOWN_TRIAL'],
    ]);
    const run = r.runs[0]!;
    expect(run.optimizer).toEqual({ className: 'Adam', hyperparameters: { learning_rate: 0.01 } });
    expect(run.epochs.map((e) => e.metrics.objective)).toEqual([0.6, 0.8]);
    expect(run.outcome).toMatchObject({ best: { value: 0.8, epoch: 1, mode: 'max' }, final: { value: 0.75 }, wallTimeMs: 2500 });
  });
});
