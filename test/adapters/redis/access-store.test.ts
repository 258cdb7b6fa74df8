// The editors and resolvers added on the settings page, in real Redis: read back per portal, and concurrent changes never lose one another.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAccessStore } from '../../../src/adapters/redis/access-store.ts';
import { NO_ACCESS } from '../../../src/app/access-lists.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

let redis: Redis;
const prefix = testPrefix('access');

beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('Redis access store', () => {
  it('starts empty, keeps each portal apart, and writes nothing when the change says so', async () => {
    const store = createRedisAccessStore(redis, prefix);
    expect(await store.read(1)).toEqual(NO_ACCESS);
    await store.update(1, (c) => ({ ...c, editors: [7], resolverEmails: ['rex@example.com'] }));
    expect(await store.read(1)).toEqual({ editors: [7], resolverIds: [], resolverEmails: ['rex@example.com'] });
    expect(await store.read(2)).toEqual(NO_ACCESS);
    expect(await store.update(1, () => null)).toEqual({ editors: [7], resolverIds: [], resolverEmails: ['rex@example.com'] });
  });

  it('applies 20 concurrent additions from two connections: every one is kept', async () => {
    const other = connect();
    try {
      const stores = [createRedisAccessStore(redis, prefix), createRedisAccessStore(other, prefix)];
      await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.update(3, (c) => ({ ...c, editors: [...c.editors, 100 + i] }))));
      expect([...(await stores[0]!.read(3)).editors].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
    } finally {
      await other.quit();
    }
  });
});
