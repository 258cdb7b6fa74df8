// One conformance suite for every CrmSnapshotStore: the Redis store and the in-memory one must both pass it.
import { afterAll, describe, expect, it } from 'vitest';
import type { CrmSnapshotStore, RecordRef } from '../../src/app/ports.ts';

export interface SnapshotStoreFactory {
  /** A new, empty store: called once per test. */
  create(): Promise<CrmSnapshotStore>;
  cleanup?(): Promise<void>;
}

const ref = (recordId: string): RecordRef => ({ portalId: 3, objectType: 'deal', recordId });

export function describeCrmSnapshotStore(name: string, factory: SnapshotStoreFactory): void {
  describe(`CrmSnapshotStore conformance: ${name}`, () => {
    afterAll(async () => factory.cleanup?.());

    it('queues read requests oldest first, a repeated request keeping its place, up to a limit', async () => {
      const store = await factory.create();
      await store.request(ref('1'), 3_000);
      await store.request(ref('2'), 1_000);
      await store.request(ref('3'), 2_000);
      await store.request(ref('2'), 5_000);
      expect(await store.requested(10)).toEqual([
        { record: ref('2'), requestedAt: 1_000 },
        { record: ref('3'), requestedAt: 2_000 },
        { record: ref('1'), requestedAt: 3_000 },
      ]);
      expect((await store.requested(1)).map((r) => r.record)).toEqual([ref('2')]);
      expect(await store.waiting()).toBe(3);
    });

    it('keeps the snapshot saved and closes the record’s request', async () => {
      const store = await factory.create();
      expect(await store.get(ref('1'))).toBeNull();
      await store.request(ref('1'), 1_000);
      await store.request(ref('2'), 1_500);
      const snapshot = { readAt: 2_000, found: true, properties: { dealstage: 'closedwon', amount: '' } };
      await store.save(ref('1'), snapshot);
      expect(await store.get(ref('1'))).toEqual(snapshot);
      expect(await store.requested(10)).toEqual([{ record: ref('2'), requestedAt: 1_500 }]);
      expect(await store.waiting()).toBe(1);
      // A newer read replaces the older one; a record HubSpot does not have is a snapshot too.
      await store.save(ref('1'), { readAt: 3_000, found: false, properties: {} });
      expect(await store.get(ref('1'))).toEqual({ readAt: 3_000, found: false, properties: {} });
    });
  });
}
