/**
 * Every command honours `--plugin` and the config file, the same way: one table, one row per
 * command. A row's command must fail on a `--plugin` that does not exist and on a config file that
 * breaks the schema (proof that it built the runtime from them), and the table must list every
 * command the CLI has, so a new command without a row fails here. Then the cases the issue found
 * broken, each run for real: a plugin's family in `sweep` and `demo`, the config's `store` in
 * `store stats` / `runs list` / `import`, the config's `backend` in `demo`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildProgram, main } from '../../../src/cli/main.js';

const ROOT = resolve(process.cwd());
const SQRT_PLUGIN = join(ROOT, 'test/fixtures/plugins/sqrt-decay');
const BAD_CONFIG = join(ROOT, 'test/fixtures/config/bad-schema/metatune.config.json');
const SQRT_SPEC = '{"family": "sqrt_decay", "params": {"initialLearningRate": 0.01, "warmupSteps": 4}}';

async function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(['node', 'metatune', ...args], { stdout: (s) => void (out += s), stderr: (s) => void (err += s), cwd });
  return { code, out, err };
}

/** One row per command: arguments that get past option parsing to the command's action. */
const COMMANDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['schedule', ['schedule', '--spec', SQRT_SPEC, '--steps', '3']],
  ['validate', ['validate', join(ROOT, 'test/fixtures/config/valid/metatune.config.json')]],
  ['families', ['families']],
  ['plugins', ['plugins']],
  ['demo', ['demo', '--epochs', '1']],
  ['import', ['import', join(ROOT, 'test/fixtures/logs'), '--dry-run']],
  ['runs', ['runs', 'list', '--store', 'memory:']],
  ['store', ['store', 'stats', '--store', 'memory:']],
  ['tasks', ['tasks', 'list']],
  ['sweep', ['sweep', '--task', 'iris', '--budget', '1', '--workers', '0', '--store', 'memory:']],
  ['fit', ['fit', '--data', join(ROOT, 'no-such.csv'), '--target', 'y']],
  ['predict', ['predict', '--model', join(ROOT, 'no-such-model'), '--data', join(ROOT, 'no-such.csv')]],
  ['train', ['train', '--learner', 'best-default', '--out', join(ROOT, 'no-such-dir', 'policy')]],
  ['suggest', ['suggest']],
  ['eval', ['eval']],
];

