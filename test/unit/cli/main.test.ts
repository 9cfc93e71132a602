import { describe, it, expect } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { main } from '../../../src/cli/main.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixture = (...p: string[]) => join('test', 'fixtures', ...p);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(...args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(['node', 'metatune', ...args], { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), cwd: root });
  return { code, stdout, stderr };
}

function expectClose(actual: number[], expected: number[], digits = 12): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect([i, v]).toEqual([i, expect.closeTo(expected[i]!, digits)]));
}

describe('metatune schedule', () => {
  it('prints the LR of every step as a JSON array (step decay: 0.1 * 0.5^floor(step/3))', async () => {
    const r = await run('schedule', '--spec', '{"family": "step", "params": {"initialLearningRate": 0.1, "stepSize": 3, "gamma": 0.5}}', '--steps', '8');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout.endsWith('\n')).toBe(true);
    expectClose(JSON.parse(r.stdout), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]);
  });

  it('reads the spec from a file and passes --steps-per-epoch to epoch-based specs (PyTorch StepLR per epoch)', async () => {
    const spec = '{"torch": "StepLR", "kwargs": {"step_size": 2, "gamma": 0.1}, "base_lr": 1, "interval": "epoch"}';
    const r = await run('schedule', '--spec', spec, '--steps', '10', '--steps-per-epoch', '2');
    expect(r.code).toBe(0);
    // epochs 0-1 → 1, epochs 2-3 → 0.1, epoch 4 → 0.01; two steps per epoch
    expectClose(JSON.parse(r.stdout), [1, 1, 1, 1, 0.1, 0.1, 0.1, 0.1, 0.01, 0.01]);
  });

  it('--format table prints one row per step', async () => {
    const r = await run('schedule', '--spec', '{"family": "step", "params": {"initialLearningRate": 0.1, "stepSize": 2}}', '--steps', '3', '--format', 'table');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/step\s*│\s*learning rate/);
    expect(r.stdout).toMatch(/│ 2\s*│ 0\.01\d*\s*│/);
  });

  it('--metrics feeds per-epoch logs to reduce_on_plateau (Keras rule, patience 1, factor 0.5)', async () => {
    // val_loss 1.0, 0.9, 0.95 (bad → wait 1 >= patience → halve), 0.97 (bad → halve), 0.80;
    // a reduction at the end of epoch e shows from epoch e+1 (2 steps per epoch).
    const expected = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025];
    for (const file of ['plateau-rows.json', 'plateau-columns.json']) {
      const r = await run('schedule', '--spec', fixture('cli', 'plateau-spec.json'), '--steps', '10', '--steps-per-epoch', '2', '--metrics', fixture('cli', file));
      expect([file, r.code, r.stderr]).toEqual([file, 0, '']);
      expectClose(JSON.parse(r.stdout), expected);
    }
  });

  it('a metric the logs do not have is METRIC_NOT_FOUND listing what is there', async () => {
    const r = await run('schedule', '--spec', fixture('cli', 'plateau-spec.json'), '--steps', '10', '--steps-per-epoch', '2', '--metrics', fixture('cli', 'history-no-val.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[METRIC_NOT_FOUND\]: test\/fixtures\/cli\/history-no-val\.json: epoch 0 has no `val_loss`, which the schedule monitors\. Available: loss, acc\./);
  });

  it('an adaptive schedule without --metrics, and --metrics without --steps-per-epoch, are errors', async () => {
    const noMetrics = await run('schedule', '--spec', fixture('cli', 'plateau-spec.json'), '--steps', '10', '--steps-per-epoch', '2');
    expect(noMetrics.code).toBe(1);
    expect(noMetrics.stderr).toMatch(/^error\[METRIC_NOT_FOUND\]: The schedule monitors `val_loss` but no metrics were given\. Pass --metrics file\.json/);
    const noSpe = await run('schedule', '--spec', fixture('cli', 'plateau-spec.json'), '--steps', '10', '--metrics', fixture('cli', 'plateau-rows.json'));
    expect(noSpe.stderr).toMatch(/^error\[MISSING_OPTION\]: `--steps-per-epoch` is required with --metrics/);
    const short = await run('schedule', '--spec', fixture('cli', 'plateau-spec.json'), '--steps', '20', '--steps-per-epoch', '2', '--metrics', fixture('cli', 'plateau-rows.json'));
    expect(short.stderr).toMatch(/^error\[METRICS_TOO_SHORT\]: .*plateau-rows\.json: has 5 epochs of logs, but 20 steps of 2 per epoch need 9/);
  });

  it('an unknown family is error[UNKNOWN_SCHEDULE_FAMILY] with exit code 1', async () => {
    const r = await run('schedule', '--spec', '{"family": "cosine_decya", "params": {}}', '--steps', '3');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[UNKNOWN_SCHEDULE_FAMILY\]: --spec: Unknown schedule family "cosine_decya"\. Valid choices: .*cosine_decay/);
  });

  it('bad inline JSON names the flag, line and column', async () => {
    const r = await run('schedule', '--spec', '{"family": "step", "params": {"stepSize": 2,}}', '--steps', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[INVALID_JSON\]: --spec:1:45: invalid JSON near "\}/);
  });

  it('a spec failing the schema names the file and pointer', async () => {
    const r = await run('schedule', '--spec', fixture('cli', 'bad-schema-spec.json'), '--steps', '3');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[SCHEMA_VALIDATION_FAILED\]: test\/fixtures\/cli\/bad-schema-spec\.json: \/base_lr: expected one of: number \| array, found "0\.1"\n  test\/fixtures\/cli\/bad-schema-spec\.json: \/interval: expected one of "epoch", "step", "fractional_epoch", found "batch"\n$/);
  });

  it('bad options are INVALID_OPTION / MISSING_OPTION / UNKNOWN_OPTION', async () => {
    expect((await run('schedule', '--spec', '{"family": "constant"}', '--steps', 'ten')).stderr).toMatch(/^error\[INVALID_OPTION\]: `--steps` must be an integer >= 1\. Received: --steps="ten"\./);
    expect((await run('schedule', '--steps', '3')).stderr).toMatch(/^error\[MISSING_OPTION\]: `--spec` is required\. Example: metatune schedule --spec/);
    const unknown = await run('schedule', '--spce', 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error\[UNKNOWN_OPTION\]: unknown option '--spce'/);
    expect((await run('schedule', '--spec', 'no-such-file.json', '--steps', '3')).stderr).toMatch(/^error\[FILE_NOT_FOUND\]: --spec "no-such-file\.json" is neither JSON nor an existing file/);
  });

  it('loads third-party families from --config and from --plugin', async () => {
    const spec = '{"family": "sqrt_decay", "params": {"initialLearningRate": 0.1, "warmupSteps": 4}}';
    // 0.1 * sqrt(4 / max(step, 4))
    const expected = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => 0.1 * Math.sqrt(4 / Math.max(s, 4)));
    const viaConfig = await run('--config', fixture('config', 'valid', 'metatune.config.json'), 'schedule', '--spec', spec, '--steps', '10');
    expect(viaConfig.stderr).toBe('');
    expectClose(JSON.parse(viaConfig.stdout), expected);
    const viaFlag = await run('--plugin', './test/fixtures/plugins/sqrt-decay', 'schedule', '--spec', spec, '--steps', '10');
    expectClose(JSON.parse(viaFlag.stdout), expected);
    const without = await run('schedule', '--spec', spec, '--steps', '10');
    expect(without.stderr).toMatch(/^error\[UNKNOWN_SCHEDULE_FAMILY\]/);
  });

  it('a plugin that throws a plain Error is an internal error (exit 2)', async () => {
    // The fixture family's own check throws RangeError before the registry's paramsSchema check runs.
    const r = await run('--plugin', './test/fixtures/plugins/sqrt-decay', 'schedule', '--spec', '{"family": "sqrt_decay", "params": {"initialLearningRate": -1}}', '--steps', '2');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error\[INTERNAL\]: sqrt_decay: `initialLearningRate` must be > 0/);
    expect(r.stderr).toMatch(/This is a bug in metatune or in one of its plugins/);
  });
});

