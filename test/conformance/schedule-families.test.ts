/**
 * Every schedule family registered by a plugin goes through the same assertions (DESIGN.md style 9):
 * its paramsSchema is valid JSON Schema 2020-12 that accepts its examples and refuses unknown keys,
 * and every example builds a schedule whose values are finite, >= 0 and deterministic.
 */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Container, type ContainerModule } from 'inversify';
import { TOKENS } from '../../src/core/tokens.js';
import { ScheduleRegistry } from '../../src/schedules/registry.js';
import type { BuiltSchedule, ScheduleFamily, ScheduleSpecFormat, StepObservation } from '../../src/schedules/schedule.js';
import { isStatefulSchedule } from '../../src/schedules/schedule.js';

const pluginsDir = new URL('../../plugins/', import.meta.url);
const pluginNames = readdirSync(pluginsDir).filter((name) => {
  const manifest = new URL(`${name}/plugin.json`, pluginsDir);
  if (!existsSync(manifest) || !existsSync(new URL(`${name}/index.ts`, pluginsDir))) return false;
  const contributes = JSON.parse(readFileSync(manifest, 'utf8')).contributes ?? {};
  return (contributes.scheduleFamilies ?? []).length > 0 || (contributes.scheduleSpecFormats ?? []).length > 0;
});

const families: { plugin: string; value: ScheduleFamily }[] = [];
const formats: { plugin: string; value: ScheduleSpecFormat }[] = [];
for (const name of pluginNames) {
  const module = (await import(`../../plugins/${name}/index.js`)).default as ContainerModule;
  const container = new Container();
  await container.load(module);
  if (container.isBound(TOKENS.ScheduleFamily)) {
    for (const value of container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily)) families.push({ plugin: name, value });
  }
  if (container.isBound(TOKENS.ScheduleSpecFormat)) {
    for (const value of container.getAll<ScheduleSpecFormat>(TOKENS.ScheduleSpecFormat)) formats.push({ plugin: name, value });
  }
}
// A third-party family (test/fixtures/plugins/sqrt-decay) goes through the same assertions.
{
  const container = new Container();
  const fixture = '../fixtures/plugins/sqrt-decay/index.js';
  await container.load(((await import(fixture)) as { default: ContainerModule }).default);
  for (const value of container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily)) families.push({ plugin: 'sqrt-decay (fixture)', value });
}
const registry = new ScheduleRegistry(families, formats);
const ajv = new Ajv2020({ strict: true, strictTypes: false, allowUnionTypes: true });
const ctx = { totalSteps: 1000, stepsPerEpoch: 10 };
const steps = [0, 1, 2, 3, 5, 10, 50, 99, 100, 101, 500, 999, 1000, 5000, 1e5, 1e6];

type WithExamples = ScheduleFamily & { examples?: readonly Record<string, unknown>[] };
const examplesOf = (f: ScheduleFamily) => (f as WithExamples).examples ?? [];

/** Values of a built schedule over `steps`; stateful ones are fed one batch (and each 10th, an epoch) observation per step. */
function trace(s: BuiltSchedule): { lr: number[]; momentum: (number | undefined)[] } {
  if (!isStatefulSchedule(s)) return { lr: steps.map((t) => s(t, ctx)), momentum: steps.map((t) => s.momentum?.(t, ctx)) };
  let state = s.init();
  const lr: number[] = [];
  const momentum: (number | undefined)[] = [];
  const monitor = s.requires.monitor ?? 'loss';
  for (let t = 0; t <= 300; t++) {
    if (s.requires.gradients) state = s.update(state, { kind: 'gradients', step: t, epoch: Math.floor(t / 10), gradients: new Float32Array([Math.sin(t), Math.cos(t), 0.5]) });
    lr.push(s.value(state, t, ctx));
    momentum.push(s.momentum?.(state, t, ctx));
    const logs = { loss: 1 / (1 + Math.min(t, 100)), [monitor]: 1 / (1 + Math.min(t, 100)) };
    state = s.update(state, { kind: 'batch', step: t, epoch: Math.floor(t / 10), logs } satisfies StepObservation);
    if ((t + 1) % 10 === 0) state = s.update(state, { kind: 'epoch', step: t + 1, epoch: Math.floor(t / 10), logs });
  }
  return { lr, momentum };
}

describe('schedule family conformance', () => {
  it('finds the classic families', () => {
    expect(families.filter((f) => f.plugin === 'schedules-core').length).toBeGreaterThanOrEqual(16);
  });

  describe.each(families.map((f) => [`${f.value.id} (${f.plugin})`, f] as const))('%s', (_label, { plugin, value: family }) => {
    it('has a snake_case id, a description, and a strict JSON Schema 2020-12 for its params', () => {
      expect(family.id).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(family.description.length).toBeGreaterThan(10);
      expect(family.paramsSchema.type).toBe('object');
      expect(family.paramsSchema.additionalProperties).toBe(false);
      expect(() => ajv.compile(family.paramsSchema)).not.toThrow();
    });

    if (plugin === 'schedules-core') {
      it('ships examples and its Keras / PyTorch / optax equivalents', () => {
        expect(examplesOf(family).length).toBeGreaterThan(0);
        expect(Object.keys(family.equivalents ?? {})).toEqual(expect.arrayContaining(['keras', 'pytorch', 'optax']));
      });
    }

    it('refuses an unknown parameter', () => {
      const params = { ...(examplesOf(family)[0] ?? {}), definitelyNotAParameter: 1 };
      expect(() => registry.build({ family: family.id, params })).toThrow(expect.objectContaining({ code: 'UNKNOWN_PARAMETER' }));
      expect(ajv.validate(family.paramsSchema, params)).toBe(false);
    });

    const examples = examplesOf(family);
    if (examples.length === 0) return; // value checks need example params (families outside schedules-core may not ship them)
    it.each(examples.map((p) => [JSON.stringify(p), p] as const))('example %s', (_json, params) => {
      expect(ajv.validate(family.paramsSchema, params)).toBe(true);
      const spec = JSON.parse(JSON.stringify({ family: family.id, params })); // specs travel as JSON
      const a = trace(registry.build(spec));
      const b = trace(registry.build(spec));
      expect(a).toEqual(b); // deterministic, and building twice gives the same schedule
      expect(a.lr.filter((v) => !(Number.isFinite(v) && v >= 0))).toEqual([]);
      expect(a.lr[0]).toBeLessThan(1e3); // step 0 sane: nothing absurd before training starts
      expect(a.momentum.filter((m) => m !== undefined && !(Number.isFinite(m) && m >= 0 && m <= 1))).toEqual([]);
    });
  });
});
