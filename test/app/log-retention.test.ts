// Use case: the portal logs' retention on the in-memory store: every portal trimmed to the retention, in steps, at most once a minute, from the sweeper.
import { describe, expect, it } from 'vitest';
import { TRIM_SLACK_MS, createLogRetention } from '../../src/app/log-retention.ts';
import type { LogRetentionDeps } from '../../src/app/log-retention.ts';
import type { LogTrimStep, PortalLogEntry, SignalStore } from '../../src/app/ports.ts';
import { sweep } from '../../src/app/sweep.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { Signal } from '../../src/core/types.ts';

const DAY = 86_400_000;
const RETENTION = 35 * DAY;
const NOW = Date.parse('2026-12-03T00:00:00Z');
const press = (recordId: string, at: number): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property: 'stage', value: String(at) });

/** Signals at these ages (days before NOW), one portal each list. */
async function storeWith(portals: Record<number, readonly number[]>) {
  const store = createMemorySignalStore();
  for (const [portal, ages] of Object.entries(portals)) {
    await store.ingest(Number(portal), ages.map((age, i) => ({ identity: `${portal}-${i}`, signal: press(String(i), NOW - age * DAY) })));
  }
  return store;
}

async function ages(store: SignalStore, portalId: number): Promise<number[]> {
  const out: number[] = [];
  for await (const e of store.portalLog(portalId)) if (e.entry === 'signal') out.push((NOW - e.signal.at) / DAY);
  return out;
}

describe('the portal logs’ retention', () => {
  it('trims every portal’s log to the retention, older entries behind a newer one waiting for the head', async () => {
    const store = await storeWith({ 1: [40, 36, 35, 10, 50], 2: [90, 80], 3: [1] });
    const clock = { now: NOW };
    const retention = createLogRetention({ store, clock: () => clock.now, retentionMs: RETENTION });
    expect(await retention.run()).toEqual({ portals: 3, removed: 4 });
    expect(await ages(store, 1)).toEqual([35, 10, 50]);
    expect(await ages(store, 2)).toEqual([]);
    expect(await ages(store, 3)).toEqual([1]);
    // Nothing more until a minute has passed; then the retention has moved on a minute too.
    clock.now += 59_999;
    expect(await retention.run()).toBeNull();
    // The trim keeps an hour more than the retention (a web process's clock may run behind): the entry
    // exactly 35 days old stays an hour on, and goes a minute after that.
    clock.now = NOW + TRIM_SLACK_MS;
    expect(await retention.run()).toEqual({ portals: 3, removed: 0 });
    clock.now += 60_000;
    expect(await retention.run()).toEqual({ portals: 3, removed: 1 });
    expect(await ages(store, 1)).toEqual([10, 50]);
    clock.now += 26 * DAY;
    expect(await retention.run()).toEqual({ portals: 3, removed: 2 });
    expect(await ages(store, 1)).toEqual([]);
    expect(await ages(store, 3)).toEqual([1]);
  });

  it('works through a long log in steps of stepLimit, at most maxSteps a portal a run', async () => {
    const store = await storeWith({ 1: Array.from({ length: 25 }, () => 40), 2: [40, 40, 40] });
    const calls: [number, number][] = [];
    const counted: LogRetentionDeps['store'] = {
      portals: () => store.portals(),
      trimLog: (portalId, before, limit) => (calls.push([portalId, limit]), store.trimLog(portalId, before, limit)),
    };
    const clock = { now: NOW };
    const retention = createLogRetention({ store: counted, clock: () => clock.now, retentionMs: RETENTION, stepLimit: 10, maxSteps: 2 });
    expect(await retention.run()).toEqual({ portals: 2, removed: 23 });
    expect(calls).toEqual([[1, 10], [1, 10], [2, 10]]);
    clock.now += 60_000;
    expect(await retention.run()).toEqual({ portals: 2, removed: 5 });
    expect(await ages(store, 1)).toEqual([]);
  });

  it('reports a portal whose log’s head has no readable time, and goes on with the others', async () => {
    const steps: Record<number, LogTrimStep> = { 1: { removed: 2, state: 'unreadable' }, 2: { removed: 1, state: 'done' } };
    const unreadable: number[] = [];
    const retention = createLogRetention({
      store: { portals: async () => [1, 2], trimLog: async (portalId) => steps[portalId]! },
      clock: () => NOW,
      retentionMs: RETENTION,
      onUnreadable: (portalId) => unreadable.push(portalId),
    });
    expect(await retention.run()).toEqual({ portals: 2, removed: 3 });
    expect(unreadable).toEqual([1]);
  });

  it('runs from the sweeper, after its own work, and says how much it removed', async () => {
    const store = await storeWith({ 1: [40, 1] });
    const clock = { now: NOW };
    const logRetention = createLogRetention({ store, clock: () => clock.now, retentionMs: RETENTION });
    const deps = { store, scheduler: createMemoryScheduler(), clock: () => clock.now, holdMs: 1_000, logRetention };
    expect(await sweep(deps)).toMatchObject({ logTrimmed: 1 });
    clock.now += 5_000;
    expect(await sweep(deps)).not.toHaveProperty('logTrimmed');
    const log: PortalLogEntry[] = [];
    for await (const e of store.portalLog(1)) log.push(e);
    expect(log).toEqual([{ entry: 'signal', signal: press('1', NOW - DAY) }]);
  });

  it('leaves the sweep as it was when a trim fails: the error is the job’s, the records are woken', async () => {
    const store = createMemorySignalStore();
    await store.ingest(1, [{ identity: 'a', signal: press('1', NOW - 2_000) }]);
    const scheduler = createMemoryScheduler();
    const logRetention = { run: async () => Promise.reject(new Error('Redis went away')) };
    await expect(sweep({ store, scheduler, clock: () => NOW, holdMs: 1_000, logRetention })).rejects.toThrow('Redis went away');
    expect(scheduler.wakes).toHaveLength(1);
  });
});
