// Records' properties as read from HubSpot: read requests queued by workers, snapshots written by the reader.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import type { CrmSnapshot, CrmSnapshotStore, RecordRef } from '../../app/ports.ts';
import { recordRefKey } from '../../app/ports.ts';
import { portalKey } from './keys.ts';
import { acrossPortals, portalLister, scoredPage, sharedLowest } from './portal-walk.ts';
import { parseRecordKey, redisKeys } from './signal-store.ts';

/** A snapshot is evidence for one settlement: a day is far longer than any wait for it. */
const SNAPSHOT_TTL_MS = 24 * 3_600_000;

const snapshotSchema = z.strictObject({ readAt: z.number(), found: z.boolean(), properties: z.record(z.string(), z.string()) });

export function createCrmSnapshotStore(redis: RedisClient, prefix: string): CrmSnapshotStore {
  // Both the portal's: the reader's save writes a snapshot and takes its request in one MULTI.
  const requests = (portalId: number) => portalKey(prefix, portalId, 'crm-read-requests');
  const snapshotKey = (r: RecordRef) => portalKey(prefix, r.portalId, `crm:${recordRefKey(r)}`);
  const { portals } = redisKeys(prefix);
  // A record waiting for its read asks again on every pass: the portal is listed once a minute, not each time.
  const list = portalLister(redis, portals);
  return {
    async request(record, now) {
      // NX keeps the first request's time: a record waiting for a read keeps its place in line.
      await list(record.portalId);
      await redis.zadd(requests(record.portalId), 'NX', now, recordRefKey(record));
    },
    async get(record) {
      const raw = await redis.get(snapshotKey(record));
      return raw === null ? null : snapshotSchema.parse(JSON.parse(raw));
    },
    // The oldest requests, up to `limit`, shared among the portals (portal-walk.ts).
    async requested(limit) {
      const page = (portalId: number, offset: number, count: number) => scoredPage(redis, requests(portalId), Number.POSITIVE_INFINITY, offset, count);
      return (await sharedLowest(redis, portals, limit, page)).flatMap(({ key, at }) => {
        const record = parseRecordKey(key);
        return record ? [{ record, requestedAt: at }] : [];
      });
    },
    async save(record, snapshot: CrmSnapshot) {
      await redis
        .multi()
        .set(snapshotKey(record), JSON.stringify(snapshot), 'PX', SNAPSHOT_TTL_MS)
        .zrem(requests(record.portalId), recordRefKey(record))
        .exec();
    },
    async waiting() {
      return (await acrossPortals(redis, portals, (portalId) => redis.zcard(requests(portalId)))).reduce((a, b) => a + b, 0);
    },
  };
}
