// Vitest setup for mutation runs: fast-check with a fixed seed, so that the score does not depend on luck.
import fc from 'fast-check';

fc.configureGlobal({ seed: 20_261_103 });
