/**
 * A sweep worker process (forked by the runner; dist/src/sweeps/worker.js in the package). tfjs
 * trains on one thread per process, so a sweep gets parallelism from K of these. Each opens the
 * sweep's store by URL with the runtime the parent was built with (its plugins and config file) (file: or postgres://: both safe with several writer processes), trains the
 * trials it is sent with `runTrial`, and asks the parent for every halving decision. When the
 * parent goes away (killed), the IPC channel closes and the worker exits at once: its running
 * trace stays `running`, which the next start of the sweep marks as interrupted and re-runs.
 */
import { resolveBackend, type BackendName } from '../tfjs/backend.js';
import { createContainer, defaultRuntime } from '../container.js';
import type { MetatuneRuntime } from '../runtime.js';
import { openStore } from '../traces/get-store.js';
import type { TraceStore } from '../traces/store.js';
import type { LoadedTask } from '../tasks/task.js';
import { serializeError, type ParentMessage, type WorkerMessage } from './protocol.js';
import { runTrial } from './trial.js';

if (!process.send) {
  process.stderr.write('metatune sweep worker: start me with child_process.fork (no IPC channel).\n');
  process.exit(2);
}

const send = (m: WorkerMessage) => process.send!(m);
let store: TraceStore | undefined;
let runtime: MetatuneRuntime | undefined;
let sweepId = '';
let allowOutside = false;
const taskCache = new Map<string, LoadedTask>();
const pending = new Map<string, (d: 'continue' | 'prune') => void>();
// Trials are handled one at a time, in order: a message that arrives while one trains waits here.
let chain: Promise<void> = Promise.resolve();

process.on('disconnect', () => process.exit(130));

process.on('message', (raw) => {
  const msg = raw as ParentMessage;
  if (msg.type === 'decision') {
    const key = `${msg.trialId}#${msg.epoch}`;
    pending.get(key)?.(msg.decision);
    pending.delete(key);
    return;
  }
  chain = chain.then(() => handle(msg));
});

async function handle(msg: ParentMessage): Promise<void> {
  switch (msg.type) {
    case 'init':
      try {
        sweepId = msg.sweepId;
        allowOutside = msg.allowOutside === true;
        const info = await resolveBackend({ ...(msg.backend && { preferred: msg.backend as BackendName }), quiet: true });
        // The parent's plugins and config file: a third-party family or store scheme works here too.
        runtime = msg.runtime ? await createContainer(msg.runtime) : defaultRuntime();
        store = await openStore(msg.storeUrl, runtime);
        send({ type: 'ready', backend: info.name });
      } catch (err) {
        send({ type: 'fatal', error: serializeError(err) });
        process.exit(1);
      }
      return;
    case 'trial': {
      const { config, askEachEpoch } = msg;
      try {
        const result = await runTrial(config, {
          store: store!,
          runtime: runtime!,
          sweepId,
          taskCache,
          allowOutside,
          ...(askEachEpoch && {
            decide: (epoch: number, logs: Readonly<Record<string, number>>) =>
              new Promise<'continue' | 'prune'>((resolve) => {
                pending.set(`${config.trialId}#${epoch}`, resolve);
                send({ type: 'decide', trialId: config.trialId, epoch, logs: { ...logs } });
              }),
          }),
        });
        send({ type: 'result', result });
      } catch (err) {
        send({ type: 'error', trialId: config.trialId, error: serializeError(err) });
      }
      return;
    }
    case 'exit':
      await store?.close();
      process.exit(0);
  }
}
