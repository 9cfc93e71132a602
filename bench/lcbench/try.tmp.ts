import { LcbenchSurrogate } from './surrogate.js';
import { samplePool } from './space.js';
import { probeTask } from './probe.js';
import { writeTaskLogs } from './logs.js';
import { importLog } from './import.js';
import { MemoryTraceStore } from '../../src/traces/memory-store.js';
const s = await LcbenchSurrogate.load();
const st = new MemoryTraceStore();
let t = Date.now();
const pool = samplePool(400, 1);
for (const task of s.tasks.slice(0, 4)) {
const p = await probeTask(s, task);
const w = await writeTaskLogs(s, task, pool, p.features, '/tmp/lcb-try');
const t1 = Date.now();
console.log((await importLog(st, w.logFile, w.taskFile)).split('\n')[0], 'import ms', Date.now() - t1);
}
console.log('total', Date.now() - t, await st.count(), process.memoryUsage().rss / 1e6);
