import type { Command } from 'commander';
import { resolveBackend } from '../tfjs/backend.js';
import { ValidationError } from '../core/errors.js';
import type { Learner } from '../meta/learner.js';
import { writePolicy } from '../meta/policy-file.js';
import { learnerFor } from '../meta/suggest.js';
import { trainingSource } from '../meta/training-source.js';
import type { LearnCommandDeps } from './learn-deps.js';

function parseSeed(value: string | undefined): number {
  const seed = value === undefined ? 1 : Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new ValidationError('INVALID_PARAMETER', `\`--seed\` must be an integer >= 0. Received: --seed=${JSON.stringify(value)}.`, { argument: 'seed' });
  return seed;
}

/**
 * `metatune train --learner <id> --from <corpus|store URL|logs> [--task task.json] --out <dir>`:
 * fits a policy and writes it as a policy directory. Says how many runs it used and why it skipped
 * the rest; a feature-based learner with runs lacking task features says which learners can use them.
 */
export function registerTrainCommand(program: Command, deps: LearnCommandDeps): Command {
  return program
    .command('train')
    .description('learn a policy (which model and schedule for which task) from traces: the bundled corpus, a store, or a logs folder')
    .requiredOption('--learner <id>', 'best-default | portfolio | knn | lr-probe | … (`metatune plugins` lists them)')
    .option('--from <source>', '"corpus", a store URL (file:…, postgres://…) or a folder / file of training logs', 'corpus')
    .option('--task <task.json>', 'a metatune task file every imported run belongs to (its features are computed)')
    .requiredOption('--out <dir>', 'policy directory to write (policy.json [+ weights.bin])')
    .option('--seed <n>', 'seed of the learner', '1')
    .option('--json', 'print a JSON summary')
    .action(async (o: { learner: string; from: string; task?: string; out: string; seed?: string; json?: boolean }) => {
      const { io } = deps;
      const runtime = await deps.runtime();
      // Learners that train tfjs models (surrogate) use the fastest backend, as fit and sweeps do.
      await resolveBackend();
      const learner: Learner = learnerFor(runtime, o.learner);
      const seed = parseSeed(o.seed);
      const src = await trainingSource({ from: o.from, runtime, openStore: deps.openStore, taskFile: o.task, allowOutside: deps.allowOutside?.() === true, cwd: io.cwd, withFeatures: learner.needsFeatures, log: (l) => io.stderr(`${l}\n`) });
      let examples = src.examples;
      const notes: string[] = Object.entries(src.skipped).map(([why, n]) => `skipped ${n} runs: ${why}`);
      if (learner.needsFeatures) {
        const without = examples.filter((e) => Object.keys(e.features).length === 0);
        if (without.length > 0) notes.push(`skipped ${without.length} runs of ${src.tasksWithoutFeatures} tasks without task features (learner "${learner.id}" needs them; "best-default" and "portfolio" can use them, or pass --task task.json)`);
        examples = examples.filter((e) => Object.keys(e.features).length > 0);
      }
      if (examples.length === 0) {
        throw new ValidationError('NO_TRAINING_EXAMPLES', `--from ${o.from}: no usable runs for learner "${learner.id}" (${notes.join('; ') || 'the source is empty'}). Fix: import runs first (\`metatune import\`), give --task task.json, or use --learner best-default.`, { from: o.from });
      }
      const started = Date.now();
      const artifact = await learner.fit(examples, src.candidates, { seed, provenance: { source: src.source } });
      const written = writePolicy(io.cwd ? `${o.out.startsWith('/') ? '' : `${io.cwd}/`}${o.out}` : o.out, artifact);
      const summary = {
        learner: learner.id,
        source: src.source,
        runsUsed: examples.length,
        tasks: artifact.provenance.trainingTasks.length,
        candidates: artifact.candidates.length,
        notes,
        seconds: (Date.now() - started) / 1000,
        policy: written.policyFile,
      };
      if (o.json) {
        io.stdout(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      io.stdout(
        `trained ${learner.id} on ${summary.runsUsed} runs of ${summary.tasks} tasks (${summary.candidates} candidates) from ${summary.source} in ${summary.seconds.toFixed(1)} s\n` +
          notes.map((n) => `  ${n}\n`).join('') +
          `wrote ${written.policyFile}${written.weightsFile ? ` and ${written.weightsFile}` : ''}\n` +
          `use it: metatune suggest --task <task> --policy ${o.out}\n`,
      );
    });
}
