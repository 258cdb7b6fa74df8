// Vitest: every test file under test/, each in a forked process, after a check that Redis answers.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // .tsx: the CRM card's tests render React with createRenderer (test/hubspot-app).
    include: ['test/**/*.test.{ts,tsx}'],
    pool: 'forks',
    // Vitest's default is one fewer than the cores, so a single file at a time on 2 cores. The end-to-end
    // and dev tests spend most of their time waiting on the processes they start, so three files at once
    // keep both cores busy (measured on 2 cores: 80 s against 93 s with two, and 100 s or more with one).
    maxWorkers: Math.max(3, availableParallelism()),
    // CPU-bound tests (fast-check ledgers, 1,000-outcome write-backs) take a second or two alone and
    // several times that beside the end-to-end processes; 5 s would fail them on a busy 2-core machine.
    testTimeout: 20_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
