import { afterEach, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from '../../../src/core/registry.js';
import { resolveStoreFactory } from '../../../src/traces/get-store.js';
import { defaultRuntime, getStore } from '../../../src/container.js';
import { DEFAULT_STORE_URL, type TraceStoreFactory } from '../../../src/traces/store-factory.js';
import { MemoryTraceStore } from '../../../src/traces/memory-store.js';
import { redactUrl } from '../../../src/traces/record-utils.js';
import { filePathOf } from '../../../plugins/store-lowdb/factory.js';

function caught(fn: () => unknown): { code?: string; message: string; name: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (e) {
    return e as never;
  }
  throw new Error('expected a throw');
}

describe('getStore URL resolution', () => {
  const saved = process.env.METATUNE_STORE;
  afterEach(() => {
    if (saved === undefined) delete process.env.METATUNE_STORE;
    else process.env.METATUNE_STORE = saved;
  });

  it('registers memory, file, postgres and postgresql', () => {
    expect(defaultRuntime().stores.ids()).toEqual(['file', 'memory', 'postgres', 'postgresql']);
    expect(DEFAULT_STORE_URL).toBe('file:./.metatune/store.json');
  });

  it.each([
    ['memory:', 'memory'],
    ['MEMORY:', 'memory'],
    ['file:./x.json', 'file'],
    ['file:///tmp/x.json', 'file'],
    ['postgres://u@localhost/db', 'postgres'],
    ['postgresql://u:pw@db.example:6543/traces?sslmode=require', 'postgresql'],
  ])('%s → %s', (url, id) => {
    expect(resolveStoreFactory(url, defaultRuntime()).id).toBe(id);
  });

  it.each([
    ['postgress://u:hunter2@h/db', /Did you mean "postgres:"\? \(postgres:\/\/u:\*\*\*@h\/db\)/],
    ['fiel:./store.json', /Did you mean "file:"\? \(file:\.\/store\.json\)/],
    ['memroy:', /Did you mean "memory:"/],
    ['postgre://h/db', /Did you mean "postgres:"/],
    ['./store.json', /no scheme; for a file write "file:\.\/store\.json"/],
    ['mongodb://h/db', /Use one of the schemes above/],
    ['', /non-empty string/],
  ])('rejects %j with UNKNOWN_STORE_URL', (url, hint) => {
    const err = caught(() => resolveStoreFactory(url, defaultRuntime()));
    expect(err.name).toBe('ValidationError');
    expect(err.code).toBe('UNKNOWN_STORE_URL');
    expect(err.message).toMatch(hint);
    if (url) expect(err.message).toMatch(/file: \(file:\.\/\.metatune\/store\.json\).*memory: \(memory:\).*postgres: \(postgres:\/\/user@localhost:5432\/metatune\)/);
    expect(err.message).not.toContain('hunter2');
  });

  it('opens a fresh memory store per call', async () => {
    const a = await getStore('memory:');
    const b = await getStore('memory:');
    expect(a).toBeInstanceOf(MemoryTraceStore);
    await a.createRun({ task: { id: 't' } });
    expect(await a.count()).toBe(1);
    expect(await b.count()).toBe(0);
  });

  it('defaults to $METATUNE_STORE', async () => {
    process.env.METATUNE_STORE = 'memory:';
    const s = await getStore();
    expect(s.url).toBe('memory:');
    process.env.METATUNE_STORE = 'fiel:x';
    await expect(getStore()).rejects.toMatchObject({ code: 'UNKNOWN_STORE_URL' });
  });

  it('file: creates the directory on the first write (not at open) and resolves relative paths against the working directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'metatune-getstore-'));
    try {
      const s = await getStore(`file:${join(dir, 'deep', 'er', 'store.json')}`);
      expect(existsSync(join(dir, 'deep', 'er'))).toBe(false);
      await s.createRun({ task: { id: 't' } });
      expect(existsSync(join(dir, 'deep', 'er', 'store.json'))).toBe(true);
      await s.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(filePathOf('file:./.metatune/store.json', '/home/u/proj')).toBe('/home/u/proj/.metatune/store.json');
    expect(filePathOf('file:data/s.json', '/home/u/proj')).toBe('/home/u/proj/data/s.json');
    expect(filePathOf('file:/abs/s.json', '/home/u/proj')).toBe('/abs/s.json');
    expect(filePathOf('file:///abs/with%20space.json', '/x')).toBe('/abs/with space.json');
    expect(caught(() => filePathOf('file:', '/x')).code).toBe('INVALID_STORE_URL');
  });

  it('uses the factories it is given (plugins), and lists them when a scheme is unknown', async () => {
    const opened: string[] = [];
    const custom: TraceStoreFactory = {
      id: 'redis',
      example: 'redis://localhost:6379',
      async open(url) {
        opened.push(url);
        return new MemoryTraceStore(url);
      },
    };
    const registry = new Registry<TraceStoreFactory>({ kind: 'trace store scheme', notFoundCode: 'UNKNOWN_STORE_URL' }, [{ plugin: 'store-redis', value: custom }]);
    expect((await getStore('redis://h:1/0', registry)).url).toBe('redis://h:1/0');
    expect(opened).toEqual(['redis://h:1/0']);
    const err = caught(() => resolveStoreFactory('rediss://h', registry));
    expect(err.message).toMatch(/redis: \(redis:\/\/localhost:6379\).*Did you mean "redis:"/);
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgres://alice:s3cret@db:5432/traces', 'postgres://alice:***@db:5432/traces'],
    ['postgresql://alice@db/traces', 'postgresql://alice@db/traces'],
    ['postgres://db/traces?user=alice&password=s3cret&sslmode=require', 'postgres://db/traces?user=alice&password=***&sslmode=require'],
    ['postgres://:only-password@db/x', 'postgres://:***@db/x'],
    ['file:./a:b@c.json', 'file:./a:b@c.json'],
  ])('%s → %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });
});
