// Issue 10: the recent window of unverified settlements /readyz reads: counted per outcome, bounded to the window.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNVERIFIED_WINDOW_MS, noteUnverified, recentUnverified } from '../../../src/adapters/redis/unverified-settlements.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';
import { deploymentKey } from '../../../src/adapters/redis/keys.ts';

describe('unverified settlements in Redis', () => {
  const prefix = testPrefix('unverified-store');
  let redis: Redis;
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('counts the outcomes of the last window once each, and forgets older ones', async () => {
    const t = 1_800_000_000_000;
    await noteUnverified(redis, prefix, [{ portalId: 1, outcomeId: 'a#1' }, { portalId: 1, outcomeId: 'b#1' }], t);
    await noteUnverified(redis, prefix, [{ portalId: 1, outcomeId: 'a#1' }], t + 1_000);
    await noteUnverified(redis, prefix, [{ portalId: 2, outcomeId: 'a#1' }], t + 2_000);
    expect(await recentUnverified(redis, prefix, t + 2_000)).toBe(3);
    expect(await recentUnverified(redis, prefix, t + UNVERIFIED_WINDOW_MS + 500)).toBe(2);
    // A note after the window drops what fell out of it: the key never holds more than one window.
    await noteUnverified(redis, prefix, [{ portalId: 3, outcomeId: 'c#1' }], t + UNVERIFIED_WINDOW_MS + 1_500);
    expect(await redis.zcard(deploymentKey(prefix, 'unverified-settlements'))).toBe(2);
    await noteUnverified(redis, prefix, [], t + 10 * UNVERIFIED_WINDOW_MS);
    expect(await recentUnverified(redis, prefix, t + 10 * UNVERIFIED_WINDOW_MS)).toBe(0);
  });
});
