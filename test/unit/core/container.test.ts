import { describe, it, expect } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Container } from 'inversify';
import { createContainer, defaultRuntime } from '../../../src/container.js';
import { MetatuneError, PluginError, SchemaValidationError } from '../../../src/core/errors.js';
import { TOKENS } from '../../../src/core/tokens.js';
import { isStatefulSchedule, type Schedule, type ScheduleFamily } from '../../../src/schedules/schedule.js';

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const configDir = (name: string) => join(fixtures, 'config', name);
const pluginDir = (name: string) => join(fixtures, 'plugins', name);

async function rejection(p: Promise<unknown>): Promise<MetatuneError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(MetatuneError);
    return err as MetatuneError;
  }
  throw new Error('expected a rejection');
}

describe('built-in plugins', () => {
  it('registers every built-in family, attributed to its plugin', async () => {
    const rt = await createContainer({ configFile: false });
    const byPlugin = new Map<string, string[]>();
    for (const f of rt.schedules.families()) {
      const plugin = rt.schedules.pluginOf(f.id)!;
      byPlugin.set(plugin, [...(byPlugin.get(plugin) ?? []), f.id]);
    }
    // The manifests are the source of truth (and the loader checked them against the modules).
    for (const manifest of rt.plugins) {
      expect([manifest.id, (byPlugin.get(manifest.id) ?? []).sort()]).toEqual([manifest.id, [...(manifest.contributes.scheduleFamilies ?? [])].sort()]);
    }
    expect(rt.schedules.pluginOf('cosine_decay')).toBe('schedules-core');
    expect(rt.schedules.pluginOf('reduce_on_plateau')).toBe('schedules-adaptive');
    expect(rt.optimizers.pluginOf('SGD')).toBe('optimizers-tfjs');
    expect(rt.optimizers.ids()).toEqual(['Adadelta', 'Adagrad', 'Adam', 'Adamax', 'Momentum', 'RMSProp', 'SGD']);
  });

  it('binds registries, manifests and each contribution in the container', async () => {
    const rt = await createContainer({ configFile: false });
    expect(rt.container.get(TOKENS.ScheduleRegistry)).toBe(rt.schedules);
    expect(rt.container.get(TOKENS.OptimizerAdapterRegistry)).toBe(rt.optimizers);
    expect(rt.container.get(TOKENS.PluginManifests)).toBe(rt.plugins);
    const families = rt.container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily).map((f) => f.id).sort();
    expect(families).toEqual(rt.schedules.families().map((f) => f.id).sort());
    expect(rt.contributions('scheduleFamilies').find((c) => (c.value as ScheduleFamily).id === 'step')?.plugin).toBe('schedules-core');
  });

  it('defaultRuntime() is synchronous, built-ins only, and created once', () => {
    const a = defaultRuntime();
    expect(defaultRuntime()).toBe(a);
    expect(a.plugins.map((p) => p.id)).not.toContain('sqrt-decay');
    const s = a.schedules.build({ family: 'constant', params: { learningRate: 0.5 } });
    expect(isStatefulSchedule(s)).toBe(false);
    expect((s as Schedule)(3)).toBeCloseTo(0.5, 12);
  });
});

