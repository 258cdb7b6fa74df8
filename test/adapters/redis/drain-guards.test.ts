// The Redis drain lock, backoff and rate limiter pass the conformance suite the in-memory ones pass: two connections stand for two processes, leases run on Redis's clock.
import type { Redis } from 'ioredis';
import { beforeAll } from 'vitest';
import { createRedisBackoff, createRedisDrainLock } from '../../../src/adapters/redis/drain-guards.ts';
import { createRedisRateLimiter } from '../../../src/adapters/redis/rate-limiter.ts';
import { describeDrainGuards } from '../../support/drain-guards-conformance.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

let one: Redis;
let two: Redis;
const prefixes: string[] = [];
const fresh = () => {
  const prefix = testPrefix('drain-guards');
  prefixes.push(prefix);
  return prefix;
};
beforeAll(() => {
  one = connect();
  two = connect();
});

describeDrainGuards('Redis', {
  async lock() {
    const key = `${fresh()}:lock`;
    return [createRedisDrainLock(one, key), createRedisDrainLock(two, key)];
  },
  async backoff(options) {
    const key = `${fresh()}:backoff`;
    return [createRedisBackoff(one, key, options), createRedisBackoff(two, key, options)];
  },
  async limiter(options) {
    const prefix = fresh();
    return [createRedisRateLimiter(one, prefix, options), createRedisRateLimiter(two, prefix, options)];
  },
  elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  async cleanup() {
    for (const prefix of prefixes) await deletePrefix(one, prefix);
    await Promise.all([one.quit(), two.quit()]);
  },
});
