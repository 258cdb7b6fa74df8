// The Redis write-back store passes the conformance suite the in-memory one passes, over the outbox the Redis commit script fills.
import type { Redis } from 'ioredis';
import { beforeAll } from 'vitest';
import { createRedisSignalStore } from '../../../src/adapters/redis/signal-store.ts';
import { createRedisWritebackStore } from '../../../src/adapters/redis/writeback-store.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';
import { describeWritebackStore } from '../../support/writeback-store-conformance.ts';

let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = connect();
});

describeWritebackStore('Redis', {
  async create() {
    const prefix = testPrefix('writeback-store');
    prefixes.push(prefix);
    return { store: createRedisWritebackStore(redis, prefix), signals: createRedisSignalStore(redis, prefix) };
  },
  async cleanup() {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  },
});
