// The Redis CRM snapshot store passes the conformance suite the in-memory one passes.
import type { Redis } from 'ioredis';
import { beforeAll } from 'vitest';
import { createCrmSnapshotStore } from '../../../src/adapters/redis/crm-snapshots.ts';
import { describeCrmSnapshotStore } from '../../support/crm-snapshot-store-conformance.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

let redis: Redis;
const prefixes: string[] = [];
beforeAll(() => {
  redis = connect();
});

describeCrmSnapshotStore('Redis', {
  async create() {
    const prefix = testPrefix('crm-snapshots');
    prefixes.push(prefix);
    return createCrmSnapshotStore(redis, prefix);
  },
  async cleanup() {
    for (const prefix of prefixes) await deletePrefix(redis, prefix);
    await redis.quit();
  },
});
