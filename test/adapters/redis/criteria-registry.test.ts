// The Redis criteria registry passes the conformance suite the in-memory one passes: two connections stand for two processes.
import type { Redis } from 'ioredis';
import { beforeAll } from 'vitest';
import { createCriteriaRegistry } from '../../../src/adapters/redis/criteria-registry.ts';
import { describeCriteriaRegistry } from '../../support/criteria-registry-conformance.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

let one: Redis;
let two: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  one = connect();
  two = connect();
});

describeCriteriaRegistry('Redis', {
  async create() {
    const prefix = testPrefix('criteria-registry');
    prefixes.push(prefix);
    return [createCriteriaRegistry(one, prefix), createCriteriaRegistry(two, prefix)];
  },
  async cleanup() {
    for (const prefix of prefixes) await deletePrefix(one, prefix);
    await Promise.all([one.quit(), two.quit()]);
  },
});
