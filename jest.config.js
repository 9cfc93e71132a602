/** ESM + ts-jest; type-checking is done separately by `tsc` (see `npm test`). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  setupFiles: ['<rootDir>/test/setup/quiet-tfjs.ts'],
  // Probes PostgreSQL once: its tests skip with one loud line where none answers (required in CI).
  globalSetup: '<rootDir>/test/setup/postgres-global.mjs',
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60000,
};
