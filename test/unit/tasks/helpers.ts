import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { LoadedTask } from '../../../src/tasks/task.js';

export const FIX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'tasks');
export const fixture = (name: string) => path.join(FIX, name);

/** Row i of a split as a plain array. */
export function row(x: Float32Array, d: number, i: number): number[] {
  return Array.from(x.subarray(i * d, (i + 1) * d));
}

export function allFinite(t: LoadedTask): boolean {
  return [t.train.x, t.validation.x, t.train.y, t.validation.y].every((a) => Array.from(a).every(Number.isFinite));
}

/** Expects `fn` to throw a MetatuneError with `code` and a message matching every regex. */
export async function expectError(fn: () => unknown, code: string, ...patterns: RegExp[]): Promise<Error & { code: string; details: Record<string, unknown> }> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeDefined();
  const err = caught as Error & { code: string; details: Record<string, unknown> };
  expect(err.code).toBe(code);
  for (const p of patterns) expect(err.message).toMatch(p);
  return err;
}
