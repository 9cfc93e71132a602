import { writeFileSync, mkdtempSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCsv } from '../../../src/tasks/load-csv.js';
import { loadJson } from '../../../src/tasks/load-json.js';
import { loadIdx } from '../../../src/tasks/load-idx.js';
import { prepareTask } from '../../../src/tasks/prepare.js';
import { loadTask } from '../../../src/tasks/suite.js';
import { loadTaskFile } from '../../../src/tasks/task-file.js';
import { taskFromArrays } from '../../../src/tasks/load-arrays.js';
import { NotFoundError, SchemaValidationError, ValidationError } from '../../../src/core/errors.js';
import { expectError, fixture } from './helpers.js';

describe('bad input: typed errors with the fix', () => {
  it('a text column → NON_NUMERIC_COLUMN naming file, line, column and value', async () => {
    const err = await expectError(
      () => loadCsv(fixture('text-column.csv')),
      'NON_NUMERIC_COLUMN',
      /text-column\.csv:2: column 2 \("color"\): expected a number, found "red"/,
      /"categorical": "onehot"/,
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.details).toMatchObject({ line: 2, column: 2, columnName: 'color', found: 'red' });
  });

  it('a text value in JSON rows → NON_NUMERIC_COLUMN with a JSON pointer', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mt-tasks-'));
    const file = path.join(dir, 'rows.json');
    writeFileSync(file, JSON.stringify([{ a: 1, y: 0 }, { a: 'high', y: 1 }]));
    await expectError(() => loadJson(file), 'NON_NUMERIC_COLUMN', /rows\.json: \/1\/a: column 1 \("a"\): expected a number, found "high"/);
  });

  it('a target with one class → SINGLE_CLASS_TARGET', async () => {
    const raw = await loadCsv(fixture('single-class.csv'));
    await expectError(() => prepareTask(raw, { id: 's' }), 'SINGLE_CLASS_TARGET', /single-class\.csv: target column "y": expected at least 2 classes, found 1 \(every row is "1"\)/, /Fix:/);
  });

  it('a constant column is dropped with a note', async () => {
    const t = prepareTask(await loadCsv(fixture('constant.csv')), { id: 'c', validation: 0.5 });
    expect(t.featureNames).toEqual(['x1']);
    expect(t.notes).toContain('dropped 1 constant column: "k" (7).');
  });

  it('a file that is not a dataset → NOT_A_DATASET', async () => {
    await expectError(() => loadCsv(fixture('image-renamed.csv')), 'NOT_A_DATASET', /image-renamed\.csv: byte 8: expected a text table \(CSV\), found binary data/, /Fix:/);
    await expectError(() => loadCsv(fixture('prose.csv')), 'NOT_A_DATASET', /prose\.csv: line 1: expected at least two columns/);
    await expectError(() => loadTask(fixture('config-not-data.json')), 'NOT_A_DATASET', /config-not-data\.json: \/: expected an array of row objects or \{"x": \[\.\.\.\], "y": \[\.\.\.\]\}, found an object with keys "plugins", "store"/);
    await expectError(() => loadTask(fixture('image.png')), 'NOT_A_DATASET', /image\.png: file name: expected a task file/);
    await expectError(() => loadIdx(fixture('tiny.csv'), { labelsPath: fixture('tiny-labels-idx1-ubyte') }), 'NOT_A_DATASET', /tiny\.csv: bytes 0-3: expected an IDX magic number/);
    const dir = mkdtempSync(path.join(tmpdir(), 'mt-tasks-'));
    const empty = path.join(dir, 'empty.csv');
    writeFileSync(empty, '');
    await expectError(() => loadCsv(empty), 'NOT_A_DATASET', /empty\.csv: end of file: expected a header and at least one data row, found an empty file/);
    const truncated = path.join(dir, 'truncated-idx');
    copyFileSync(fixture('tiny-images-idx3-ubyte'), truncated);
    writeFileSync(truncated, Buffer.from([0, 0, 8, 3, 0, 0, 0, 6, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2]));
    await expectError(() => loadIdx(truncated, { labelsPath: fixture('tiny-labels-idx1-ubyte') }), 'NOT_A_DATASET', /expected 52 bytes for ubyte data of shape \[6, 2, 3\], found 18 bytes/);
  });

  it('a task whose data file moved → TASK_DATA_NOT_FOUND naming the task file, the resolved path and the fix', async () => {
    const err = await expectError(
      () => loadTaskFile(fixture('task-moved.json')),
      'TASK_DATA_NOT_FOUND',
      /task-moved\.json: data\.path "old-folder\/data\.csv" resolves to .*fixtures\/tasks\/old-folder\/data\.csv, which does not exist/,
      /relative to the task file's folder/,
      /Fix: move the data file back, or edit data\.path in .*task-moved\.json/,
    );
    expect(err).toBeInstanceOf(NotFoundError);
  });

  it('a task file that breaks the schema → SCHEMA_VALIDATION_FAILED with pointer, expected, found', async () => {
    const err = await expectError(() => loadTaskFile(fixture('task-bad-schema.json')), 'SCHEMA_VALIDATION_FAILED', /\/data\/format: expected one of "csv", "json", "idx", found "xlsx"/, /\/split\/validation: expected a number < 1, found 1\.5/);
    expect(err).toBeInstanceOf(SchemaValidationError);
  });

  it('a broken CSV line → MALFORMED_CSV naming the line', async () => {
    await expectError(() => loadCsv(fixture('ragged.csv')), 'MALFORMED_CSV', /ragged\.csv:3: inconsistent number of columns/, /Fix: check the delimiter/);
  });

  it('unknown target column, unknown task, bad variant ids, variants that do not apply', async () => {
    await expectError(() => loadCsv(fixture('tiny.csv'), { target: 'kind' }), 'TARGET_NOT_FOUND', /target column "kind" not found\. Columns: a, b, species/);
    await expectError(() => loadTask('imagenet'), 'TASK_NOT_FOUND', /Unknown task "imagenet"\. Valid suite datasets: iris, wine/);
    await expectError(() => loadTask('missing/task.json'), 'TASK_NOT_FOUND', /no such task file/);
    await expectError(() => loadTask('wine~sub50'), 'INVALID_TASK_ID', /write it as "wine~sub50~s1"/);
    await expectError(() => loadTask('wine~sub150~s1'), 'INVALID_TASK_ID', /percentage in 1\.\.99/);
    await expectError(() => loadTask('diabetes~noise10~s1'), 'VARIANT_NOT_APPLICABLE', /label noise .* does not apply to regression tasks/);
    await expectError(() => loadTask('mnist~half~s1'), 'VARIANT_NOT_APPLICABLE', /image tasks/);
  });

  it('labels that do not match the images → ROW_COUNT_MISMATCH', async () => {
    await expectError(() => loadIdx(fixture('tiny-images-idx3-ubyte'), { labelsPath: fixture('tiny-labels3-idx1') }), 'ROW_COUNT_MISMATCH', /expected 6 labels .*, found 3/);
  });

  it('a constant regression target → CONSTANT_TARGET; too few rows → TOO_FEW_ROWS', async () => {
    await expectError(() => taskFromArrays({ id: 'k', x: [[1], [2], [3]], y: [0.5, 0.5, 0.5] }), 'CONSTANT_TARGET', /expected varying values, found 0\.5 in every row/);
    await expectError(() => taskFromArrays({ id: 'f', x: [[1], [2]], y: [0, 1], validation: 0.1 }), 'TOO_FEW_ROWS', /leave 2 train and 0 validation rows/);
  });
});
