// Reliability-test writer: opens a store through the compiled getStore and creates runs one by
// one, printing each run id only after its write resolved (an acknowledgement the parent trusts).
// usage: node store-writer.mjs <compiled container.js> <store url> <count> <tag> [compactEvery]
// compactEvery (file stores): also compact the store after every n-th run, so that crashes and
// other writers meet compactions (snapshot rewrites) and not only journal appends.
import { pathToFileURL } from 'node:url';

const [modulePath, url, countArg, tag, compactEveryArg] = process.argv.slice(2);
const { getStore } = await import(pathToFileURL(modulePath).href);
const store = await getStore(url);
const count = Number(countArg);
const compactEvery = Number(compactEveryArg ?? 0);
process.stdout.write(`ready ${process.pid}\n`);
for (let i = 0; i < count; i++) {
  const id = `${tag}-${i}`;
  await store.createRun({
    id,
    task: { id: `task-${i % 7}` },
    epochs: [{ epoch: 0, loss: 1 / (i + 1), metrics: { acc: 0.5 } }],
    provenance: { importer: 'stress', sourceKey: tag },
  });
  process.stdout.write(`${id}\n`);
  if (compactEvery > 0 && (i + 1) % compactEvery === 0) await store.compact();
}
await store.close();
