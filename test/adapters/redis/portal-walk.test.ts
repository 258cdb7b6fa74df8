// Deployment-wide reads over per-portal keys (src/adapters/redis/portal-walk.ts): the receiver's portal listing, and reads shared fairly among portals that cost about their limit.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAlertStore } from '../../../src/adapters/redis/alert-store.ts';
import { deploymentKey } from '../../../src/adapters/redis/keys.ts';
import { RELIST_MS, portalLister, scoredPage, sharedLowest } from '../../../src/adapters/redis/portal-walk.ts';
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

describe('sharedLowest', () => {
  const portals = `${prefix}:{${prefix}}:shared-portals`;
  const zset = (portalId: number) => `${prefix}:{${portalId}}:shared-due`;

  it('reads about its limit however many portals have a backlog, shares it among them, each oldest first', async () => {
    for (let p = 1; p <= 20; p++) {
      await redis.sadd(portals, String(p));
      await redis.zadd(zset(p), ...Array.from({ length: 200 }, (_, i) => [1_000 * p + i, `${p}:ticket:${i}`]).flat());
    }
    let read = 0;
    const page = async (p: number, offset: number, count: number) => {
      const entries = await scoredPage(redis, zset(p), Number.POSITIVE_INFINITY, offset, count);
      read += entries.length;
      return entries;
    };
    const got = await sharedLowest(redis, portals, 100, page);
    expect(got).toHaveLength(100);
    // Reading each portal's first 100 would have read 2,000 entries.
    expect(read).toBe(100);
    for (let p = 1; p <= 20; p++) expect(got.filter((e) => e.key.startsWith(`${p}:`)).map((e) => e.key)).toEqual([0, 1, 2, 3, 4].map((i) => `${p}:ticket:${i}`));
    expect(got.map((e) => e.at)).toEqual([...got.map((e) => e.at)].sort((a, b) => a - b));
  });

  it('gives one busy portal among idle ones the whole limit, in rounds', async () => {
    await redis.sadd(portals, '21', '22', '23');
    await redis.zadd(zset(22), ...Array.from({ length: 50 }, (_, i) => [i, `22:ticket:${i}`]).flat());
    const only = `${prefix}:{${prefix}}:shared-portals-2`;
    await redis.sadd(only, '21', '22', '23');
    const got = await sharedLowest(redis, only, 30, (p, offset, count) => scoredPage(redis, zset(p), Number.POSITIVE_INFINITY, offset, count));
    expect(got.map((e) => e.key)).toEqual(Array.from({ length: 30 }, (_, i) => `22:ticket:${i}`));
  });
});

describe('alert deliveries taken across portals', () => {
  it('takes the oldest due of every portal, not the first portal’s backlog only', async () => {
    const alerts = createRedisAlertStore(redis, `${prefix}-alerts`);
    // A portal with an alert has stored signals first, which listed it.
    await redis.sadd(deploymentKey(`${prefix}-alerts`, 'portals'), '1', '2');
    const claim = async (portalId: number, thresholds: number[], at: number) => {
      const check = { portalId, criteriaId: 'resolve', period: '2026-11', at };
      const { revision } = await alerts.snapshot(check);
      const fired = thresholds.map((threshold) => ({ criteriaId: 'resolve', period: '2026-11', threshold, chargeMinor: 100n, expectedMinor: 200n, currency: 'USD', firedAt: at }));
      expect(await alerts.claim(check, revision, fired, at)).toHaveLength(thresholds.length);
    };
    // Portal 1 has 60 deliveries due from t=1,000; portal 2 one due since t=1 (before, a run of 50 took portal 1's only).
    await claim(1, Array.from({ length: 60 }, (_, i) => i + 1), 1_000);
    await claim(2, [50], 1);
    const taken = await alerts.take(2_000, 9_000, 50);
    expect(taken).toHaveLength(50);
    expect(taken.filter((d) => d.alertId.startsWith('2:'))).toHaveLength(1);
  });
});
