import { describe, it, expect } from '@jest/globals';
import { SchemaValidationError } from '../../../src/core/errors.js';
import { findJsonErrorOffset, parseJson, schemaProblems, validateDocument, formatProblem } from '../../../src/core/json-validation.js';

function failure(fn: () => unknown): SchemaValidationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SchemaValidationError);
    return err as SchemaValidationError;
  }
  throw new Error('expected a SchemaValidationError');
}

const lines = (schema: string, doc: unknown, file = 'doc.json') => schemaProblems(schema, doc, { file }).map(formatProblem);

describe('validateDocument', () => {
  it('reports file, pointer, expected and found for a config file', () => {
    const err = failure(() => validateDocument('config', { plugins: [42] }, { file: 'metatune.config.json' }));
    expect(err.code).toBe('SCHEMA_VALIDATION_FAILED');
    expect(err.message).toBe('metatune.config.json: /plugins/0: expected string, found 42');
    expect(err.details.errors).toEqual([{ file: 'metatune.config.json', pointer: '/plugins/0', expected: 'string', found: '42' }]);
  });

  it('lists every problem, one per line', () => {
    const err = failure(() => validateDocument('config', { plugins: 'x', backend: 'tpu', extra: 1 }, { file: 'c.json' }));
    expect(err.message.split('\n').sort()).toEqual([
      'c.json: /backend: expected one of "node-gpu", "node", "wasm", "cpu", found "tpu"',
      'c.json: /extra: expected one of the properties "$schema", "plugins", "store", "backend", found unknown property "extra"',
      'c.json: /plugins: expected array, found "x"',
    ]);
  });

  it('points a missing required property at where it belongs', () => {
    expect(lines('config', {})).toEqual(['doc.json: /plugins: expected required property "plugins", found nothing']);
  });

  it('accepts valid documents of each kind', () => {
    expect(lines('schedule-spec', { family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 10 } })).toEqual([]);
    expect(lines('schedule-spec', { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1 } })).toEqual([]);
    expect(lines('schedule-spec', { torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: 0.05, interval: 'epoch' })).toEqual([]);
    expect(lines('schedule-spec', { optax: 'cosine_decay_schedule', kwargs: { init_value: 1, decay_steps: 5 } })).toEqual([]);
    expect(lines('schedule-spec', { fastai: 'fit_one_cycle', kwargs: { lr_max: 0.01 } })).toEqual([]);
    expect(lines('config', { $schema: 'x', plugins: ['./p'], store: 'memory:', backend: 'wasm' })).toEqual([]);
    expect(lines('plugin-manifest', { id: 'a-b', apiVersion: 1, description: '', main: 'index.js', contributes: { importers: ['x'] } })).toEqual([]);
  });
});

describe('oneOf: the most relevant branch is reported', () => {
  it('a spec with `family` is checked as a native spec', () => {
    expect(lines('schedule-spec', { family: 42, params: [] }, 'spec.json')).toEqual([
      'spec.json: /family: expected string, found 42',
      'spec.json: /params: expected object, found array []',
    ]);
    expect(lines('schedule-spec', { family: 'cosine_decay', parms: {} }, 'spec.json')).toEqual([
      'spec.json: /parms: expected one of the properties "family", "params", found unknown property "parms"',
    ]);
  });

  it('the spec schema checks only the envelope: a foreign spec is left to its format (test/unit/schedules/spec-schema.test.ts)', () => {
    expect(lines('schedule-spec', { torch: 'StepLR', kwargs: {}, base_lr: -1 }, 'spec.json')).toEqual([]);
    expect(lines('schedule-spec', { halving: { lr: 0.1 } }, 'spec.json')).toEqual([]);
  });

  it('a document that matches no branch lists the forms', () => {
    const [line] = lines('schedule-spec', {}, 'spec.json');
    expect(line).toMatch(/^spec\.json: \/: expected one of: native \{"family", "params"\} \| a spec format's object \(e\.g\. \{"class_name", "config"\}, \{"torch", .*\), found \{\}$/);
    expect(lines('schedule-spec', 'cosine', 'spec.json')[0]).toMatch(/^spec\.json: \/: expected one of: native .*, found "cosine"$/);
  });
});

describe('plugin manifests', () => {
  it('rejects a non-kebab id, a wrong apiVersion type and an unknown contribution kind', () => {
    const out = lines('plugin-manifest', { id: 'My_Plugin', apiVersion: '1', description: 'x', main: 'index.js', contributes: { scheduleFamilys: ['a'] } }, 'plugin.json');
    expect(out).toEqual(expect.arrayContaining([
      'plugin.json: /id: expected a string matching /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, found "My_Plugin"',
      'plugin.json: /apiVersion: expected integer, found "1"',
      expect.stringMatching(/^plugin\.json: \/contributes\/scheduleFamilys: expected one of the properties "scheduleFamilies", .*found unknown property "scheduleFamilys"$/),
    ]));
    expect(out).toHaveLength(3);
  });
});

describe('parseJson', () => {
  it('names file, line and column of a syntax error', () => {
    const err = failure(() => parseJson('{\n  "plugins": [\n    "a",\n  ]\n}', 'metatune.config.json'));
    expect(err.code).toBe('INVALID_JSON');
    expect(err.message).toMatch(/^metatune\.config\.json:4:3: invalid JSON near "\]/);
    expect(err.details).toMatchObject({ file: 'metatune.config.json', line: 4, column: 3 });
  });

  it('reports truncated input at its end', () => {
    const err = failure(() => parseJson('{"a": [1, 2', 'x.json'));
    expect(err.message).toMatch(/^x\.json:1:12: invalid JSON near end of input/);
  });

  it('finds the offending offset for common mistakes', () => {
    const cases: Array<[string, number]> = [
      ["{'a': 1}", 1],
      ['{"a": 01}', 7],
      ['{"a": 1} x', 9],
      ['[1, 2,]', 6],
      ['{"a" 1}', 5],
      ['[tru]', 4],
      ['"\\x"', 1],
    ];
    for (const [text, offset] of cases) {
      expect(() => JSON.parse(text)).toThrow();
      expect([text, findJsonErrorOffset(text)]).toEqual([text, offset]);
    }
  });
});

