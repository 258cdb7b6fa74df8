// The webhook quarantine, in Redis and in memory alike: newest first, each event once, bounded in count and age, one set per portal.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryQuarantineStore } from '../../../src/adapters/memory/quarantine-store.ts';
import { createRedisQuarantineStore, quarantineKey } from '../../../src/adapters/redis/quarantine-store.ts';
import type { QuarantineBounds } from '../../../src/adapters/redis/quarantine-store.ts';
import type { QuarantineStore, QuarantinedEvent } from '../../../src/app/quarantine-ports.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

const HOUR = 3_600_000;
const T = Date.parse('2026-11-03T12:00:00Z');
const BOUNDS: QuarantineBounds = { maxEntries: 3, retentionMs: 24 * HOUR };

const bad = (eventId: number, attemptNumber = 0): QuarantinedEvent => ({
  reason: 'invalid_event',
  problems: [{ code: 'required', path: ['occurredAt'], message: 'is required' }],
  event: { eventId, portalId: 7, attemptNumber },
});
const ids = (r: { entries: { event: unknown }[] }) => r.entries.map((e) => (e.event as { eventId: number }).eventId);

let redis: Redis;
const prefix = testPrefix('quarantine');
beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  redis.disconnect();
});

const stores: [string, () => QuarantineStore][] = [
  ['memory', () => createMemoryQuarantineStore(BOUNDS)],
  ['redis', () => createRedisQuarantineStore(redis, `${prefix}:${Math.random().toString(36).slice(2)}`, BOUNDS)],
];

describe.each(stores)('%s quarantine store', (_name, make) => {
  it('lists newest first with the time first received, and the total kept', async () => {
    const store = make();
    await store.add(7, [bad(1)], T);
    await store.add(7, [bad(2), { ...bad(3), reason: 'future_event' }], T + 1_000);
    const all = await store.list(7, 10, T + 2_000);
    expect(all.total).toBe(3);
    expect(all.entries[0]).toEqual({ receivedAt: T + 1_000, reason: expect.any(String), problems: expect.any(Array), event: expect.any(Object) });
    // HubSpot's attemptNumber is not kept: it is what differs between two sends of one event.
    expect(all.entries.at(-1)).toEqual({ receivedAt: T, reason: 'invalid_event', problems: bad(1).problems, event: { eventId: 1, portalId: 7 } });
    expect(await store.list(7, 1, T + 2_000)).toMatchObject({ total: 3, entries: [{ receivedAt: T + 1_000 }] });
  });

  it('keeps an event sent again (another attempt) once, at its first time', async () => {
    const store = make();
    await store.add(7, [bad(1, 0)], T);
    await store.add(7, [bad(1, 3)], T + 5_000);
    expect(await store.list(7, 10, T + 6_000)).toMatchObject({ total: 1, entries: [{ receivedAt: T }] });
  });

  it('keeps the newest maxEntries per portal, and other portals apart', async () => {
    const store = make();
    for (let i = 1; i <= 5; i += 1) await store.add(7, [bad(i)], T + i);
    await store.add(8, [bad(99)], T);
    await store.add(null, [bad(100)], T);
    expect(ids(await store.list(7, 10, T + 10))).toEqual([5, 4, 3]);
    expect(ids(await store.list(8, 10, T + 10))).toEqual([99]);
    expect(ids(await store.list(null, 10, T + 10))).toEqual([100]);
  });

  it('drops entries past the retention, and does not list them meanwhile', async () => {
    const store = make();
    await store.add(7, [bad(1)], T);
    await store.add(7, [bad(2)], T + 2 * HOUR);
    expect(ids(await store.list(7, 10, T + 25 * HOUR))).toEqual([2]);
    await store.add(7, [bad(3)], T + 25 * HOUR);
    expect(await store.list(7, 10, T)).toMatchObject({ total: 2 });
  });
});

describe('redis quarantine store', () => {
  it('sets the key to expire after the retention, so a quiet portal leaves nothing behind', async () => {
    const p = `${prefix}:ttl`;
    await createRedisQuarantineStore(redis, p, BOUNDS).add(9, [bad(1)], T);
    const ttl = await redis.pttl(quarantineKey(p, 9));
    expect(ttl).toBeGreaterThan(23 * HOUR);
    expect(ttl).toBeLessThanOrEqual(24 * HOUR);
  });
});
