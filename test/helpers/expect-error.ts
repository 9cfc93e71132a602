import { expect } from '@jest/globals';
import type { MetatuneError } from '../../src/core/errors.js';

/** Asserts that `fn` throws an error of class `cls` with the stable `code` and a message matching `message`. */
export function expectError(fn: () => unknown, cls: typeof MetatuneError, code: string, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(cls);
  expect((caught as MetatuneError).code).toBe(code);
  expect((caught as Error).message).toMatch(message);
}
