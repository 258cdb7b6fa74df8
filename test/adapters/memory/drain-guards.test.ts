// The in-memory drain lock, backoff and rate limiter pass the conformance suite the Redis ones pass, on an injected clock.
import { createMemoryBackoff, createMemoryDrainLock } from '../../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../../src/adapters/memory/rate-limiter.ts';
import { describeDrainGuards } from '../../support/drain-guards-conformance.ts';

let now = Date.parse('2026-11-03T10:00:00Z');
const clock = () => now;

// Two processes share one guard object, as they share one Redis key.
describeDrainGuards('in memory', {
  async lock() {
    const lock = createMemoryDrainLock({ clock });
    return [lock, lock];
  },
  async backoff(options) {
    const backoff = createMemoryBackoff({ ...options, clock });
    return [backoff, backoff];
  },
  async limiter(options) {
    const limiter = createMemoryRateLimiter(options);
    return [limiter, limiter];
  },
  async elapse(ms) {
    now += ms;
  },
});
