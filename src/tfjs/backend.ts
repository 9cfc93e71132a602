/**
 * Picks the TensorFlow.js backend at run time and says which one it picked.
 *
 * Default order: node-gpu → node → wasm → cpu. `@tensorflow/tfjs-node(-gpu)` are optional
 * dependencies that download libtensorflow at install time, so they are often absent; wasm ships
 * with metatune; cpu (pure JS) always works. Why each check exists:
 * - `tf.setBackend()` resolves to **false** on failure and tfjs then silently falls back to its best
 *   registered backend on the next op, so the return value and `tf.getBackend()` are both checked.
 * - The wasm backend finds its `.wasm` binaries next to its own script only when bundlers keep the
 *   layout; the path is set explicitly from the resolved package so Node always finds them.
 * - wasm lacks some gradient kernels (conv filter, segment sum); they are registered when wasm is
 *   picked, so conv and embedding models train there.
 *
 * Precedence: `preferred` option > `METATUNE_BACKEND` env (name or comma list) > default order.
 * A backend asked for explicitly (option or env) never falls back silently: if none of the asked
 * backends works, resolution fails with code `BACKEND_UNAVAILABLE` and the fix.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { EnvironmentError, ValidationError, describeValue } from '../core/errors.js';
import { registerWasmGradientKernels } from './wasm-kernels/index.js';

export type BackendName = 'node-gpu' | 'node' | 'wasm' | 'cpu';

/** Every backend metatune knows, in default preference order. */
export const BACKEND_NAMES: readonly BackendName[] = Object.freeze(['node-gpu', 'node', 'wasm', 'cpu']);

/** The env variable that overrides the default order (`METATUNE_BACKEND=wasm` or `=node,wasm`). */
export const BACKEND_ENV_VAR = 'METATUNE_BACKEND';

export interface BackendAttempt {
  readonly name: BackendName;
  readonly ok: boolean;
  /** Why it was skipped (missing package, failed initialisation, …); absent when ok. */
  readonly reason?: string;
}

export interface BackendInfo {
  /** The metatune name of the backend in use. */
  readonly name: BackendName;
  /** tfjs' own name for it (`tf.getBackend()`): 'tensorflow' for node and node-gpu. */
  readonly tfBackend: string;
  /** Where the candidate list came from. */
  readonly source: 'option' | 'env' | 'default';
  /** Each candidate tried, in order, up to and including the one picked. */
  readonly tried: readonly BackendAttempt[];
  /** wasm only: whether the SIMD binary is in use. */
  readonly simd?: boolean;
  /** wasm only: the number of threads (1 in Node: the threaded binary needs browser workers). */
  readonly threads?: number;
  /** wasm only: gradient kernels metatune registered for it (empty if tfjs already had them all). */
  readonly addedKernels?: readonly string[];
  /** Version of `@tensorflow/tfjs-core` in use. */
  readonly tfjsVersion: string;
}

export type BackendLogger = (line: string) => void;

export interface ResolveBackendArgs {
  /**
   * A backend or an ordered list of backends to try. Explicit: no silent fallback beyond the list.
   * Defaults to `METATUNE_BACKEND` when set, else `['node-gpu', 'node', 'wasm', 'cpu']`.
   */
  preferred?: BackendName | readonly BackendName[];
  /** Suppresses the one-line report. Defaults to false. */
  quiet?: boolean;
  /** Receives the one-line report. Defaults to `console.info`. */
  logger?: BackendLogger;
  /**
   * Loads a backend package by name (for bundlers that need static imports, and for tests that
   * stand in for packages that can't be installed). Defaults to a dynamic `import()`.
   */
  importModule?: (specifier: string) => Promise<unknown>;
}

interface Candidate {
  /** tfjs backend name it registers. */
  readonly tfName: string;
  /** Loads the package (if any) and makes the backend current; returns wasm details when relevant. */
  activate(load: Loader): Promise<Pick<BackendInfo, 'simd' | 'threads' | 'addedKernels'>>;
}

const NODE_FIX = 'install @tensorflow/tfjs-node (needs internet at install time) or set METATUNE_BACKEND=wasm';
const FIXES: Record<BackendName, string> = {
  'node-gpu': 'install @tensorflow/tfjs-node-gpu (needs internet at install time and CUDA) or set METATUNE_BACKEND=wasm',
  node: NODE_FIX,
  wasm: 'check that @tensorflow/tfjs-backend-wasm is installed at the same version as @tensorflow/tfjs, or set METATUNE_BACKEND=cpu',
  cpu: 'check that @tensorflow/tfjs is installed (it provides the cpu backend)',
};

