// Use case: late signals and actions put in their place by a replay from the record's checkpoint (in-memory store): the ledger equals simulate, corrections are marked, written back and adjusted.
import { describe, expect, it } from 'vitest';
import { liveLines, snapshotOf } from '../../src/app/invoices.ts';
import { portalOutcomes } from '../../src/app/ledger-outcomes.ts';
import { replayRun } from '../../src/app/late-replay.ts';
import { pauseTimelineOf } from '../../src/app/pause-log.ts';
import { processRecord } from '../../src/app/process-record.ts';
import type { ProcessDeps, ProcessedResult } from '../../src/app/process-record.ts';
import { recordRefKey } from '../../src/app/ports.ts';
import type { IngestItem, LoadedRecord, PortalLogEntry, RecordHistory, RecordRef } from '../../src/app/ports.ts';
import { createMemoryCrmSnapshotStore } from '../../src/adapters/memory/crm-snapshots.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { ClosedPeriod } from '../../src/core/invoice/adjustments.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import type { Signal } from '../../src/core/types.ts';
import { criteriaSet } from '../support/scenario.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const HOLD = 1_000;
const criteria = criteriaSet({ within: '30m', retry_window: '30m', review_window: '1h', exclude: [{ if: "spam = 'true'", label: 'spam' }] });
const T = Date.parse('2026-11-30T20:00:00Z');
const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '5' };
const sig = (min: number, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '5', at: T + min * MIN, property, value, ref: `${property}@${min}` });
const item = (s: Signal): IngestItem => ({ identity: `${s.at}/${s.kind === 'property' ? s.property : s.kind}`, signal: s });

function setup(lateHorizonMs?: number) {
  const store = createMemorySignalStore();
  const scheduler = createMemoryScheduler();
  const clock = { now: T };
  const deps: ProcessDeps = { store, scheduler, criteria: () => criteria, clock: () => clock.now, holdMs: HOLD, ...(lateHorizonMs === undefined ? {} : { lateHorizonMs }) };
  /** Delivers signals at `now` and runs the record's job. */
  const deliver = async (now: number, signals: readonly Signal[]): Promise<ProcessedResult> => {
    clock.now = now;
    await store.ingest(1, signals.map(item));
    const r = await processRecord(deps, record);
    if (r.kind !== 'processed') throw new Error('waiting');
    return r;
  };
  // The ledger: the hot state with the outcomes archived past every horizon.
  const outcomes = async () => portalOutcomes(store, record.portalId);
  return { store, deps, deliver, outcomes, clock };
}

const simulated = (signals: readonly Signal[], until: number) => simulate({ criteria, records: [], signals, until }).outcomes.map((o) => outcomeView(o));

