/**
 * tfjs-node can't be installed here (it downloads libtensorflow), so its two other situations are
 * simulated with virtual modules standing in for the packages:
 * - node-gpu is installed but fails to load (missing CUDA library) → skipped with that reason;
 * - node is installed but its backend fails to initialise: `tf.setBackend` resolves to **false**
 *   and tfjs would silently use another backend → must be skipped, not reported as picked;
 * - node is installed and works (a backend named 'tensorflow' running the cpu kernels) → picked.
 */
import { jest } from '@jest/globals';
import * as tf from '@tensorflow/tfjs';
import { resolveBackend as resolve, type ResolveBackendArgs } from '../../../src/tfjs/backend.js';

/** Read by the fake backend's factory when tfjs initialises it. */
const fake = { initFails: true, registered: false };

/**
 * Stands in for the packages. (jest 29's virtual ESM mocks don't reach imports made from source
 * files, jestjs/jest#15303, hence the `importModule` option.)
 */
async function importModule(specifier: string): Promise<unknown> {
  if (specifier === '@tensorflow/tfjs-node-gpu') {
    throw new Error('libcudart.so.11.0: cannot open shared object file: No such file or directory');
  }
  if (specifier === '@tensorflow/tfjs-node') {
    // Like the real package: importing it registers the 'tensorflow' backend.
    if (!fake.registered) {
      const cpuFactory = tf.engine().registryFactory['cpu']!.factory;
      tf.registerBackend('tensorflow', () =>
        fake.initFails ? Promise.reject(new Error('libtensorflow.so.2: cannot open shared object file')) : cpuFactory(),
      );
      for (const k of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...k, backendName: 'tensorflow' });
      fake.registered = true;
    }
    return { version: { 'tfjs-node': 'fake' } };
  }
  return import(specifier);
}

const resolveBackend = (args: ResolveBackendArgs = {}) => resolve({ importModule, ...args });

beforeEach(() => {
  delete process.env.METATUNE_BACKEND;
});

it('skips node-gpu that fails to load and node whose setBackend returns false, then picks wasm', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined); // tfjs warns about the failed init
  const info = await resolveBackend({ quiet: true });
  warn.mockRestore();
  expect(info.name).toBe('wasm');
  expect(tf.getBackend()).toBe('wasm');
  expect(info.tried[0]).toEqual({
    name: 'node-gpu',
    ok: false,
    reason: expect.stringMatching(/^@tensorflow\/tfjs-node-gpu failed to load: libcudart\.so\.11\.0: cannot open shared object file/),
  });
  expect(info.tried[1]).toEqual({ name: 'node', ok: false, reason: "tf.setBackend('tensorflow') returned false (initialisation failed)" });
  expect(info.tried[2]).toEqual({ name: 'wasm', ok: true });
});

it('an explicit request for the broken node backend fails with BACKEND_UNAVAILABLE and leaves wasm current', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  await expect(resolveBackend({ preferred: 'node', quiet: true })).rejects.toMatchObject({
    code: 'BACKEND_UNAVAILABLE',
    message: expect.stringMatching(/returned false .*Fix: install @tensorflow\/tfjs-node \(needs internet at install time\) or set METATUNE_BACKEND=wasm\.$/),
  });
  warn.mockRestore();
  expect(tf.getBackend()).toBe('wasm');
});

it('picks node when its backend initialises, and the backend really computes', async () => {
  fake.initFails = false;
  const lines: string[] = [];
  // A new request (the default one is cached: resolution is idempotent while its backend is current).
  const info = await resolveBackend({ preferred: ['node-gpu', 'node', 'wasm'], logger: (l) => lines.push(l) });
  expect(info).toMatchObject({ name: 'node', tfBackend: 'tensorflow', source: 'option' });
  expect(info.tried.map((t) => [t.name, t.ok])).toEqual([['node-gpu', false], ['node', true]]);
  expect(tf.getBackend()).toBe('tensorflow');
  expect(Array.from(tf.matMul([[1, 2]], [[3], [4]]).dataSync())).toEqual([11]);
  expect(lines[0]).toMatch(/^metatune: tfjs backend 'node' as requested, tfjs 4\.22\.0; skipped node-gpu \(@tensorflow\/tfjs-node-gpu failed to load: /);
});
