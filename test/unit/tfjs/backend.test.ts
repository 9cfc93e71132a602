/**
 * Backend resolution with the packages actually installed here: `@tensorflow/tfjs-node(-gpu)` are
 * optional dependencies that need internet at install time, so they are absent and the default
 * order must land on wasm, saying why node-gpu and node were skipped.
 * (backend-fallback.test.ts covers present-but-broken and present-and-working node packages.)
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { EnvironmentError, ValidationError } from '../../../src/core/errors.js';
import { BACKEND_ENV_VAR, backendCandidates, resolveBackend, type BackendInfo } from '../../../src/tfjs/backend.js';

const require = createRequire(import.meta.url);
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

const savedEnv = process.env[BACKEND_ENV_VAR];
beforeEach(() => {
  delete process.env[BACKEND_ENV_VAR];
});
afterAll(() => {
  if (savedEnv === undefined) delete process.env[BACKEND_ENV_VAR];
  else process.env[BACKEND_ENV_VAR] = savedEnv;
});

describe('backendCandidates (no loading)', () => {
  it('defaults to node-gpu → node → wasm → cpu', () => {
    expect(backendCandidates(undefined, {})).toEqual({ names: ['node-gpu', 'node', 'wasm', 'cpu'], source: 'default' });
  });

  it('reads METATUNE_BACKEND as a name or a comma list (spaces, case and repeats tolerated)', () => {
    expect(backendCandidates(undefined, { METATUNE_BACKEND: 'cpu' })).toEqual({ names: ['cpu'], source: 'env' });
    expect(backendCandidates(undefined, { METATUNE_BACKEND: ' Node, wasm ,wasm' })).toEqual({ names: ['node', 'wasm'], source: 'env' });
    expect(backendCandidates(undefined, { METATUNE_BACKEND: '  ' })).toEqual({ names: ['node-gpu', 'node', 'wasm', 'cpu'], source: 'default' });
  });

  it('lets the option win over the env variable', () => {
    expect(backendCandidates(['wasm', 'cpu'], { METATUNE_BACKEND: 'node' })).toEqual({ names: ['wasm', 'cpu'], source: 'option' });
  });

  it.each([
    [() => backendCandidates('tpu' as never, {}), /^`preferred` must be one of "node-gpu", "node", "wasm", "cpu"\. Received: preferred="tpu"\.$/],
    [() => backendCandidates(['wasm', 'webgl'] as never, {}), /`preferred` must be one of .*Received: preferred=\["wasm","webgl"\]/],
    [() => backendCandidates([], {}), /`preferred` must name at least one backend/],
    [() => backendCandidates(undefined, { METATUNE_BACKEND: 'gpu' }), /^`METATUNE_BACKEND` must be one of "node-gpu", "node", "wasm", "cpu"\. Received: METATUNE_BACKEND="gpu"\.$/],
  ])('rejects unknown names with the list of choices (%#)', (call, message) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('INVALID_PARAMETER');
    expect((error as Error).message).toMatch(message);
  });
});

describe('resolveBackend', () => {
  it('with tfjs-node absent picks wasm and records why node-gpu and node were skipped', async () => {
    expect(installed('@tensorflow/tfjs-node')).toBe(false); // the premise of this test on these machines
    expect(installed('@tensorflow/tfjs-node-gpu')).toBe(false);
    const lines: string[] = [];
    const info = await resolveBackend({ logger: (l) => lines.push(l) });
    expect(info.name).toBe('wasm');
    expect(info.source).toBe('default');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.tried.map((t) => [t.name, t.ok])).toEqual([['node-gpu', false], ['node', false], ['wasm', true]]);
    expect(info.tried[0]!.reason).toBe('@tensorflow/tfjs-node-gpu is not installed');
    expect(info.tried[1]!.reason).toBe('@tensorflow/tfjs-node is not installed');
    expect(info.tfjsVersion).toBe('4.22.0');
    expect(typeof info.simd).toBe('boolean');
    expect(info.threads).toBe(1);
    expect(info.addedKernels).toEqual(expect.arrayContaining(['Conv2DBackpropFilter', 'UnsortedSegmentSum']));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^metatune: tfjs backend 'wasm' \[(SIMD|no SIMD), 1 thread\], tfjs 4\.22\.0; skipped node-gpu \(@tensorflow\/tfjs-node-gpu is not installed\), node \(@tensorflow\/tfjs-node is not installed\)$/);
  });

  it('is idempotent: a second call keeps the backend, returns the same info and logs nothing', async () => {
    const first = await resolveBackend({ quiet: true });
    const lines: string[] = [];
    const second = await resolveBackend({ logger: (l) => lines.push(l) });
    expect(second).toBe(first);
    expect(lines).toEqual([]);
    expect(tf.getBackend()).toBe('wasm');
    // Concurrent calls share one resolution.
    const [a, b] = await Promise.all([resolveBackend({ preferred: 'cpu', quiet: true }), resolveBackend({ preferred: 'cpu', quiet: true })]);
    expect(a).toBe(b);
    expect(tf.getBackend()).toBe('cpu');
    // Different concurrent requests run one after the other: the last one asked for wins.
    const [c, w] = await Promise.all([resolveBackend({ preferred: ['cpu'], quiet: true }), resolveBackend({ preferred: 'wasm', quiet: true })]);
    expect([c.name, w.name]).toEqual(['cpu', 'wasm']);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('follows METATUNE_BACKEND and says so', async () => {
    process.env[BACKEND_ENV_VAR] = 'node,cpu';
    const lines: string[] = [];
    const info: BackendInfo = await resolveBackend({ logger: (l) => lines.push(l) });
    expect(info).toMatchObject({ name: 'cpu', source: 'env', tfBackend: 'cpu' });
    expect(info.tried.map((t) => t.name)).toEqual(['node', 'cpu']);
    expect(tf.getBackend()).toBe('cpu');
    expect(lines[0]).toMatch(/^metatune: tfjs backend 'cpu' from METATUNE_BACKEND, tfjs 4\.22\.0; skipped node \(@tensorflow\/tfjs-node is not installed\)$/);
  });

  it('lets the preferred option override METATUNE_BACKEND', async () => {
    process.env[BACKEND_ENV_VAR] = 'cpu';
    const info = await resolveBackend({ preferred: 'wasm', quiet: true });
    expect(info).toMatchObject({ name: 'wasm', source: 'option', tried: [{ name: 'wasm', ok: true }] });
    expect(tf.getBackend()).toBe('wasm');
  });

  it('fails with BACKEND_UNAVAILABLE and the fix when an explicitly requested backend is missing, keeping the current one', async () => {
    await resolveBackend({ preferred: 'wasm', quiet: true });
    let error: unknown;
    try {
      await resolveBackend({ preferred: 'node', quiet: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).code).toBe('BACKEND_UNAVAILABLE');
    expect((error as Error).message).toMatch(/^backend 'node' was requested but could not be used: node: @tensorflow\/tfjs-node is not installed\./);
    expect((error as Error).message).toMatch(/Fix: install @tensorflow\/tfjs-node \(needs internet at install time\) or set METATUNE_BACKEND=wasm\.$/);
    expect((error as EnvironmentError).details).toMatchObject({ requested: ['node'], source: 'option' });
    expect(tf.getBackend()).toBe('wasm');
    // tfjs still works on the backend we had.
    expect(tf.add(1, 2).dataSync()[0]).toBe(3);
  });

  it('names the env variable when the failing request came from it', async () => {
    process.env[BACKEND_ENV_VAR] = 'node-gpu,node';
    await expect(resolveBackend({ quiet: true })).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringMatching(/^none of the backends 'node-gpu', 'node' was requested \(from METATUNE_BACKEND\) but could not be used: node-gpu: .*; node: .*Fix: install @tensorflow\/tfjs-node /),
    });
  });

  it('rejects an unknown name before touching tfjs', async () => {
    const before = tf.getBackend();
    await expect(resolveBackend({ preferred: 'gpu' as never })).rejects.toBeInstanceOf(ValidationError);
    expect(tf.getBackend()).toBe(before);
  });
});
