// The receiver's portal listing (src/adapters/redis/portal-walk.ts): once a minute per portal and process, and listed again after that.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RELIST_MS, portalLister } from '../../../src/adapters/redis/portal-walk.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

let redis: Redis;
const prefix = testPrefix('portal-walk');
const key = `${prefix}:{${prefix}}:portals`;
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

describe('portalLister', () => {
  it('lists a portal once per RELIST_MS, and again after it, so a member the set lost comes back', async () => {
    const clock = { now: 1_000_000 };
    const list = portalLister(redis, key, () => clock.now);
    await list(7);
    await list(8);
    expect((await redis.smembers(key)).sort()).toEqual(['7', '8']);
    // Lost (a failover dropped the write): within the minute this process does not look again.
    await redis.srem(key, '7');
    clock.now += RELIST_MS - 1;
    await list(7);
    expect(await redis.sismember(key, '7')).toBe(0);
    clock.now += 1;
    await list(7);
    expect(await redis.sismember(key, '7')).toBe(1);
  });
});
