// The in-memory stores pass the same conformance suites as the Redis ones.
import { createMemoryCriteriaRegistry } from '../../../src/adapters/memory/criteria-registry.ts';
import { createMemoryCrmSnapshotStore } from '../../../src/adapters/memory/crm-snapshots.ts';
import { createMemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import { createMemoryWritebackStore } from '../../../src/adapters/memory/writeback-store.ts';
import { recordRefKey } from '../../../src/app/ports.ts';
import type { RecordRef } from '../../../src/app/ports.ts';
import { describeCriteriaRegistry } from '../../support/criteria-registry-conformance.ts';
import { describeCrmSnapshotStore } from '../../support/crm-snapshot-store-conformance.ts';
import { describeSignalStore } from '../../support/signal-store-conformance.ts';
import { describeWritebackStore } from '../../support/writeback-store-conformance.ts';

const entryOf = <T extends { record: RecordRef }>(entries: readonly T[], record: RecordRef): T | undefined => entries.find((e) => recordRefKey(e.record) === recordRefKey(record));

describeSignalStore('in memory', {
  async create() {
    const store = createMemorySignalStore();
    return {
      store,
      outcomeCounts: () => store.outcomeCounts(),
      outboxDueAt: async (record) => entryOf(await store.outbox(), record)?.dueAt ?? null,
      parkedAt: async (record) => entryOf(await store.parked(), record)?.at ?? null,
    };
  },
  async unavailable() {
    const store = createMemorySignalStore();
    store.simulateOutage(true);
    return store;
  },
});

describeCrmSnapshotStore('in memory', { create: async () => createMemoryCrmSnapshotStore() });

describeWritebackStore('in memory', {
  async create() {
    const signals = createMemorySignalStore();
    return { store: createMemoryWritebackStore(signals), signals };
  },
});

describeCriteriaRegistry('in memory', {
  async create() {
    // One object is what every process shares: the registry is the state.
    const registry = createMemoryCriteriaRegistry();
    return [registry, registry];
  },
});
