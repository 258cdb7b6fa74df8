// Vitest for mutation testing (npm run mutate): only the tests of the pure core, which need no Redis, and fast-check seeded.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/core/**/*.test.ts'],
    // The core is pure, so the files can share one module graph: 5 s for the lot instead of 25 s.
    isolate: false,
    // A fixed seed, so a mutant is killed or not the same way on every run; the property tests still vary their inputs.
    setupFiles: ['test/support/fast-check-seed.ts'],
    // The property tests take seconds alone and several times that beside a mutation run on the other core.
    testTimeout: 120_000,
  },
});
