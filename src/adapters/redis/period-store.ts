// Closed periods in Redis: one hash per portal, period -> the snapshot's canonical JSON and SHA-256, written with HSETNX so a close never overwrites one.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import type { PeriodStore, StoredSnapshot } from '../../app/period-ports.ts';
import { portalKey } from './keys.ts';

export const periodsKey = (prefix: string, portalId: number): string => portalKey(prefix, portalId, 'periods');

const stored = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), text: z.string() });

/**
 * HSETNX makes a close idempotent and a snapshot immutable through this store: a second close, even a
 * concurrent one from another process, finds the field taken and changes nothing. Redis runs with
 * `noeviction` and its persistence (docs/running.md), so the snapshot lasts as long as the ledger.
 */
export function createRedisPeriodStore(redis: RedisClient, prefix: string): PeriodStore {
  const decode = (period: string, raw: string): StoredSnapshot => {
    const parsed = stored.safeParse(JSON.parse(raw));
    // An unreadable entry is handed on with an impossible hash, so the caller reports it as changed after close.
    return parsed.success ? { period, ...parsed.data } : { period, text: raw, sha256: 'unreadable' };
  };
  return {
    async closed(portalId) {
      const all = await redis.hgetall(periodsKey(prefix, portalId));
      return Object.entries(all)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([period, raw]) => decode(period, raw));
    },
    async close(portalId, snapshot) {
      const key = periodsKey(prefix, portalId);
      const value = JSON.stringify({ sha256: snapshot.sha256, text: snapshot.text });
      if ((await redis.hsetnx(key, snapshot.period, value)) === 1) return { kind: 'closed' };
      return { kind: 'already', stored: decode(snapshot.period, (await redis.hget(key, snapshot.period))!) };
    },
  };
}