describe('metatune validate', () => {
  it('ok for a valid spec, config and manifest', async () => {
    const spec = await run('validate', fixture('cli', 'plateau-spec.json'));
    expect(spec).toEqual({ code: 0, stdout: 'ok: test/fixtures/cli/plateau-spec.json is a valid schedule spec\n', stderr: '' });
    const config = await run('validate', fixture('config', 'valid', 'metatune.config.json'));
    expect(config).toEqual({ code: 0, stdout: 'ok: test/fixtures/config/valid/metatune.config.json is a valid metatune config file\n', stderr: '' });
    const manifest = await run('validate', fixture('plugins', 'sqrt-decay', 'plugin.json'));
    expect(manifest).toEqual({ code: 0, stdout: 'ok: test/fixtures/plugins/sqrt-decay/plugin.json is a valid plugin manifest\n', stderr: '' });
  });

  it('schema errors name file and pointer, exit 1', async () => {
    const r = await run('validate', fixture('config', 'bad-schema', 'metatune.config.json'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^error\[SCHEMA_VALIDATION_FAILED\]: test\/fixtures\/config\/bad-schema\/metatune\.config\.json: \/plugins\/0: expected string, found 42$/m);
    expect(r.stderr).toMatch(/^ {2}test\/fixtures\/config\/bad-schema\/metatune\.config\.json: \/backend: expected one of "node-gpu", "node", "wasm", "cpu", found "tpu"$/m);
  });

  it('builds specs, so semantic errors (stepSize 0) are reported with the file', async () => {
    const r = await run('validate', fixture('cli', 'bad-spec.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error\[INVALID_PARAMETER\]: test\/fixtures\/cli\/bad-spec\.json: step: `stepSize` must be/);
  });

  it('loads a config file\'s plugins and checks a manifest against its module', async () => {
    const missing = await run('validate', fixture('config', 'missing-plugin', 'metatune.config.json'));
    expect(missing.stderr).toMatch(/^error\[PLUGIN_NOT_FOUND\]: Plugin "\.\/no-such-plugin" not found/);
    const mismatch = await run('validate', fixture('plugins', 'mismatch', 'plugin.json'));
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^error\[MANIFEST_MISMATCH\]: Plugin "mismatch" \(test\/fixtures\/plugins\/mismatch\/plugin\.json\): plugin\.json does not match its module/);
  });

  it('--kind overrides the inferred kind', async () => {
    const r = await run('validate', fixture('cli', 'plateau-spec.json'), '--kind', 'config');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/plateau-spec\.json: \/plugins: expected required property "plugins", found nothing/);
  });
});

describe('metatune families, plugins, help', () => {
  it('families lists each family with its plugin and equivalents', async () => {
    const r = await run('families', '--format', 'json');
    expect(r.code).toBe(0);
    const { families, formats } = JSON.parse(r.stdout) as { families: Array<{ id: string; plugin: string; equivalents: Record<string, string> }>; formats: Array<{ id: string; plugin: string }> };
    expect(families.find((f) => f.id === 'cosine_decay')).toMatchObject({ plugin: 'schedules-core', equivalents: { keras: 'CosineDecay' } });
    expect(families.find((f) => f.id === 'reduce_on_plateau')?.plugin).toBe('schedules-adaptive');
    expect(formats.map((f) => f.id).sort()).toEqual(['fastai', 'keras', 'optax', 'torch']);
    const table = await run('schedule', '--list');
    expect(table.stdout).toMatch(/│ cosine_decay\s+│ schedules-core\s+│ CosineDecay/);
    expect(table.stdout).toMatch(/spec formats: .*torch \(interop-pytorch\)/);
  });

  it('plugins lists built-ins and third-party plugins', async () => {
    const r = await run('--plugin', './test/fixtures/plugins/sqrt-decay', 'plugins', '--format', 'json');
    const ids = (JSON.parse(r.stdout) as Array<{ id: string }>).map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['schedules-core', 'optimizers-tfjs', 'sqrt-decay']));
  });

  it('--help shows the commands and examples, exit 0', async () => {
    const r = await run('--help');
    expect(r.code).toBe(0);
    for (const cmd of ['schedule', 'validate', 'families', 'plugins', 'demo']) expect(r.stdout).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    expect(r.stdout).toMatch(/Examples:\n/);
    expect(r.stdout).toMatch(/\$ metatune schedule --spec/);
  });
});