describe('third-party plugins', () => {
  // lr = 0.1 * sqrt(4 / max(step, 4)), computed by hand.
  const expected: Array<[number, number]> = [[0, 0.1], [3, 0.1], [4, 0.1], [16, 0.05], [25, 0.04], [100, 0.02], [400, 0.01]];

  it('loads a plugin by path from metatune.config.json and builds its family', async () => {
    const rt = await createContainer({ cwd: configDir('valid') });
    expect(rt.config?.config.backend).toBe('cpu');
    expect(rt.plugins.map((p) => p.id)).toContain('sqrt-decay');
    expect(rt.schedules.pluginOf('sqrt_decay')).toBe('sqrt-decay');
    const s = rt.schedules.build({ family: 'sqrt_decay', params: { initialLearningRate: 0.1, warmupSteps: 4 } }) as Schedule;
    for (const [step, lr] of expected) expect([step, s(step)]).toEqual([step, expect.closeTo(lr, 12)]);
    // The family's paramsSchema is enforced by the registry.
    const bad = (() => {
      try {
        rt.schedules.build({ family: 'sqrt_decay', params: { initialLearningRate: 0.1, warmupSteps: 2.5 } });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(bad?.message).toMatch(/warmupSteps/);
  });

  it('loads a plugin by path given on the command line (relative to cwd)', async () => {
    const rt = await createContainer({ cwd: fixtures, configFile: false, plugins: ['./plugins/sqrt-decay'] });
    expect(rt.schedules.pluginOf('sqrt_decay')).toBe('sqrt-decay');
    expect(rt.container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily).some((f) => f.id === 'sqrt_decay')).toBe(true);
  });

  it('loads a plugin by npm package name, resolved from the config file folder', async () => {
    const root = mkdtempSync(join(tmpdir(), 'metatune-pkg-'));
    const pkg = join(root, 'node_modules', '@acme', 'metatune-sqrt');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/metatune-sqrt', version: '1.0.0', type: 'module', main: 'index.js' }));
    writeFileSync(join(pkg, 'plugin.json'), JSON.stringify({ id: 'acme-sqrt', apiVersion: 1, description: 'packaged', main: 'index.js', contributes: { scheduleFamilies: ['sqrt_decay'] } }));
    // Re-export the fixture's module: a temp folder cannot resolve `inversify` itself.
    writeFileSync(join(pkg, 'index.js'), `export { default } from ${JSON.stringify(pathToFileURL(join(pluginDir('sqrt-decay'), 'index.js')).href)};\n`);
    const project = join(root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'metatune.config.json'), JSON.stringify({ plugins: ['@acme/metatune-sqrt'] }));
    const rt = await createContainer({ cwd: project });
    expect(rt.schedules.pluginOf('sqrt_decay')).toBe('acme-sqrt');

    writeFileSync(join(project, 'metatune.config.json'), JSON.stringify({ plugins: ['metatune-plugin-missing'] }));
    const err = await rejection(createContainer({ cwd: project }));
    expect(err).toBeInstanceOf(PluginError);
    expect(err.code).toBe('PLUGIN_NOT_FOUND');
    expect(err.message).toMatch(/Plugin package "metatune-plugin-missing" not found from .*metatune\.config\.json\. Install it there \(`npm install metatune-plugin-missing`\)/);
  });
});

describe('plugin errors', () => {
  it('a duplicate family id between two plugins names both', async () => {
    const err = await rejection(createContainer({ cwd: configDir('duplicate') }));
    expect(err).toBeInstanceOf(PluginError);
    expect(err.code).toBe('DUPLICATE_CONTRIBUTION');
    expect(err.message).toMatch(/schedule family "sqrt_decay": "sqrt-decay" and "sqrt-decay-copy"/);
  });

  it('a duplicate plugin id names both sources', async () => {
    const err = await rejection(createContainer({ cwd: fixtures, configFile: false, plugins: ['./plugins/sqrt-decay', './plugins/sqrt-decay/'] }));
    expect(err.code).toBe('DUPLICATE_PLUGIN');
    expect(err.message).toMatch(/Two plugins have the id "sqrt-decay": "\.\/plugins\/sqrt-decay" \(.*plugin\.json\) and "\.\/plugins\/sqrt-decay\/"/);
  });

  it('a plugin reusing a built-in plugin id is refused', async () => {
    const root = mkdtempSync(join(tmpdir(), 'metatune-dup-'));
    writeFileSync(join(root, 'plugin.json'), JSON.stringify({ id: 'schedules-core', apiVersion: 1, description: 'x', main: 'index.mjs', contributes: {} }));
    writeFileSync(join(root, 'index.mjs'), `export { default } from ${JSON.stringify(pathToFileURL(join(pluginDir('future-api'), 'index.js')).href)};\n`);
    const err = await rejection(createContainer({ configFile: false, plugins: [root] }));
    expect(err.code).toBe('DUPLICATE_PLUGIN');
    expect(err.message).toMatch(/"schedules-core": the built-in plugin \(.*schedules-core.plugin\.json\) and ".*metatune-dup-/);
  });

  it('a missing path is PLUGIN_NOT_FOUND with the fix', async () => {
    const err = await rejection(createContainer({ cwd: configDir('missing-plugin') }));
    expect(err.code).toBe('PLUGIN_NOT_FOUND');
    expect(err.message).toMatch(/^Plugin "\.\/no-such-plugin" not found: .*no-such-plugin.plugin\.json does not exist\. .*paths are relative to .*missing-plugin.metatune\.config\.json/);
  });

  it('an unsupported apiVersion is PLUGIN_API_VERSION', async () => {
    const err = await rejection(createContainer({ configFile: false, plugins: [pluginDir('future-api')] }));
    expect(err.code).toBe('PLUGIN_API_VERSION');
    expect(err.message).toMatch(/"future-api" .* apiVersion 2, but this metatune supports apiVersion 1\. Upgrade metatune/);
  });

  it('a default export that is not a ContainerModule is PLUGIN_INVALID', async () => {
    const err = await rejection(createContainer({ configFile: false, plugins: [pluginDir('not-a-module')] }));
    expect(err.code).toBe('PLUGIN_INVALID');
    expect(err.message).toMatch(/default export of .*index\.js is not an inversify ContainerModule \(found a function \(register\)\)/);
  });

  it('a manifest that does not match its module is MANIFEST_MISMATCH', async () => {
    const err = await rejection(createContainer({ configFile: false, plugins: [pluginDir('mismatch')] }));
    expect(err.code).toBe('MANIFEST_MISMATCH');
    expect(err.message).toMatch(/contributes\.scheduleFamilies lists \[listed_only\] but the module binds \[bound_only\]; not bound: listed_only; not listed: bound_only/);
  });

  it('a bad manifest is a SchemaValidationError naming file and pointers', async () => {
    const err = await rejection(createContainer({ configFile: false, plugins: [pluginDir('bad-manifest')] }));
    expect(err).toBeInstanceOf(SchemaValidationError);
    expect(err.code).toBe('SCHEMA_VALIDATION_FAILED');
    const lines = err.message.split('\n');
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/bad-manifest.plugin\.json: \/id: expected a string matching .*, found "Bad_Manifest"$/),
      expect.stringMatching(/bad-manifest.plugin\.json: \/apiVersion: expected integer, found "1"$/),
      expect.stringMatching(/bad-manifest.plugin\.json: \/contributes\/scheduleFamilies: expected array, found "sqrt_decay"$/),
    ]));
    expect(lines).toHaveLength(3);
  });
});

