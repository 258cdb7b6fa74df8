// Use case: processing one record, on the in-memory store (test/integration/process-record.test.ts runs the same path on Redis).
import { describe, expect, it } from 'vitest';
import { RecordContendedError, processRecord } from '../../src/app/process-record.ts';
import type { ProcessDeps } from '../../src/app/process-record.ts';
import type { IngestItem, RecordRef, SignalStore } from '../../src/app/ports.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { submitAction } from '../../src/app/submit-action.ts';
import type { ActionBody } from '../../src/app/submit-action.ts';
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

  it('queues changes for write-back only when there is a HubSpot token to drain them (writeBack)', async () => {
    for (const writeBack of [true, false]) {
      const { store, clock, deps, statuses } = setup({ holdMs: 0 });
      await store.ingest(1, [set(0, 'agent_started_at', 'x'), set(1, 'spam', 'true')]);
      clock.now = T0 + 10;
      await processRecord({ ...deps, writeBack }, record);
      expect(await statuses()).toEqual(['not_billable']);
      expect(await store.outbox()).toEqual(writeBack ? [{ record, dueAt: T0 + 10 }] : []);
    }
  });
});

describe('processRecord with operator actions', () => {
  const MIN = 60_000;
  const retrying = criteriaSet({ retry_window: '1h' });
  const ann = { userId: 7, email: 'ann@example.com' };
  const rex = { userId: 9, email: 'rex@example.com' };
  const outcomeId = 'resolve:ticket:5:2026-11-03#1';
  const press = (minutes: number): IngestItem => ({ identity: `${minutes}/press`, signal: { kind: 'property', objectType: 'ticket', recordId: '5', at: T0 + minutes * MIN, property: 'agent_started_at', value: String(minutes) } });
  const closed = (minutes: number): IngestItem => ({ identity: `${minutes}/closed`, signal: { kind: 'property', objectType: 'ticket', recordId: '5', at: T0 + minutes * MIN, property: 'stage', value: 'closed' } });

  function actionSetup() {
    const store = createMemorySignalStore();
    const scheduler = createMemoryScheduler();
    const clock = { now: T0 };
    const resolvers = { userIds: new Set([9]), emails: new Set<string>() };
    const submit = (body: ActionBody, user = ann) => submitAction({ store, scheduler, criteria: () => retrying, clock: () => clock.now, resolvers }, { portalId: 1, requestId: `r-${clock.now}`, user, body });
    const process = () => processRecord({ store, scheduler, criteria: () => retrying, clock: () => clock.now, holdMs: HOLD }, record);
    const state = async () => (await store.load(record, Number.NEGATIVE_INFINITY)).state!;
    return { store, clock, submit, process, state };
  }

  it('applies dispute actions in at order among the signals: a press after the upheld dispute opens a new attempt', async () => {
    const { store, clock, submit, process, state } = actionSetup();
    await store.ingest(1, [press(0), closed(5)]);
    clock.now = T0 + 6 * MIN + HOLD;
    await process();
    // Stored before the dispute (a lower sequence), but later in event time.
    await store.ingest(1, [press(20)]);
    clock.now = T0 + 10 * MIN;
    expect((await submit({ type: 'open_dispute', outcomeId, reason: 'Wrong record: x' })).kind).toBe('accepted');
    clock.now = T0 + 11 * MIN;
    expect((await submit({ type: 'resolve_dispute', outcomeId, resolution: 'upheld', note: 'agreed' }, rex)).kind).toBe('accepted');
    clock.now = T0 + 30 * MIN + HOLD;
    expect(await process()).toMatchObject({ kind: 'processed', applied: 1, actions: 2, refused: [] });
    const outcomes = (await state()).outcomes;
    // The record is still closed: the new attempt succeeds at once (before the credit it would have been a duplicate).
    expect(outcomes.map((o) => [o.outcomeId, o.status, o.duplicates])).toEqual([[outcomeId, 'credited', 0], ['resolve:ticket:5:2026-11-03#2', 'billable', 0]]);
    // Each applied action is in the outcome's trail with who and when.
    expect(outcomes[0]!.trail.filter((t) => t.type.startsWith('dispute_'))).toEqual([
      { at: T0 + 10 * MIN, version: 1, type: 'dispute_opened', by: ann, note: 'Wrong record: x' },
      { at: T0 + 11 * MIN, version: 1, type: 'dispute_upheld', by: rex, note: 'agreed' },
    ]);
    expect((await store.load(record, Number.POSITIVE_INFINITY)).actions).toEqual([]);
  });

  it('applies the signals of an instant before its actions: a success and a dispute at one time, stored dispute first', async () => {
    const { store, clock, process, state } = actionSetup();
    await store.ingest(1, [press(0)]);
    clock.now = T0 + MIN + HOLD;
    await process();
    const loaded = await store.load(record, T0 + 5 * MIN);
    const action = { type: 'open_dispute' as const, at: T0 + 5 * MIN, by: ann, outcomeId, reason: 'Other: same instant' };
    // Stored as is (its dry run would refuse it: the success is not in yet), then the success at the same instant.
    await store.storeAction({ kind: 'dispute', portalId: 1, requestId: 'direct', fingerprint: 'f', answer: { action, outcome: null }, action, record, version: loaded.version, pendingCount: 0 });
    await store.ingest(1, [closed(5)]);
    clock.now = T0 + 6 * MIN + HOLD;
    expect(await process()).toMatchObject({ applied: 1, actions: 1, refused: [] });
    expect((await state()).outcomes[0]).toMatchObject({ status: 'billable', dispute: { state: 'open', openedAt: T0 + 5 * MIN } });
  });

  it('keeps an action refused when applied in the portal’s log with its reason, and takes it off the record', async () => {
    const { store, clock, process } = actionSetup();
    await store.ingest(1, [press(0)]);
    clock.now = T0 + MIN + HOLD;
    await process();
    const action = { type: 'resolve_dispute' as const, at: T0 + 2 * MIN, by: rex, outcomeId, resolution: 'rejected' as const, note: 'no' };
    await store.storeAction({ kind: 'dispute', portalId: 1, requestId: 'direct', fingerprint: 'f', answer: { action, outcome: null }, action, record, version: 1, pendingCount: 0 });
    clock.now = T0 + 3 * MIN + HOLD;
    const result = await process();
    expect(result).toMatchObject({ actions: 1, refused: [{ action, error: { code: 'no_open_dispute' } }] });
    const log = [];
    for await (const e of store.portalLog(1)) log.push(e);
    expect(log.at(-1)).toEqual({ entry: 'refused', action, problem: { code: 'no_open_dispute', path: ['outcomeId'], message: expect.any(String) } });
    expect((await store.load(record, Number.POSITIVE_INFINITY)).actions).toEqual([]);
  });

  it('counts a press of a paused criteria id as paused, and presses after the resume as usual', async () => {
    const { store, clock, submit, process, state } = actionSetup();
    clock.now = T0 + MIN;
    expect((await submit({ type: 'pause', criteriaId: 'resolve', note: 'agent misroutes' }, rex)).kind).toBe('accepted');
    clock.now = T0 + 3 * MIN;
    expect((await submit({ type: 'resume', criteriaId: 'resolve', note: 'fixed' }, rex)).kind).toBe('accepted');
    // At the pause's own instant the press comes first (not paused); at the resume's it is still paused.
    await store.ingest(1, [press(1), press(2), press(3), press(4)]);
    clock.now = T0 + 5 * MIN + HOLD;
    await process();
    const s = await state();
    expect(s.paused).toBe(2);
    expect(s.outcomes.map((o) => [o.openedAt, o.duplicates + o.tries])).toEqual([[T0 + MIN, 2]]);
  });
});