type Loader = (specifier: string) => Promise<unknown>;
const dynamicImport: Loader = (specifier) => import(specifier);

/** Loads an optional package; a missing one becomes a short reason instead of a stack trace. */
async function importOptional(load: Loader, pkg: string): Promise<unknown> {
  try {
    return await load(pkg);
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const missing =
      e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(e.message ?? '');
    if (missing && (e.message ?? '').includes(pkg)) throw new SkipBackend(`${pkg} is not installed`);
    throw new SkipBackend(`${pkg} failed to load: ${firstLine(e.message ?? String(err))}`);
  }
}

/** Marks an expected failure whose message is already a short reason. */
class SkipBackend extends Error {}

function firstLine(text: string): string {
  return text.split('\n', 1)[0]!.trim();
}

/** Makes `tfName` current and verifies it really is: setBackend's false is otherwise silent. */
async function switchTo(tfName: string): Promise<void> {
  let ok: boolean;
  try {
    ok = await tf.setBackend(tfName);
  } catch (err) {
    throw new SkipBackend(`tf.setBackend('${tfName}') threw: ${firstLine((err as Error).message ?? String(err))}`);
  }
  if (!ok) throw new SkipBackend(`tf.setBackend('${tfName}') returned false (initialisation failed)`);
  await tf.ready();
  if (tf.getBackend() !== tfName) {
    throw new SkipBackend(`tf.setBackend('${tfName}') succeeded but tf.getBackend() is '${tf.getBackend()}'`);
  }
}

/** Directory holding the wasm binaries, resolved from the installed package (no bundler layout assumed). */
function wasmDistDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
}

const CANDIDATES: Record<BackendName, Candidate> = {
  'node-gpu': {
    tfName: 'tensorflow',
    async activate(load) {
      await importOptional(load, '@tensorflow/tfjs-node-gpu');
      await switchTo('tensorflow');
      return {};
    },
  },
  node: {
    tfName: 'tensorflow',
    async activate(load) {
      await importOptional(load, '@tensorflow/tfjs-node');
      await switchTo('tensorflow');
      return {};
    },
  },
  wasm: {
    tfName: 'wasm',
    async activate(load) {
      const wasm = (await importOptional(load, '@tensorflow/tfjs-backend-wasm')) as {
        setWasmPaths(prefix: string): void;
        getThreadsCount(): number;
      };
      // Paths only matter before initialisation; afterwards setting them is pointless.
      if (!('wasm' in tf.engine().registry)) wasm.setWasmPaths(wasmDistDir());
      // Before switching: the first op on wasm may already be a training step.
      const addedKernels = registerWasmGradientKernels();
      await switchTo('wasm');
      const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
      return { simd, threads: wasm.getThreadsCount(), addedKernels };
    },
  },
  cpu: {
    tfName: 'cpu',
    async activate() {
      await switchTo('cpu');
      return {};
    },
  },
};

function validateNames(names: readonly unknown[], argument: string, raw: unknown): BackendName[] {
  if (names.length === 0) {
    throw new ValidationError(
      'INVALID_PARAMETER',
      `\`${argument}\` must name at least one backend (${BACKEND_NAMES.map((n) => JSON.stringify(n)).join(', ')}). Received: ${argument}=${describeValue(raw)}.`,
      { argument, rule: 'non-empty', received: raw, choices: BACKEND_NAMES },
    );
  }
  for (const n of names) {
    if (typeof n !== 'string' || !(BACKEND_NAMES as readonly string[]).includes(n)) {
      throw new ValidationError(
        'INVALID_PARAMETER',
        `\`${argument}\` must be one of ${BACKEND_NAMES.map((c) => JSON.stringify(c)).join(', ')}. Received: ${argument}=${describeValue(raw)}.`,
        { argument, rule: 'one of', received: raw, choices: BACKEND_NAMES },
      );
    }
  }
  return [...new Set(names as BackendName[])];
}