describe('config files', () => {
  it('a schema error names the file and the pointer', async () => {
    const err = await rejection(createContainer({ cwd: configDir('bad-schema') }));
    expect(err.code).toBe('SCHEMA_VALIDATION_FAILED');
    expect(err.message.split('\n').sort()).toEqual([
      expect.stringMatching(/bad-schema.metatune\.config\.json: \/backend: expected one of "node-gpu", "node", "wasm", "cpu", found "tpu"$/),
      expect.stringMatching(/bad-schema.metatune\.config\.json: \/plugins\/0: expected string, found 42$/),
    ]);
  });

  it('a JSON syntax error names file, line and column', async () => {
    const err = await rejection(createContainer({ cwd: configDir('bad-json') }));
    expect(err.code).toBe('INVALID_JSON');
    expect(err.message).toMatch(/bad-json.metatune\.config\.json:4:3: invalid JSON near "\]/);
  });

  it('an explicit config file that does not exist is FILE_NOT_FOUND', async () => {
    const err = await rejection(createContainer({ cwd: fixtures, configFile: 'nope.json' }));
    expect(err.code).toBe('FILE_NOT_FOUND');
  });

  it('without a config file only built-ins load', async () => {
    const rt = await createContainer({ cwd: fixtures });
    expect(rt.config).toBeUndefined();
    expect(rt.schedules.pluginOf('sqrt_decay')).toBeUndefined();
    expect(rt.container).toBeInstanceOf(Container);
  });
});

describe('built-in spec formats', () => {
  it('registers the four interop formats with their plugins', async () => {
    const rt = defaultRuntime();
    expect(rt.schedules.formats().map((f) => f.id).sort()).toEqual(['fastai', 'keras', 'optax', 'torch']);
    const owners = Object.fromEntries(rt.contributions<{ id: string }>('scheduleSpecFormats').map((c) => [c.value.id, c.plugin]));
    expect(owners).toEqual({ keras: 'interop-keras', optax: 'interop-optax', torch: 'interop-pytorch', fastai: 'interop-fastai' });
  });
});
