// Use case: the sweeper's policy on the in-memory store and scheduler: wake what has no job, rescue what is stuck, park what never moves.
import { describe, expect, it } from 'vitest';
import { sweep } from '../../src/app/sweep.ts';
import type { SweepDeps } from '../../src/app/sweep.ts';
import { recordRefKey } from '../../src/app/ports.ts';
import type { JobStanding, RecordRef } from '../../src/app/ports.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { T0 } from '../support/scenario.ts';

const NOW = T0 + 3_600_000;
const HOLD = 1_000;
const OVERDUE = 5_000;
const ref = (recordId: string): RecordRef => ({ portalId: 1, objectType: 'ticket', recordId });

async function setup(due: Record<string, number>, standings: Record<string, JobStanding> = {}, over: Partial<SweepDeps> = {}) {
  const store = createMemorySignalStore();
  for (const [recordId, at] of Object.entries(due)) {
    await store.ingest(1, [{ identity: recordId, signal: { kind: 'property', objectType: 'ticket', recordId, at, property: 'stage', value: 'x' } }]);
  }
  // Each record's own job stands where the test puts it; one never woken is 'gone'.
  const scheduler = createMemoryScheduler();
  for (const [recordId, standing] of Object.entries(standings)) scheduler.setStanding(ref(recordId), due[recordId]!, standing);
  const rescues = scheduler.rescues;
  const parked: RecordRef[] = [];
  const deps: SweepDeps = { store, scheduler, clock: () => NOW, holdMs: HOLD, overdueMs: OVERDUE, onParked: (r) => parked.push(r), ...over };
  return { store, scheduler, rescues, parked, deps };
}

describe('sweep', () => {
  it('wakes a due record with its usual job, and leaves one still inside the hold alone', async () => {
    const { scheduler, rescues, deps } = await setup({ due: NOW - HOLD - 2_000, held: NOW - 500 });
    expect(await sweep(deps)).toEqual({ woke: 1, rescued: 0, parked: 0 });
    expect(scheduler.wakes).toEqual([{ record: ref('due'), at: NOW - HOLD - 2_000 }]);
    expect(rescues).toEqual([]);
  });

  it('rescues a long-overdue record whose job is gone, failed or running, not one whose job is queued', async () => {
    const at = NOW - HOLD - OVERDUE - 1;
    const standings: Record<string, JobStanding> = { queued: 'queued', running: 'running', failed: 'failed' };
    const { scheduler, rescues, deps } = await setup({ queued: at, running: at, failed: at, gone: at }, standings);
    expect(await sweep(deps)).toEqual({ woke: 0, rescued: 3, parked: 0 });
    expect(scheduler.wakes).toEqual([]);
    expect(rescues).toHaveLength(1);
    expect(rescues[0]!.slot).toBe(Math.floor(NOW / OVERDUE));
    expect(rescues[0]!.items.map((i) => i.record.recordId).sort()).toEqual(['failed', 'gone', 'running']);
  });

  it('parks a record past maxRescues instead of rescuing it, and says so', async () => {
    const at = NOW - HOLD - OVERDUE - 1;
    const { store, rescues, parked, deps } = await setup({ stuck: at }, {}, { maxRescues: 2 });
    expect(await sweep(deps)).toMatchObject({ rescued: 1, parked: 0 });
    expect(await sweep(deps)).toMatchObject({ rescued: 1, parked: 0 });
    expect(await sweep(deps)).toEqual({ woke: 0, rescued: 0, parked: 1 });
    expect(parked).toEqual([ref('stuck')]);
    expect(rescues).toHaveLength(2);
    expect(await store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([]);
    expect(await store.parked()).toEqual([{ record: ref('stuck'), at }]);
  });

  it('looks into at most 100 overdue records a sweep, oldest first, and reads at most sweepLimit due records', async () => {
    const due: Record<string, number> = {};
    for (let i = 0; i < 120; i++) due[`r${i}`] = NOW - HOLD - OVERDUE - 1_000 + i;
    const { rescues, deps } = await setup(due);
    expect(await sweep(deps)).toMatchObject({ rescued: 100 });
    expect(rescues[0]!.items.map((i) => i.at)).toEqual(Object.values(due).slice(0, 100));
    const limited = await setup(due, {}, { sweepLimit: 7 });
    expect(await sweep(limited.deps)).toMatchObject({ rescued: 7 });
    expect(new Set(limited.rescues[0]!.items.map((i) => recordRefKey(i.record))).size).toBe(7);
  });
});
