import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Container } from 'inversify';
import { ScheduleRegistry } from '../../../src/schedules/registry.js';
import type { ScheduleFamily, ScheduleSpecFormat } from '../../../src/schedules/schedule.js';
import { TOKENS } from '../../../src/core/tokens.js';
import { NotFoundError, PluginError, SchemaValidationError, ValidationError } from '../../../src/core/errors.js';
import coreModule from '../../../plugins/schedules-core/index.js';
import kerasModule from '../../../plugins/interop-keras/index.js';
import optaxModule from '../../../plugins/interop-optax/index.js';
import { coreScheduleFamilies } from '../../../plugins/schedules-core/families.js';
import { build, makeRegistry, pure } from './helpers.js';

const registry = makeRegistry();

describe('ScheduleRegistry', () => {
  it('builds native specs, params defaulting to {}', () => {
    expect(pure(registry.build({ family: 'cosine_decay', params: { initialLearningRate: 0.1, decaySteps: 10 } }))(5)).toBeCloseTo(0.05, 12);
    expect(() => registry.build({ family: 'constant' })).toThrow(expect.objectContaining({ code: 'MISSING_PARAMETER' }));
  });

  it('says which families exist when one is unknown', () => {
    let error: unknown;
    try {
      registry.build({ family: 'cosine', params: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'UNKNOWN_SCHEDULE_FAMILY' });
    expect((error as Error).message).toMatch(/Unknown schedule family "cosine"\. Valid choices: constant, cosine_decay, cosine_restarts, cyclic, exponential/);
    expect(() => registry.family('nope')).toThrow(NotFoundError);
  });

  it('rejects specs that are not objects', () => {
    for (const spec of [null, 'cosine_decay', 3, [{ family: 'constant' }]]) {
      expect(() => registry.build(spec as never)).toThrow(expect.objectContaining({ code: 'INVALID_SCHEDULE_SPEC', message: expect.stringMatching(/must be a JSON object/) }));
    }
    expect(() => registry.build(null as never)).toThrow(ValidationError);
  });

  it('lists the accepted shapes for an unrecognised spec', () => {
    expect(() => registry.build({ name: 'cosine', lr: 0.1 })).toThrow(
      expect.objectContaining({
        code: 'UNKNOWN_SCHEDULE_SPEC',
        message: expect.stringMatching(/keys \["name","lr"\]\. Accepted shapes: \{"family": "<id>", "params": \{\.\.\.\}\}.*\{"class_name": "ExponentialDecay".*\{"optax": "warmup_cosine_decay_schedule"/),
      }),
    );
  });

  it('rejects unknown top-level keys and a non-string family', () => {
    expect(() => registry.build({ family: 'constant', params: { learningRate: 1 }, parmas: {} })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_PARAMETER', message: expect.stringMatching(/schedule spec: unknown parameter `parmas`\. Valid parameters: family, params/) }),
    );
    expect(() => registry.build({ family: 3 })).toThrow(expect.objectContaining({ code: 'INVALID_SCHEDULE_SPEC', message: expect.stringMatching(/`family` must be a string/) }));
  });

  it('exposes families, formats and family(id)', () => {
    expect(registry.families().map((f) => f.id)).toEqual(coreScheduleFamilies.map((f) => f.id).sort());
    expect(registry.formats().map((f) => f.id)).toEqual(['keras', 'optax']);
    expect(registry.family('one_cycle').equivalents?.pytorch).toBe('OneCycleLR');
    expect(registry.pluginOf('join')).toBe('schedules-core');
  });

  it('refuses two plugins contributing the same family, naming both', () => {
    expect(() => new ScheduleRegistry([{ plugin: 'a', value: coreScheduleFamilies[0] }, { plugin: 'b', value: coreScheduleFamilies[0] }])).toThrow(PluginError);
    expect(() => new ScheduleRegistry([{ plugin: 'a', value: coreScheduleFamilies[0] }, { plugin: 'b', value: coreScheduleFamilies[0] }])).toThrow(/"a" and "b"/);
  });

  it('hands a spec to the first format that matches, and lets formats build children through it', () => {
    const calls: string[] = [];
    const doubling: ScheduleSpecFormat = {
      id: 'double',
      matches: (spec) => 'double' in spec,
      build: (spec, resolver) => {
        calls.push('double');
        const inner = pure(resolver.build(spec.double as Record<string, unknown>));
        return (step) => 2 * inner(step);
      },
    };
    const r = new ScheduleRegistry(coreScheduleFamilies.map((value) => ({ plugin: 'core', value })), [{ plugin: 'x', value: doubling }]);
    expect(pure(r.build({ double: { family: 'constant', params: { learningRate: 0.25 } } }))(3)).toBe(0.5);
    expect(calls).toEqual(['double']);
  });

  it('checks params against the paramsSchema after the factory, as a backstop', () => {
    const lax: ScheduleFamily = {
      id: 'lax',
      description: 'accepts anything',
      paramsSchema: { type: 'object', properties: { n: { type: 'integer' } }, additionalProperties: false },
      build: () => () => 1,
    };
    const r = new ScheduleRegistry([{ plugin: 't', value: lax }]);
    expect(() => r.build({ family: 'lax', params: { n: 1.5 } })).toThrow(SchemaValidationError);
    expect(() => r.build({ family: 'lax', params: { n: 1.5 } })).toThrow(/\/params\/n: expected integer/);
    const off = new ScheduleRegistry([{ plugin: 't', value: lax }], [], { validateParamsSchema: false });
    expect(pure(off.build({ family: 'lax', params: { n: 1.5 } }))(0)).toBe(1);
  });

  it('nests any spec inside any composite', () => {
    const s = build({
      family: 'join',
      params: {
        boundaries: [10, 20],
        schedules: [
          { optax: 'linear_schedule', kwargs: { init_value: 0, end_value: 0.1, transition_steps: 10 } },
          { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.1, decay_steps: 10, decay_rate: 0.5 } },
          { family: 'warmup', params: { warmupSteps: 5, after: { family: 'constant', params: { learningRate: 0.01 } } } },
        ],
      },
    });
    expect([s(0), s(5), s(10), s(15), s(20), s(22), s(30)].map((v) => Number(v.toFixed(12)))).toEqual([0, 0.05, 0.1, 0.1 * Math.SQRT1_2, 0, 0.004, 0.01].map((v) => Number(v.toFixed(12))));
  });
});

describe('plugins', () => {
  it('bind exactly the contributions their plugin.json declares', async () => {
    const container = new Container();
    await container.load(coreModule, kerasModule, optaxModule);
    const families = container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily).map((f) => f.id);
    const formats = container.getAll<ScheduleSpecFormat>(TOKENS.ScheduleSpecFormat).map((f) => f.id);
    const manifest = (name: string) => JSON.parse(readFileSync(new URL(`../../../plugins/${name}/plugin.json`, import.meta.url), 'utf8'));
    expect(families.sort()).toEqual([...manifest('schedules-core').contributes.scheduleFamilies].sort());
    expect(formats.sort()).toEqual([...manifest('interop-keras').contributes.scheduleSpecFormats, ...manifest('interop-optax').contributes.scheduleSpecFormats].sort());
  });
});
