// Sweep-test parent process: runs the compiled runSweep with forked workers and prints one line
// per event, so the test can kill it (and its workers) right after the first trial is stored.
// usage: node sweep-driver.mjs <compiled container.js (runSweep with the built-in runtime)> <compiled worker.js> '<SweepOptions JSON>'
import { pathToFileURL } from 'node:url';

const [runnerPath, workerPath, optionsJson] = process.argv.slice(2);
const { runSweep } = await import(pathToFileURL(runnerPath).href);
const options = JSON.parse(optionsJson);
const summary = await runSweep({
  ...options,
  workerModule: workerPath,
  onEvent: (e) => {
    if (e.type === 'start') process.stdout.write(`start ${e.sweepId} done=${e.done} interrupted=${e.interrupted} workers=${e.workers}\n`);
    if (e.type === 'trial-start') process.stdout.write(`trial-start ${e.trialId}\n`);
    if (e.type === 'trial-end') process.stdout.write(`trial-end ${e.trial.trialId} ${e.trial.status}\n`);
  },
});
process.stdout.write(`summary ${JSON.stringify(summary)}\n`);