describe('late signals replayed in event time', () => {
  it('hours late and shuffled, they leave the ledger simulate computes; the corrected outcome names the late signal', async () => {
    const press1 = sig(0, 'agent_started_at', 'a');
    const success = sig(10, 'stage', 'closed');
    const press2 = sig(120, 'agent_started_at', 'b');
    const note = sig(125, 'note', 'x');
    const { deliver, outcomes } = setup();
    await deliver(T + 4 * HOUR, [press2, press1]);
    expect((await outcomes()).map((o) => o.status)).toEqual(['not_billable', 'not_billable']);
    const r = await deliver(T + 6 * HOUR, [note, success]);
    expect(r.replayedLate.map((i) => i.at)).toEqual([success.at, note.at]);
    // The first attempt now succeeded; the second found the ticket closed already, and succeeded at once.
    expect(r.corrected.map((o) => o.outcomeId)).toEqual((await outcomes()).map((o) => o.outcomeId));
    expect(r.changed.map((o) => o.outcomeId)).toEqual(r.corrected.map((o) => o.outcomeId));
    expect(r.late).toEqual([]);
    const live = await outcomes();
    expect(live.map((o) => outcomeView(o))).toEqual(simulated([press1, success, press2, note], T + 6 * HOUR - HOLD));
    expect(live[0]!.trail.at(-1)).toMatchObject({ type: 'corrected', change: 'changed', from: 'not_billable', to: 'billable', lateInput: { at: success.at, ref: 'stage@10' } });
  });

  it('queues the corrected outcome for write-back at once when it settles differently', async () => {
    const { deliver, store, clock } = setup();
    await deliver(T + 4 * HOUR, [sig(0, 'agent_started_at', 'a')]);
    // The write-back drained what the first run changed.
    store.outboxShare.outbox.delete(recordRefKey(record));
    await deliver(T + 5 * HOUR, [sig(5, 'stage', 'closed')]);
    expect(await store.outbox()).toEqual([{ record, dueAt: clock.now }]);
  });

  it('keeps the inputs it applied, folds those past the horizon into the checkpoint, and still replays exactly from it', async () => {
    const horizon = 2 * HOUR;
    const { deliver, store, outcomes } = setup(horizon);
    const signals = [sig(0, 'agent_started_at', 'a'), sig(5, 'stage', 'closed'), sig(400, 'agent_started_at', 'b')];
    await deliver(T + HOUR, signals.slice(0, 2));
    expect((await store.history(record)).kept).toHaveLength(2);
    await deliver(T + 7 * HOUR, signals.slice(2));
    // Past the horizon (and its batch), the first two folded; the checkpoint now has their outcome.
    const history = await store.history(record);
    expect(history.kept.map((k) => k.input.at)).toEqual([signals[2]!.at]);
    expect(history.checkpoint!.outcomes.map((o) => o.status)).toEqual(['billable']);
    const late = sig(410, 'stage', 'open');
    const lateSuccess = sig(402, 'stage', 'closed');
    await deliver(T + 8 * HOUR, [late, lateSuccess]);
    expect((await outcomes()).map((o) => outcomeView(o))).toEqual(simulated([...signals, late, lateSuccess], T + 8 * HOUR - HOLD));
  });

  it('keeps about one horizon of inputs however long the record lives, and its ledger stays simulate’s', async () => {
    const horizon = 2 * HOUR;
    const { deliver, store, outcomes } = setup(horizon);
    const all: Signal[] = [];
    let most = 0;
    for (let i = 0; i < 6 * 48; i++) {
      const s = i % 6 === 0 ? sig(i * 10, 'agent_started_at', `p${i}`) : i % 6 === 2 ? sig(i * 10, 'stage', 'closed') : sig(i * 10, 'stage', 'open');
      all.push(s);
      await deliver(s.at + HOLD, [s]);
      most = Math.max(most, (await store.history(record)).kept.length);
    }
    // Folded once the oldest is an eighth of the horizon past it: at most 2 h 15 min of inputs, one every 10 minutes.
    expect(most).toBeLessThanOrEqual(14);
    expect(most).toBeGreaterThanOrEqual(12);
    expect((await outcomes()).map((o) => outcomeView(o))).toEqual(simulated(all, all.at(-1)!.at));
  });

  it('folds a signal older than the checkpoint in at the checkpoint’s clock: marked late, logged in the result, never lost', async () => {
    const horizon = 2 * HOUR;
    const { deliver, outcomes } = setup(horizon);
    await deliver(T + HOUR, [sig(0, 'agent_started_at', 'a')]);
    await deliver(T + 7 * HOUR, [sig(400, 'agent_started_at', 'b')]);
    const tooLate = sig(1, 'spam', 'true');
    const r = await deliver(T + 8 * HOUR, [tooLate]);
    expect(r.late).toEqual([tooLate]);
    const first = (await outcomes())[0]!;
    // The settled attempt keeps its verdict: the value lands at the checkpoint's clock, after it settled.
    expect(first.status).toBe('not_billable');
    expect(first.reason).toBe('latency_breach');
  });
});

