// CRM snapshots and read requests in memory, with the Redis store's semantics: for use-case tests that need no Redis.
import { recordRefKey } from '../../app/ports.ts';
import type { CrmSnapshot, CrmSnapshotStore, RecordRef } from '../../app/ports.ts';
import { SortedSet } from './sorted-set.ts';

/** As in Redis: a snapshot is evidence for one settlement, a day is far longer than any wait for it. */
const SNAPSHOT_TTL_MS = 24 * 3_600_000;

export function createMemoryCrmSnapshotStore(options: { readonly clock?: () => number } = {}): CrmSnapshotStore {
  const clock = options.clock ?? Date.now;
  const requests = new SortedSet();
  const refs = new Map<string, RecordRef>();
  const snapshots = new Map<string, { readonly json: string; readonly expiresAt: number }>();
  return {
    async request(record, now) {
      const key = recordRefKey(record);
      refs.set(key, { portalId: record.portalId, objectType: record.objectType, recordId: record.recordId });
      // The first request's time is kept: a record waiting for a read keeps its place in line.
      requests.addNew(key, now);
    },
    async get(record) {
      const s = snapshots.get(recordRefKey(record));
      // Stored as JSON, as Redis stores it: each reader gets its own copy.
      return s === undefined || s.expiresAt <= clock() ? null : (JSON.parse(s.json) as CrmSnapshot);
    },
    async requested(limit) {
      return requests.upTo(Number.POSITIVE_INFINITY, Math.max(0, limit)).map(([key, requestedAt]) => ({ record: refs.get(key)!, requestedAt }));
    },
    async save(record, snapshot) {
      const key = recordRefKey(record);
      snapshots.set(key, { json: JSON.stringify(snapshot), expiresAt: clock() + SNAPSHOT_TTL_MS });
      requests.delete(key);
    },
    async waiting() {
      return requests.size;
    },
  };
}
