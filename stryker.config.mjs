// StrykerJS: mutation testing of the decision core (npm run mutate); the score and the judged survivors are in docs/mutation-testing.md.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Only test/core, with fast-check seeded: see the config's own comment.
  vitest: { configFile: 'vitest.mutate.config.ts' },
  mutate: ['src/core/**/*.ts'],
  // Each mutant runs only the tests that reach it.
  coverageAnalysis: 'perTest',
  // The machine has 2 cores, shared.
  concurrency: 2,
  // A busy machine slows a surviving mutant's run; a mutant that loops is still caught, 10 s later.
  timeoutMS: 10_000,
  // Reuses the results of code and tests that did not change since the last run; `npm run mutate -- --force` runs every mutant.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, logTests: false, reportMutants: true, reportScoreTable: true },
  // Below 90 % the run fails.
  thresholds: { high: 95, low: 90, break: 90 },
  ignorePatterns: ['bench', 'examples', 'hubspot-app', 'property-definitions', 'reports', '.outcome-billing'],
};