describe('HubSpot reads for what a replay settles billable', () => {
  async function lateSuccessWith(snapshotReadAt: number, between: readonly Signal[] = []) {
    const { store, deps, clock, outcomes } = setup();
    const snapshots = createMemoryCrmSnapshotStore();
    await snapshots.save(record, { readAt: snapshotReadAt, found: true, properties: {} });
    const withCrm: ProcessDeps = { ...deps, crm: { snapshots, maxWaitMs: MIN } };
    const run = async (now: number, signals: readonly Signal[]) => {
      clock.now = now;
      await store.ingest(1, signals.map(item));
      const r = await processRecord(withCrm, record);
      if (r.kind !== 'processed') throw new Error(r.kind);
      return r;
    };
    await run(T + 4 * HOUR, [sig(0, 'agent_started_at', 'a'), ...between]);
    const r = await run(T + 5 * HOUR, [sig(10, 'stage', 'closed')]);
    const [o] = await outcomes();
    const log: PortalLogEntry[] = [];
    for await (const e of store.portalLog(1)) log.push(e);
    return { r, o: o!, reads: log.filter((e) => e.entry === 'signal' && e.signal.kind === 'crm_read') };
  }

  it('applies the record’s snapshot at the new settlement’s instant when it was read after it, and logs the read for export', async () => {
    const { r, o, reads } = await lateSuccessWith(T + 4 * HOUR);
    expect(o).toMatchObject({ status: 'billable' });
    expect(outcomeView(o).verification).toBe('signals + CRM read');
    expect(r.unverified).toEqual([]);
    expect(reads).toMatchObject([{ signal: { at: o.settledAt } }]);
  });

  it('settles on signals alone, reported as unverified, when the snapshot is older than the settlement or a signal came between', async () => {
    for (const [readAt, between] of [[T + 30 * MIN, []], [T + 4 * HOUR, [sig(180, 'note', 'later')]]] as const) {
      const { r, o, reads } = await lateSuccessWith(readAt, between);
      expect(o).toMatchObject({ status: 'billable' });
      expect(outcomeView(o).verification).toBe('signals');
      expect(r.unverified).toEqual([{ outcomeId: o.outcomeId, settledAt: o.settledAt }]);
      expect(reads).toEqual([]);
    }
  });
});

describe('HubSpot reads for what a replay settles billable: the verified pass', () => {
  it('reports as unverified what the replay with the reads settles on signals alone, not what the first pass did', async () => {
    // Two ids on the ticket: reviews of 1 h and 2 h, so a late success at 10 min settles one at 70 min and the other at 130.
    const two = criteriaSet(
      { within: '30m', retry_window: '30m', review_window: '1h', exclude: [{ if: "spam = 'true'", label: 'spam' }] },
      { id: 'slow', within: '30m', retry_window: '30m', review_window: '2h', exclude: [{ if: "spam = 'true'", label: 'spam' }] },
    );
    const { store, deps, clock, outcomes } = setup();
    const snapshots = createMemoryCrmSnapshotStore();
    const withCrm: ProcessDeps = { ...deps, criteria: () => two, crm: { snapshots, maxWaitMs: MIN } };
    const run = async (now: number, signals: readonly Signal[]) => {
      clock.now = now;
      await store.ingest(1, signals.map(item));
      const r = await processRecord(withCrm, record);
      if (r.kind !== 'processed') throw new Error(r.kind);
      return r;
    };
    await run(T + 4 * HOUR, [sig(0, 'agent_started_at', 'a')]);
    // Read at 90 min: it shows the ticket at 70 min (no signal since), not at 130; and the ticket was spam.
    await snapshots.save(record, { readAt: T + 90 * MIN, found: true, properties: { spam: 'true', stage: 'closed' } });
    const r = await run(T + 5 * HOUR, [sig(10, 'stage', 'closed')]);
    // Without the read both settle billable, the slow one on signals alone; with it (at 70 min) both are excluded: nothing settled unverified.
    expect((await outcomes()).map((o) => [o.criteriaId, o.status, o.reason])).toEqual([
      ['resolve', 'not_billable', 'excluded'],
      ['slow', 'not_billable', 'excluded'],
    ]);
    expect(r.unverified).toEqual([]);
  });
});

describe('replayRun outside its preconditions', () => {
  it('says why it cannot replay a record with no checkpoint, instead of failing on a null', () => {
    const { loaded, history } = { loaded: { state: newRecordState('ticket', '5'), pending: [], actions: [] } as unknown as LoadedRecord, history: { checkpoint: null, kept: [] } as unknown as RecordHistory };
    const late = sig(1, 'stage', 'closed');
    expect(() => replayRun({ record, loaded, history, watermark: T, criteria, pauses: pauseTimelineOf([], criteria) }, late)).toThrow('record ticket 5 has no checkpoint to replay from');
  });
});

