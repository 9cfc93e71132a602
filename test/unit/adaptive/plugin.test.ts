import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Container } from 'inversify';
import { TOKENS } from '../../../src/core/tokens.js';
import type { ScheduleFamily } from '../../../src/schedules/schedule.js';
import adaptivePlugin from '../../../plugins/schedules-adaptive/index.js';
import { validateWithSchema } from '../../../src/core/json-validation.js';
import { SchemaValidationError } from '../../../src/core/errors.js';
import { hypergradientFamily } from '../../../plugins/schedules-adaptive/hypergradient.js';
import { reduceOnPlateauFamily } from '../../../plugins/schedules-adaptive/reduce-on-plateau.js';

describe('schedules-adaptive plugin', () => {
  it('binds exactly the families its manifest lists', () => {
    const container = new Container();
    container.load(adaptivePlugin);
    const ids = container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily).map((f) => f.id).sort();
    const manifest = JSON.parse(readFileSync(new URL('../../../plugins/schedules-adaptive/plugin.json', import.meta.url), 'utf8'));
    expect(ids).toEqual(['hypergradient', 'reduce_on_plateau']);
    expect([...manifest.contributes.scheduleFamilies].sort()).toEqual(ids);
  });

  it('families build stateful schedules that declare what the driver must send', () => {
    const container = new Container();
    container.load(adaptivePlugin);
    const byId = new Map(container.getAll<ScheduleFamily>(TOKENS.ScheduleFamily).map((f) => [f.id, f]));
    const resolver = { build: () => () => 1 };
    const plateau = byId.get('reduce_on_plateau')!.build({ learningRate: 0.1, monitor: 'val_acc' }, resolver);
    const hd = byId.get('hypergradient')!.build({ initialLearningRate: 0.1, variant: 'adam' }, resolver);
    expect(plateau).toMatchObject({ kind: 'stateful', requires: { monitor: 'val_acc' } });
    expect(hd).toMatchObject({ kind: 'stateful', requires: { gradients: true } });
  });

  it('paramsSchema compiles under the project\'s strict ajv and agrees with the factories', () => {
    const ok = (schema: object, doc: unknown) => expect(() => validateWithSchema(schema, doc)).not.toThrow();
    const bad = (schema: object, doc: unknown) => expect(() => validateWithSchema(schema, doc)).toThrow(SchemaValidationError);
    const plateau = reduceOnPlateauFamily.paramsSchema;
    ok(plateau, { learningRate: 0.1 });
    ok(plateau, { base: { family: 'constant', params: { learningRate: 0.1 } }, semantics: 'pytorch', threshold: 0.01, thresholdMode: 'abs' });
    bad(plateau, {});
    bad(plateau, { learningRate: 0.1, base: { family: 'constant' } });
    bad(plateau, { learningRate: 0.1, factor: 1 });
    bad(plateau, { learningRate: 0.1, semantics: 'tf' });
    const hd = hypergradientFamily.paramsSchema;
    ok(hd, { initialLearningRate: 0.01, variant: 'adam', beta1: 0.8 });
    bad(hd, { initialLearningRate: 0.01, hypergrad_lr: 1 });
    bad(hd, { variant: 'sgd' });
  });
});
