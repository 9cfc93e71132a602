// Reliability-test writer: opens a store through the compiled getStore and creates runs one by
// one, printing each run id only after its write resolved (an acknowledgement the parent trusts).
// usage: node store-writer.mjs <compiled container.js> <store url> <count> <tag>
import { pathToFileURL } from 'node:url';

const [modulePath, url, countArg, tag] = process.argv.slice(2);
const { getStore } = await import(pathToFileURL(modulePath).href);
const store = await getStore(url);
const count = Number(countArg);
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
}
await store.close();