describe('a withdrawn outcome', () => {
  it('leaves the ledger, stays readable in the record, and queues the record for write-back', async () => {
    const withWhen = criteriaSet({ within: '30m', trigger: { property: 'agent_started_at', when: "agent_action IS UNKNOWN OR agent_action = 'resolve'" } });
    const { store, deps, clock, outcomes } = setup();
    const run = async (now: number, signals: readonly Signal[]) => {
      clock.now = now;
      await store.ingest(1, signals.map(item));
      return processRecord({ ...deps, criteria: () => withWhen }, record);
    };
    await run(T + 2 * HOUR, [sig(10, 'agent_started_at', 'a'), sig(12, 'stage', 'closed')]);
    expect((await outcomes()).map((o) => o.status)).toEqual(['billable']);
    store.outboxShare.outbox.delete(recordRefKey(record));
    const r = await run(T + 3 * HOUR, [sig(7, 'agent_action', 'enrich')]);
    expect(r).toMatchObject({ kind: 'processed', withdrawn: [expect.objectContaining({ status: 'billable' })] });
    expect(await outcomes()).toEqual([]);
    const state = (await store.load(record, 0)).state!;
    expect(state.withdrawn!.map((o) => o.trail.at(-1))).toMatchObject([{ type: 'corrected', change: 'withdrawn', lateInput: { ref: 'agent_action@7' } }]);
    expect(await store.outbox()).toEqual([{ record, dueAt: T + 3 * HOUR }]);
  });
});

describe('a correction that touches a closed period', () => {
  it('becomes an adjustment line on the next open period; the closed snapshot is not rewritten', async () => {
    const { deliver, outcomes } = setup();
    const press = sig(0, 'agent_started_at', 'a');
    const success = sig(10, 'stage', 'closed');
    await deliver(Date.parse('2026-12-01T06:00:00Z'), [press, success]);
    const billed = await outcomes();
    expect(billed[0]).toMatchObject({ status: 'billable', billingPeriod: '2026-11' });
    const november = snapshotOf(1, '2026-11', '2026-12-01T06:00:00.000Z', liveLines('2026-11', billed, criteria, new Map()));
    const closed = new Map<string, ClosedPeriod>([['2026-11', { snapshot: november.snapshot, sha256: november.sha256 }]]);
    const frozen = november.text;

    // HubSpot's retry of a delivery refused during an outage: the ticket was spam all along.
    const r = await deliver(Date.parse('2026-12-01T12:00:00Z'), [sig(5, 'spam', 'true')]);
    expect(r.corrected).toHaveLength(1);
    const now = await outcomes();
    expect(now[0]).toMatchObject({ status: 'not_billable', reason: 'excluded' });
    const december = liveLines('2026-12', now, criteria, closed);
    expect(december).toEqual([
      expect.objectContaining({ kind: 'adjustment', quantity: -1, amount: '-1.00', adjusts: expect.objectContaining({ period: '2026-11', sha256: november.sha256 }) as unknown, removed: [now[0]!.outcomeId] }),
    ]);
    expect(november.text).toBe(frozen);
  });
});

describe('late operator actions', () => {
  it('a dispute stored behind the record’s clock is replayed at its own time among the signals', async () => {
    const { deliver, store, deps, clock, outcomes } = setup();
    await deliver(T + 4 * HOUR, [sig(0, 'agent_started_at', 'a'), sig(10, 'stage', 'closed')]);
    const [o] = await outcomes();
    expect(o!.status).toBe('billable');
    // An action whose `at` is behind the clock (a skewed clock on the writer): it is kept and replayed in order.
    const action = { type: 'open_dispute' as const, at: T + 3 * HOUR, by: { userId: 1, email: 'a@example.com' }, outcomeId: o!.outcomeId, reason: 'wrong' };
    const loaded = await store.load(record, Number.POSITIVE_INFINITY);
    const stored = await store.storeAction({ kind: 'dispute', portalId: 1, requestId: 'r1', fingerprint: 'f', answer: { action, outcome: null }, action, record, version: loaded.version, pendingCount: 0 });
    expect(stored.kind).toBe('stored');
    clock.now = T + 5 * HOUR;
    const r = await processRecord(deps, record);
    expect(r).toMatchObject({ kind: 'processed', actions: 1 });
    expect((await outcomes())[0]!.dispute).toMatchObject({ state: 'open', openedAt: T + 3 * HOUR });
    expect((await store.history(record)).kept.map((k) => ('type' in k.input ? k.input.type : k.input.kind))).toEqual(['property', 'property', 'open_dispute']);
  });
});
