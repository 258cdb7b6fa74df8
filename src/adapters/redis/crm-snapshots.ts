// Records' properties as read from HubSpot: read requests queued by workers, snapshots written by the reader.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import type { CrmSnapshot, CrmSnapshotStore, RecordRef } from '../../app/ports.ts';
import { recordRefKey } from '../../app/ports.ts';
import { parseRecordKey } from './signal-store.ts';

/** A snapshot is evidence for one settlement: a day is far longer than any wait for it. */
const SNAPSHOT_TTL_MS = 24 * 3_600_000;

const snapshotSchema = z.strictObject({ readAt: z.number(), found: z.boolean(), properties: z.record(z.string(), z.string()) });

export function createCrmSnapshotStore(redis: RedisClient, prefix: string): CrmSnapshotStore {
  const requests = `${prefix}:crm-read-requests`;
  const snapshotKey = (r: RecordRef) => `${prefix}:crm:${recordRefKey(r)}`;
  return {
    async request(record, now) {
      // NX keeps the first request's time: a record waiting for a read keeps its place in line.
      await redis.zadd(requests, 'NX', now, recordRefKey(record));
    },
    async get(record) {
      const raw = await redis.get(snapshotKey(record));
      return raw === null ? null : snapshotSchema.parse(JSON.parse(raw));
    },
    async requested(limit) {
      const raw = await redis.zrange(requests, '0', String(limit - 1), 'WITHSCORES');
      const out: { record: RecordRef; requestedAt: number }[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const record = parseRecordKey(raw[i]!);
        if (record) out.push({ record, requestedAt: Number(raw[i + 1]) });
      }
      return out;
    },
    async save(record, snapshot: CrmSnapshot) {
      await redis
        .multi()
        .set(snapshotKey(record), JSON.stringify(snapshot), 'PX', SNAPSHOT_TTL_MS)
        .zrem(requests, recordRefKey(record))
        .exec();
    },
    async waiting() {
      return redis.zcard(requests);
    },
  };
}
