// Use case: processing one record, on the in-memory store (test/integration/process-record.test.ts runs the same path on Redis).
import { describe, expect, it } from 'vitest';
import { RecordContendedError, processRecord } from '../../src/app/process-record.ts';
import type { ProcessDeps } from '../../src/app/process-record.ts';
import type { IngestItem, RecordRef, SignalStore } from '../../src/app/ports.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';

const criteria = criteriaSet({ exclude: [{ if: 'spam', label: 'spam' }] });
const HOLD = 1_000;
const HOUR = 3_600_000;
const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '5' };
const set = (i: number, property: string, value: string): IngestItem => ({
  identity: `${i}/${property}`,
  signal: { kind: 'property', objectType: 'ticket', recordId: '5', at: T0 + i, property, value },
});

function setup(over: { store?: (s: MemorySignalStore) => SignalStore; holdMs?: number } = {}) {
  const store = createMemorySignalStore();
  const scheduler = createMemoryScheduler();
  const clock = { now: T0 };
  const deps: ProcessDeps = { store: over.store?.(store) ?? store, scheduler, criteria: () => criteria, clock: () => clock.now, holdMs: over.holdMs ?? HOLD };
  const statuses = async () => (await store.load(record, Number.NEGATIVE_INFINITY)).state?.outcomes.map((o) => o.status);
  return { store, scheduler, clock, deps, statuses };
}

describe('processRecord', () => {
  it('leaves no due time behind when a run opens an attempt and settles it (no stale deadline)', async () => {
    const { store, clock, deps, statuses } = setup({ holdMs: 0 });
    await store.ingest(1, [set(0, 'agent_started_at', 'x'), set(1, 'spam', 'true')]);
    clock.now = T0 + 10;
    expect(await processRecord(deps, record)).toMatchObject({ kind: 'processed', applied: 2, nextWakeAt: null });
    expect(await store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([]);
    expect(await statuses()).toEqual(['not_billable']);
  });

  it('applies only the signals older than the hold, and wakes the record for the next due time', async () => {
    const { store, scheduler, clock, deps, statuses } = setup();
    await store.ingest(1, [set(0, 'agent_started_at', 'x'), set(1_500, 'stage', 'closed')]);
    clock.now = T0 + 1_200;
    expect(await processRecord(deps, record)).toMatchObject({ kind: 'processed', applied: 1, nextWakeAt: T0 + 1_500 });
    expect(await statuses()).toEqual(['open']);
    expect(scheduler.wakes).toEqual([{ record, at: T0 + 1_500 }]);
  });

  it('wakes the record at its deadline when a press leaves a timer running, and fires it then', async () => {
    const { store, scheduler, clock, deps, statuses } = setup();
    await store.ingest(1, [set(0, 'agent_started_at', 'x')]);
    clock.now = T0 + HOLD;
    expect(await processRecord(deps, record)).toMatchObject({ applied: 1, nextWakeAt: T0 + HOUR });
    expect(scheduler.wakes).toEqual([{ record, at: T0 + HOUR }]);
    clock.now = T0 + HOUR + HOLD;
    expect(await processRecord(deps, record)).toMatchObject({ applied: 0, nextWakeAt: null });
    expect(await statuses()).toEqual(['not_billable']);
    expect(await store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([]);
  });

  it('writes nothing when another job already applied everything and no timer is due', async () => {
    const { store, scheduler, clock, deps } = setup();
    await store.ingest(1, [set(0, 'agent_started_at', 'x')]);
    clock.now = T0 + HOLD;
    await processRecord(deps, record);
    const version = (await store.load(record, 0)).version;
    scheduler.clear();
    expect(await processRecord(deps, record)).toMatchObject({ kind: 'processed', applied: 0, changed: [] });
    expect((await store.load(record, 0)).version).toBe(version);
    expect(scheduler.wakes).toEqual([]);
  });

  it('loses the compare-and-set to another worker, loads again and decides on the winner’s state', async () => {
    let raced = false;
    const { store, clock, deps, statuses } = setup({
      store: (s) => ({
        ...s,
        async load(r, watermark) {
          const loaded = await s.load(r, watermark);
          if (!raced) {
            raced = true;
            const winner = newRecordState('ticket', '5');
            winner.props.set('spam', 'true');
            await s.commit({ record: r, version: loaded.version, state: winner, applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
          }
          return loaded;
        },
      }),
    });
    await store.ingest(1, [set(0, 'agent_started_at', 'x')]);
    clock.now = T0 + HOLD;
    expect(await processRecord(deps, record)).toMatchObject({ kind: 'processed', applied: 1, conflicts: 1 });
    // The winner's state said spam: the press is excluded, which only a decision on that state can show.
    expect(await statuses()).toEqual(['not_billable']);
    expect((await store.load(record, 0)).version).toBe(2);
  });

  it('gives up with RecordContendedError when it keeps losing, so the job fails and retries later', async () => {
    const { store, clock, deps } = setup({ store: (s) => ({ ...s, commit: async () => ({ ok: false, nextPendingAt: null, dueAt: null, dueChanged: false }) }) });
    await store.ingest(1, [set(0, 'agent_started_at', 'x')]);
    clock.now = T0 + HOLD;
    await expect(processRecord(deps, record)).rejects.toBeInstanceOf(RecordContendedError);
  });

  it('applies in the same job the signals that came in and fell due while it worked', async () => {
    let more = true;
    const { store, clock, deps, statuses } = setup({
      store: (s) => ({
        ...s,
        async load(r, watermark) {
          const loaded = await s.load(r, watermark);
          // Stored after this load, before its commit: the commit reports it pending, and already due.
          if (more) await s.ingest(1, [set(10, 'spam', 'true')]);
          more = false;
          return loaded;
        },
      }),
    });
    await store.ingest(1, [set(0, 'agent_started_at', 'x')]);
    clock.now = T0 + HOLD + 10;
    expect(await processRecord(deps, record)).toMatchObject({ kind: 'processed', applied: 2, conflicts: 0 });
    expect(await statuses()).toEqual(['not_billable']);
  });
});
