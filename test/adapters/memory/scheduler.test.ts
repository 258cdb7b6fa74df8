// The memory scheduler: what a run asked for (wakes, rescues) and where a record's own job stands, as the queue would report it.
import { describe, expect, it } from 'vitest';
import { createMemoryScheduler } from '../../../src/adapters/memory/scheduler.ts';
import type { RecordRef } from '../../../src/app/ports.ts';

const ref = (recordId: string): RecordRef => ({ portalId: 1, objectType: 'ticket', recordId });

describe('memory scheduler', () => {
  it('keeps every wake-up and rescue asked for, repeats included, and no empty rescue', async () => {
    const scheduler = createMemoryScheduler();
    await scheduler.wake(ref('1'), 1_000);
    await scheduler.wakeMany([{ record: ref('1'), at: 1_000 }, { record: ref('2'), at: 2_000 }]);
    await scheduler.rescue([{ record: ref('3'), at: 500 }], 7);
    await scheduler.rescue([], 7);
    await scheduler.rescue([{ record: ref('3'), at: 500 }], 7);
    expect(scheduler.wakes).toEqual([{ record: ref('1'), at: 1_000 }, { record: ref('1'), at: 1_000 }, { record: ref('2'), at: 2_000 }]);
    expect(scheduler.rescues).toEqual([{ items: [{ record: ref('3'), at: 500 }], slot: 7 }, { items: [{ record: ref('3'), at: 500 }], slot: 7 }]);
    scheduler.clear();
    expect(scheduler.wakes).toEqual([]);
    expect(scheduler.rescues).toEqual([]);
  });

  it('reports a job woken for (record, time) as queued until cleared, one never woken as gone, or what the test set', async () => {
    const scheduler = createMemoryScheduler();
    await scheduler.wake(ref('1'), 1_000);
    expect(await scheduler.jobStanding(ref('1'), 1_000)).toBe('queued');
    // Another due time is another job.
    expect(await scheduler.jobStanding(ref('1'), 2_000)).toBe('gone');
    expect(await scheduler.jobStanding(ref('2'), 1_000)).toBe('gone');
    scheduler.setStanding(ref('2'), 1_000, 'running');
    scheduler.setStanding(ref('1'), 1_000, 'failed');
    expect(await scheduler.jobStanding(ref('2'), 1_000)).toBe('running');
    expect(await scheduler.jobStanding(ref('1'), 1_000)).toBe('failed');
    await scheduler.wake(ref('3'), 1_000);
    scheduler.clear();
    expect(await scheduler.jobStanding(ref('3'), 1_000)).toBe('gone');
  });
});