/** The candidate list and where it came from; validates before anything is loaded. */
export function backendCandidates(
  preferred?: BackendName | readonly BackendName[],
  env: NodeJS.ProcessEnv = process.env,
): { names: BackendName[]; source: BackendInfo['source'] } {
  if (preferred !== undefined) {
    const list = typeof preferred === 'string' ? [preferred] : Array.isArray(preferred) ? preferred : [preferred];
    return { names: validateNames(list, 'preferred', preferred), source: 'option' };
  }
  const raw = env[BACKEND_ENV_VAR];
  if (raw !== undefined && raw.trim() !== '') {
    const list = raw.split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    return { names: validateNames(list, BACKEND_ENV_VAR, raw), source: 'env' };
  }
  return { names: [...BACKEND_NAMES], source: 'default' };
}

function describePick(info: BackendInfo): string {
  const details: string[] = [];
  if (info.name === 'wasm') {
    details.push(info.simd ? 'SIMD' : 'no SIMD', `${info.threads ?? 1} thread${info.threads === 1 ? '' : 's'}`);
  }
  const why = info.source === 'default' ? '' : info.source === 'env' ? ` from ${BACKEND_ENV_VAR}` : ' as requested';
  const skipped = info.tried.filter((t) => !t.ok).map((t) => `${t.name} (${t.reason})`);
  return (
    `metatune: tfjs backend '${info.name}'${details.length ? ` [${details.join(', ')}]` : ''}${why}, tfjs ${info.tfjsVersion}` +
    (skipped.length ? `; skipped ${skipped.join(', ')}` : '')
  );
}

/** Last result, so a second identical call keeps the backend without reloading anything. */
let lastResolved: { key: string; info: BackendInfo } | undefined;
/** Resolutions run one at a time: two racing setBackend calls would leave either backend current. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * Resolves and activates a tfjs backend. Idempotent: a second call with the same request returns
 * the same info (without logging again) as long as that backend is still current.
 *
 * @example
 * const info = await resolveBackend();                      // node-gpu → node → wasm → cpu
 * const wasm = await resolveBackend({ preferred: 'wasm' }); // throws BACKEND_UNAVAILABLE if wasm fails
 */
export async function resolveBackend(args: ResolveBackendArgs = {}): Promise<BackendInfo> {
  const { names, source } = backendCandidates(args.preferred);
  const key = `${source}:${names.join(',')}`;
  const cached = () => (lastResolved?.key === key && tf.getBackend() === lastResolved.info.tfBackend ? lastResolved.info : undefined);
  const hit = cached();
  if (hit) return hit;
  const run = queue.then(async () => {
    const again = cached(); // an identical call queued before this one may have just resolved it
    if (again) return again;
    const info = await activateFirst(names, source, args);
    lastResolved = { key, info };
    return info;
  });
  queue = run.catch(() => undefined);
  return run;
}

async function activateFirst(names: BackendName[], source: BackendInfo['source'], args: ResolveBackendArgs): Promise<BackendInfo> {
  const tried: BackendAttempt[] = [];
  // A failed setBackend leaves tfjs with no current backend; restore this one if nothing works.
  const before = tf.engine().backendName;
  for (const name of names) {
    const candidate = CANDIDATES[name];
    try {
      const extra = await candidate.activate(args.importModule ?? dynamicImport);
      tried.push({ name, ok: true });
      const info: BackendInfo = Object.freeze({
        name,
        tfBackend: candidate.tfName,
        source,
        tried: Object.freeze(tried.map((t) => Object.freeze(t))),
        ...extra,
        ...(extra.addedKernels ? { addedKernels: Object.freeze([...extra.addedKernels]) } : {}),
        tfjsVersion: tf.version_core,
      });
      if (!args.quiet) (args.logger ?? console.info)(describePick(info));
      return info;
    } catch (err) {
      const reason = err instanceof SkipBackend ? err.message : `unexpected error: ${firstLine((err as Error)?.message ?? String(err))}`;
      tried.push({ name, ok: false, reason });
    }
  }
  // Only reachable for explicit lists: the default list ends with cpu, which ships with tfjs.
  if (before && before in tf.engine().registry) await tf.setBackend(before).catch(() => false);
  const last = names[names.length - 1]!;
  const asked = names.length === 1 ? `backend '${last}' was` : `none of the backends ${names.map((n) => `'${n}'`).join(', ')} was`;
  const from = source === 'env' ? ` (from ${BACKEND_ENV_VAR})` : '';
  throw new EnvironmentError(
    'BACKEND_UNAVAILABLE',
    `${asked} requested${from} but could not be used: ${tried.map((t) => `${t.name}: ${t.reason}`).join('; ')}. ` +
      `Fix: ${FIXES[last]}.`,
    { requested: names, source, tried },
  );
}