describe('every command honours --plugin and the config file', () => {
  it('the table lists every command the CLI has', () => {
    const names = buildProgram({ stdout: () => undefined, stderr: () => undefined, cwd: ROOT }).commands.map((c) => c.name());
    expect([...names].sort()).toEqual(COMMANDS.map(([name]) => name).sort());
  });

  it.each(COMMANDS)('%s loads --plugin: a missing plugin fails it with PLUGIN_NOT_FOUND', async (_name, args) => {
    const r = await run(['--plugin', './no-such-plugin', ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error\[PLUGIN_NOT_FOUND\]/m);
  });

  it.each(COMMANDS)('%s reads the config file: one that breaks the schema fails it', async (_name, args) => {
    const r = await run(['--config', BAD_CONFIG, ...args]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^error\[SCHEMA_VALIDATION_FAILED\]/m);
    expect(r.err).toMatch(/\/backend/);
  });
});

describe('what was broken, run for real', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'metatune-cli-config-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('sweep trains a plugin family given with --plugin (in-process)', async () => {
    const space = join(dir, 'space.json');
    writeFileSync(
      space,
      JSON.stringify({ models: ['linear'], optimizers: [{ name: 'adam', learningRate: 0.01 }], schedules: [JSON.parse(SQRT_SPEC)], epochs: 1, batchSize: 32 }),
    );
    const r = await run(['--plugin', SQRT_PLUGIN, 'sweep', '--task', 'iris', '--space', space, '--strategy', 'grid', '--workers', '0', '--store', 'memory:', '--json']);
    expect(r.err).not.toMatch(/error\[/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { counts: Record<string, number> };
    expect(summary.counts.completed).toBe(1);
  }, 60_000);

  it('sweep takes the plugin from the config file and trains on the config backend', async () => {
    const cfgDir = mkdtempSync(join(dir, 'backend-'));
    writeFileSync(join(cfgDir, 'metatune.config.json'), JSON.stringify({ plugins: [SQRT_PLUGIN], backend: 'cpu' }));
    const space = join(cfgDir, 'space.json');
    writeFileSync(
      space,
      JSON.stringify({ models: ['linear'], optimizers: [{ name: 'sgd', learningRate: 0.05 }], schedules: [JSON.parse(SQRT_SPEC)], epochs: 1, batchSize: 32 }),
    );
    const r = await run(['sweep', '--task', 'iris', '--space', space, '--strategy', 'grid', '--workers', '0', '--store', 'memory:', '--json'], cfgDir);
    expect(r.err).not.toMatch(/error\[/);
    expect(JSON.parse(r.out)).toMatchObject({ backend: 'cpu', counts: { completed: 1 } });
  }, 60_000);

  it("a plugin's spec format passes the spec schema (envelope only) and builds through the plugin", async () => {
    const spec = '{"halving": {"lr": 0.1, "every": 2}}';
    const plugin = join(ROOT, 'test/fixtures/plugins/spec-format-fixture');
    const r = await run(['--plugin', plugin, 'schedule', '--spec', spec, '--steps', '5']);
    expect(r.err).toBe('');
    expect(JSON.parse(r.out)).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
    // Without the plugin no format recognises it: the registry says so, listing what it accepts.
    const without = await run(['schedule', '--spec', spec, '--steps', '5']);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/^error\[UNKNOWN_SCHEDULE_SPEC\]: --spec: Unrecognised schedule spec with keys \["halving"\]/);
    // The format's own specSchema checks the shape, in the schema messages' words.
    const bad = await run(['--plugin', plugin, 'schedule', '--spec', '{"halving": {"lr": "fast", "every": 2}}', '--steps', '5']);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/^error\[SCHEMA_VALIDATION_FAILED\]: --spec: \/halving\/lr: expected number, found "fast"/);
  });

  it('validate accepts a plugin format\'s spec file, checks it against the format\'s specSchema, and names the file', async () => {
    const plugin = join(ROOT, 'test/fixtures/plugins/spec-format-fixture');
    const specDir = mkdtempSync(join(dir, 'spec-'));
    const good = join(specDir, 'halving.json');
    writeFileSync(good, JSON.stringify({ halving: { lr: 0.1, every: 2 } }));
    const ok = await run(['--plugin', plugin, 'validate', good]);
    expect(ok.err).toBe('');
    expect(ok.out).toMatch(/^ok: .*halving\.json is a valid schedule spec/);
    const bad = join(specDir, 'halving-bad.json');
    writeFileSync(bad, JSON.stringify({ halving: { lr: 0.1, every: 0, extra: 1 } }));
    const r = await run(['--plugin', plugin, 'validate', bad]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/halving-bad\.json: \/halving\/every: expected a number >= 1, found 0/);
    expect(r.err).toMatch(/halving-bad\.json: \/halving\/extra: expected one of the properties "lr", "every", found unknown property "extra"/);
    // Without the plugin: no format recognises it, and the message lists the accepted shapes.
    const without = await run(['validate', good]);
    expect(without.code).toBe(1);
    expect(without.err).toMatch(/UNKNOWN_SCHEDULE_SPEC.*halving\.json: Unrecognised schedule spec with keys \["halving"\]\. Accepted shapes: .*\(PyTorch\)/);
    // Built-in formats keep field-level messages through validate.
    const torch = join(specDir, 'torch.json');
    writeFileSync(torch, JSON.stringify({ torch: 'StepLR', kwargs: { step_size: 2 }, base_lr: -1 }));
    const t = await run(['validate', torch]);
    expect(t.err).toMatch(/torch\.json: \/base_lr: expected a number >= 0, found -1/);
  });

  it('store, runs and import open the config store', async () => {
    const cfgDir = mkdtempSync(join(dir, 'store-'));
    const file = join(cfgDir, 'from-config.json');
    writeFileSync(join(cfgDir, 'metatune.config.json'), JSON.stringify({ plugins: [], store: `file:${file}` }));
    const imported = await run(['import', join(ROOT, 'test/fixtures/logs/keras-csv')], cfgDir);
    expect(imported.err).not.toMatch(/error\[/);
    const stats = await run(['store', 'stats', '--json'], cfgDir);
    expect(stats.code).toBe(0);
    const s = JSON.parse(stats.out) as { url: string; runs: number };
    expect(s.url).toBe(`file:${file}`);
    expect(s.runs).toBeGreaterThan(0);
    const list = await run(['runs', 'list', '--json'], cfgDir);
    expect(list.out.trim().split('\n')).toHaveLength(s.runs);
    // --store still wins over the config.
    const flag = await run(['store', 'stats', '--json', '--store', 'memory:'], cfgDir);
    expect(JSON.parse(flag.out)).toMatchObject({ url: 'memory:', runs: 0 });
  }, 60_000);
});

describe('--verbose says what was loaded (README, Security)', () => {
  it('names the config file read and each third-party plugin with where it came from', async () => {
    const configDir = join(ROOT, 'test/fixtures/config/valid');
    const { code, err } = await run(['--verbose', 'families'], configDir);
    expect(code).toBe(0);
    expect(err).toContain(`config: ${join(configDir, 'metatune.config.json')}`);
    expect(err).toMatch(/plugins: \d+ built-in, 1 third-party:\n {2}sqrt-decay from \.\.\/\.\.\/plugins\/sqrt-decay \(.*sqrt-decay\/plugin\.json\)/);
    const withFlag = await run(['--verbose', '--plugin', SQRT_PLUGIN, 'families']);
    expect(withFlag.err).toMatch(/config: none/);
    expect(withFlag.err).toMatch(/sqrt-decay from .*sqrt-decay/);
    // Without --verbose nothing is said.
    expect((await run(['families'], configDir)).err).toBe('');
  });
});
