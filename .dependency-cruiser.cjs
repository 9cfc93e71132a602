/**
 * The import rules of metatune's layout, checked by test/unit/architecture/dependencies.test.ts
 * (and by `npx depcruise src plugins bench --config .dependency-cruiser.cjs`).
 */
/** The only files in src/ that may name a plugin: the composition roots and the public barrels. */
const ROOTS = '^src/(index|container|schedule-runtime|callback)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import cycle, type-only imports included: a contract sits below its users.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'src-not-to-plugins',
      severity: 'error',
      comment:
        'Library code receives a runtime and never names a plugin: only the composition roots (src/container.ts, ' +
        'src/schedule-runtime.ts) and the public barrels (src/index.ts, src/callback.ts) import from plugins/.',
      from: { path: '^src/', pathNot: ROOTS },
      to: { path: '^plugins/' },
    },
    {
      name: 'nothing-to-roots',
      severity: 'error',
      comment: 'The roots sit on top: library code and plugins do not import them (entry points — the CLI, sweep workers, the corpus and policy scripts — may).',
      from: { path: '^(src|plugins)/', pathNot: [ROOTS, '^src/cli/', '^src/sweeps/worker[.]ts$', '^src/corpus/build[.]ts$', '^src/corpus/build-features[.]ts$', '^src/meta/build-default-policy[.]ts$'] },
      to: { path: ROOTS },
    },
    {
      name: 'plugins-not-to-cli',
      severity: 'error',
      comment: 'Plugins contribute to extension points; the CLI is a consumer above them.',
      from: { path: '^plugins/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'plugins-meet-through-api',
      severity: 'error',
      comment:
        "A plugin uses another plugin only through that plugin's api.ts (interop formats build on schedules-core's " +
        'factories), never its internals: shared helpers such as argument checks live in src/core/validation.ts.',
      from: { path: '^plugins/([^/]+)/' },
      to: { path: '^plugins/[^/]+/', pathNot: ['^plugins/$1/', '^plugins/[^/]+/api[.]ts$'] },
    },
    {
      name: 'core-is-the-ground-floor',
      severity: 'error',
      comment: 'src/core (errors, tokens, registry, validation, config, plugin loading) imports nothing else of ours.',
      from: { path: '^src/core/' },
      to: { path: '^(src|plugins)/', pathNot: '^src/core/' },
    },
    {
      name: 'contracts-free-of-tfjs-and-sweeps',
      severity: 'error',
      comment: 'The trace model, the store contracts and the candidate depend on no training code.',
      from: { path: '^src/(traces/(trace|store|store-factory)|meta/candidate|train/optimizer-config)[.]ts$' },
      to: { path: '^src/(tfjs|sweeps|train/(?!optimizer-config))' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.json'] },
  },
};
