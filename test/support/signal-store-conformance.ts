// One conformance suite for every SignalStore: the Redis store and the in-memory one must both pass it, test for test.
import { afterAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/app/ports.ts';
import type { CommitRequest, RecordRef, SignalStore } from '../../src/app/ports.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import type { RecordState } from '../../src/core/engine/record-state.ts';
import type { Signal, Status } from '../../src/core/types.ts';
import { outcomeFixture } from './hubspot-double.ts';
import { describeActions } from './signal-store-actions.ts';
import { describeLogRetention } from './signal-store-log-retention.ts';

/** A store to test, with what the port never reads back observed directly. */
export interface StoreUnderTest {
  readonly store: SignalStore;
  outcomeCounts(): Promise<Record<string, number>>;
  /** The record's due time in the write-back outbox, or null. */
  outboxDueAt(record: RecordRef): Promise<number | null>;
  /** The due time the record was parked with, or null when it is not parked. */
  parkedAt(record: RecordRef): Promise<number | null>;
}

export interface StoreFactory {
  /** A new, empty store: called once per test, so no test sees another's data. */
  create(): Promise<StoreUnderTest>;
  /** The same data seen through a store that cannot reach its storage. */
  unavailable(): Promise<SignalStore>;
  /** Releases what the stores used, after the suite. */
  cleanup?(): Promise<void>;
}

const PORTAL = 7;
const ref = (recordId: string, portalId = PORTAL): RecordRef => ({ portalId, objectType: 'ticket', recordId });
const press = (recordId: string, at: number, value = 'x'): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property: 'stage', value });
const item = (identity: string, signal: Signal) => ({ identity, signal });

/** A commit of `state` over what was loaded, applying all of it; the rest as given. */
function commitOf(record: RecordRef, loaded: { version: number; pending: CommitRequest['applied'] }, over: Partial<CommitRequest> = {}): CommitRequest {
  return { record, version: loaded.version, state: newRecordState('ticket', record.recordId), applied: loaded.pending, nextTimerAt: null, writeDueAt: null, statusesBefore: [], ...over };
}

function stateWithStatuses(recordId: string, statuses: readonly Status[]): RecordState {
  const state = newRecordState('ticket', recordId);
  state.outcomes = statuses.map((status, i) => outcomeFixture({ recordId, seq: i + 1, status }));
  return state;
}

export function describeSignalStore(name: string, factory: StoreFactory): void {
  describe(`SignalStore conformance: ${name}`, () => {
    afterAll(async () => factory.cleanup?.());
    describeIngest(factory);
    describeLoad(factory);
    describeCommit(factory);
    describeHistory(factory);
    describeIndexes(factory);
    describeActions(factory);
    describeLogRetention(factory);
  });
}

function describeIngest(factory: StoreFactory): void {
  describe('ingest', () => {
    it('stores each identity once per portal and counts the repeats, within a batch and across batches', async () => {
      const { store } = await factory.create();
      expect(await store.ingest(PORTAL, [item('a', press('1', 1_000)), item('a', press('1', 1_000)), item('b', press('1', 1_100))])).toMatchObject({ stored: 2, duplicates: 1 });
      expect(await store.ingest(PORTAL, [item('b', press('1', 1_100)), item('c', press('1', 1_200))])).toMatchObject({ stored: 1, duplicates: 1 });
      // The same identity from another portal is another delivery.
      expect(await store.ingest(PORTAL + 1, [item('a', press('1', 1_000))])).toMatchObject({ stored: 1, duplicates: 0 });
      expect((await store.load(ref('1'), Number.POSITIVE_INFINITY)).pending).toHaveLength(3);
    });

    it('asks for a wake only when a record’s due time is new or moves earlier, once per record at its earliest time', async () => {
      const { store } = await factory.create();
      expect((await store.ingest(PORTAL, [item('a', press('1', 2_000))])).wake).toEqual([{ record: ref('1'), at: 2_000 }]);
      expect((await store.ingest(PORTAL, [item('b', press('1', 3_000))])).wake).toEqual([]);
      const batch = [item('c', press('2', 5_000)), item('d', press('1', 1_500)), item('e', press('2', 4_000)), item('f', press('1', 1_800))];
      expect((await store.ingest(PORTAL, batch)).wake).toEqual([{ record: ref('2'), at: 4_000 }, { record: ref('1'), at: 1_500 }]);
      // A repeated delivery is not stored, so it moves nothing, however early it is.
      expect(await store.ingest(PORTAL, [item('a', press('1', 2_000))])).toEqual({ stored: 0, duplicates: 1, wake: [] });
    });

    it('lists the portals it stored signals for, in numeric order, each once', async () => {
      const { store } = await factory.create();
      for (const portal of [10, 9, 10, 100]) await store.ingest(portal, [item(`p${portal}`, press('1', 1_000))]);
      expect(await store.portals()).toEqual([9, 10, 100]);
    });

    it('fails with StoreUnavailableError when its storage cannot be reached, so the receiver answers 503', async () => {
      const down = await factory.unavailable();
      await expect(down.ingest(PORTAL, [item('z', press('1', 1_000))])).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}

function describeLoad(factory: StoreFactory): void {
  describe('load', () => {
    it('gives version 0, no state and nothing pending for a record never seen', async () => {
      const { store } = await factory.create();
      expect(await store.load(ref('404'), Number.POSITIVE_INFINITY)).toEqual({ version: 0, state: null, pending: [], actions: [], pauses: [], kept: { checkpointed: false, oldestAt: null } });
      expect(await store.history(ref('404'))).toEqual({ version: 0, checkpoint: null, kept: [] });
    });

    it('gives the signals up to the watermark (inclusive) in event time, equal times in arrival order, as they were stored', async () => {
      const { store } = await factory.create();
      const read: Signal = { kind: 'crm_read', objectType: 'ticket', recordId: '1', at: 2_000, ref: 'read-1', found: true, properties: { stage: 'closed', company: '' } };
      await store.ingest(PORTAL, [item('late', press('1', 2_000, 'second')), item('x', press('1', 9_000))]);
      await store.ingest(PORTAL, [item('read', read), item('early', press('1', 1_000))]);
      const loaded = await store.load(ref('1'), 2_000);
      expect(loaded.pending.map((p) => p.signal)).toEqual([press('1', 1_000), press('1', 2_000, 'second'), read]);
      const seqs = loaded.pending.map((p) => p.seq);
      expect(seqs[1]!).toBeLessThan(seqs[2]!);
      expect(new Set(loaded.pending.map((p) => p.member)).size).toBe(3);
      expect((await store.load(ref('1'), Number.POSITIVE_INFINITY)).pending).toHaveLength(4);
      expect((await store.load(ref('1'), Number.NEGATIVE_INFINITY)).pending).toEqual([]);
      expect((await store.load(ref('1'), 999)).pending).toEqual([]);
    });

    it('hands out a copy: changing a loaded state or signal changes nothing stored', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 1_000))]);
      const first = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      const state = stateWithStatuses('1', ['open']);
      expect((await store.commit(commitOf(ref('1'), { version: 0, pending: [] }, { state }))).ok).toBe(true);
      const loaded = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      loaded.state!.outcomes[0]!.status = 'billable';
      loaded.state!.props.set('stage', 'changed');
      (first.pending[0]!.signal as { at: number }).at = 5;
      const again = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      expect(again.state).toEqual(state);
      expect(again.pending.map((p) => p.signal.at)).toEqual([1_000]);
    });
  });
}

function describeCommit(factory: StoreFactory): void {
  describe('commit', () => {
    it('saves over the version it loaded and no other: the loser changes nothing and is told so', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 1_000)), item('b', press('1', 3_000))]);
      const loaded = await store.load(ref('1'), 2_000);
      const state = stateWithStatuses('1', ['open']);
      expect(await store.commit(commitOf(ref('1'), loaded, { state }))).toEqual({ ok: true, nextPendingAt: 3_000, dueAt: 3_000, dueChanged: true });
      const other = stateWithStatuses('1', ['failed']);
      expect(await store.commit(commitOf(ref('1'), loaded, { state: other, nextTimerAt: 500, writeDueAt: 10 }))).toEqual({ ok: false, nextPendingAt: null, dueAt: null, dueChanged: false });
      const after = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      expect(after.version).toBe(1);
      expect(after.state).toEqual(state);
      expect(after.pending.map((p) => p.signal.at)).toEqual([3_000]);
      expect(await store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([{ record: ref('1'), at: 3_000 }]);
    });

    it('removes only the applied signals, and keeps a state as it was committed (maps, infinities, outcomes)', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 1_000)), item('b', press('1', 2_000))]);
      const loaded = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      const state = stateWithStatuses('1', ['in_review', 'failed']);
      state.props.set('stage', 'closed');
      state.propTimes.set('stage', 1_000);
      state.clock = 1_000;
      await store.commit(commitOf(ref('1'), { version: loaded.version, pending: loaded.pending.slice(0, 1) }, { state }));
      const after = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      expect(after.state).toEqual(state);
      expect(after.state!.goneAt).toBe(Number.NEGATIVE_INFINITY);
      expect(after.pending.map((p) => p.member)).toEqual([loaded.pending[1]!.member]);
    });

    it('makes the due time the earlier of the next pending signal and the timer, and says when it changed', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 3_000))]);
      const commit = async (over: Partial<CommitRequest>) => store.commit(commitOf(ref('1'), { ...(await store.load(ref('1'), 0)) }, over));
      expect(await commit({ nextTimerAt: 2_800 })).toEqual({ ok: true, nextPendingAt: 3_000, dueAt: 2_800, dueChanged: true });
      expect(await commit({ nextTimerAt: 2_800 })).toMatchObject({ dueAt: 2_800, dueChanged: false });
      expect(await commit({ nextTimerAt: 3_500 })).toMatchObject({ dueAt: 3_000, dueChanged: true });
      const all = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      expect(await store.commit(commitOf(ref('1'), all))).toEqual({ ok: true, nextPendingAt: null, dueAt: null, dueChanged: true });
      expect(await store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([]);
      // Nothing due before, nothing due after: no change.
      expect(await commit({})).toEqual({ ok: true, nextPendingAt: null, dueAt: null, dueChanged: false });
      expect(await commit({ nextTimerAt: 9_000 })).toMatchObject({ dueAt: 9_000, dueChanged: true });
      expect(await store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([{ record: ref('1'), at: 9_000 }]);
    });

    it('moves the outcome counts from the statuses loaded to those committed', async () => {
      const s = await factory.create();
      await s.store.commit(commitOf(ref('1'), { version: 0, pending: [] }, { state: stateWithStatuses('1', ['open', 'open']) }));
      await s.store.commit(commitOf(ref('2'), { version: 0, pending: [] }, { state: stateWithStatuses('2', ['failed']) }));
      await s.store.commit(commitOf(ref('1'), { version: 1, pending: [] }, { state: stateWithStatuses('1', ['billable', 'in_review']), statusesBefore: ['open', 'open'] }));
      // A status that dropped to nothing is still counted, at 0.
      expect(await s.outcomeCounts()).toEqual({ open: 0, failed: 1, billable: 1, in_review: 1 });
    });

    it('moves archived outcomes out of the state into the record’s archive, where they still count by status', async () => {
      const s = await factory.create();
      const before = stateWithStatuses('1', ['billable', 'not_billable', 'open']);
      await s.store.commit(commitOf(ref('1'), { version: 0, pending: [] }, { state: before }));
      const [billable, notBillable, open] = before.outcomes;
      const after = { ...before, outcomes: [open!], archivedTo: 5_000 };
      const history = { keep: [], keepReads: [], drop: [], checkpoint: null, archive: [billable!, notBillable!] };
      await s.store.commit(commitOf(ref('1'), { version: 1, pending: [] }, { state: after, statusesBefore: ['billable', 'not_billable', 'open'], history }));
      const loaded = await s.store.load(ref('1'), 0);
      expect(loaded.state!.outcomes).toEqual([open]);
      expect(loaded.state!.archivedTo).toBe(5_000);
      expect((await s.store.archived(ref('1'))).sort((a, b) => a.seq - b.seq)).toEqual([billable, notBillable]);
      expect(await s.store.archived(ref('2'))).toEqual([]);
      expect(await s.outcomeCounts()).toEqual({ billable: 1, not_billable: 1, open: 1 });
    });

    it('puts a record with outcome changes in the outbox, where an earlier due time wins', async () => {
      const s = await factory.create();
      let version = 0;
      const commit = async (writeDueAt: number | null) => s.store.commit(commitOf(ref('1'), { version: version++, pending: [] }, { writeDueAt }));
      await commit(null);
      expect(await s.outboxDueAt(ref('1'))).toBeNull();
      await commit(5_000);
      await commit(7_000);
      expect(await s.outboxDueAt(ref('1'))).toBe(5_000);
      await commit(3_000);
      await commit(null);
      expect(await s.outboxDueAt(ref('1'))).toBe(3_000);
    });
  });
}

function describeIndexes(factory: StoreFactory): void {
  describe('record list, due index, rescues', () => {
    it('lists every record with a state, of one portal or all, and none that only has signals', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('9', 1_000))]);
      for (const r of [ref('1'), ref('2'), ref('1', 8)]) await store.commit(commitOf(r, { version: 0, pending: [] }));
      const list = async (portal?: number) => {
        const out: string[] = [];
        for await (const r of store.listRecords(portal)) out.push(`${r.portalId}:${r.objectType}:${r.recordId}`);
        return out.sort();
      };
      expect(await list()).toEqual([`${PORTAL}:ticket:1`, `${PORTAL}:ticket:2`, '8:ticket:1']);
      expect(await list(8)).toEqual(['8:ticket:1']);
    });

    it('gives the records due by a time, earliest first, up to a limit', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 3_000)), item('b', press('2', 1_000)), item('c', press('3', 2_000)), item('d', press('4', 9_000))]);
      expect(await store.dueRecords(3_000, 10)).toEqual([{ record: ref('2'), at: 1_000 }, { record: ref('3'), at: 2_000 }, { record: ref('1'), at: 3_000 }]);
      expect(await store.dueRecords(3_000, 2)).toEqual([{ record: ref('2'), at: 1_000 }, { record: ref('3'), at: 2_000 }]);
      expect(await store.dueRecords(999, 10)).toEqual([]);
    });

    it('gives one portal’s due records on their own, however many other portals have due first', async () => {
      const { store } = await factory.create();
      await store.ingest(8, Array.from({ length: 12 }, (_, i) => item(`o${i}`, { ...press(String(i), 100 + i), recordId: String(i) })));
      await store.ingest(PORTAL, [item('a', press('1', 5_000))]);
      // Period close once read the overall earliest ten, all the other portal's, and missed this record.
      expect(await store.dueRecords(9_000, 10, PORTAL)).toEqual([{ record: ref('1'), at: 5_000 }]);
      expect(await store.dueRecords(9_000, 3, 8)).toEqual([0, 1, 2].map((i) => ({ record: ref(String(i), 8), at: 100 + i })));
    });

    it('parks a record after more than maxRescues rescues: out of the due index, into the parked set', async () => {
      const s = await factory.create();
      await s.store.ingest(PORTAL, [item('a', press('1', 1_000)), item('b', press('2', 1_500))]);
      expect(await s.store.noteRescue(ref('1'), 1_000, 2)).toBe(false);
      expect(await s.store.noteRescue(ref('1'), 1_000, 2)).toBe(false);
      expect(await s.parkedAt(ref('1'))).toBeNull();
      expect(await s.store.noteRescue(ref('1'), 1_000, 2)).toBe(true);
      expect(await s.parkedAt(ref('1'))).toBe(1_000);
      expect(await s.store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([{ record: ref('2'), at: 1_500 }]);
      // Its signals are kept for a person to look at.
      expect((await s.store.load(ref('1'), Number.POSITIVE_INFINITY)).pending).toHaveLength(1);
    });

    it('starts counting rescues again after a commit: the record moved', async () => {
      const s = await factory.create();
      await s.store.ingest(PORTAL, [item('a', press('1', 1_000))]);
      expect(await s.store.noteRescue(ref('1'), 1_000, 1)).toBe(false);
      await s.store.commit(commitOf(ref('1'), { version: 0, pending: [] }, { nextTimerAt: 1_000 }));
      expect(await s.store.noteRescue(ref('1'), 1_000, 1)).toBe(false);
      expect(await s.store.noteRescue(ref('1'), 1_000, 1)).toBe(true);
    });
  });
}

function describeHistory(factory: StoreFactory): void {
  describe('kept history (late replay)', () => {
    const read = (at: number): Signal => ({ kind: 'crm_read', objectType: 'ticket', recordId: '1', at, found: true, properties: { stage: 'r' } });

    it('keeps the applied inputs and reads named, with a checkpoint, in one commit; a read sorts first at its instant', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 1_000, 'a')), item('b', press('1', 2_000, 'b')), item('c', press('1', 2_000, 'c'))]);
      const loaded = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      const checkpoint = newRecordState('ticket', '1');
      const keep = loaded.pending.map((p) => ({ member: p.member, at: p.signal.at }));
      await store.commit(commitOf(ref('1'), loaded, { history: { keep, keepReads: [read(2_000)], drop: [], checkpoint } }));
      const history = await store.history(ref('1'));
      expect(history.version).toBe(1);
      expect(history.checkpoint).toEqual(checkpoint);
      const names = history.kept.map(({ input }) => ('kind' in input ? (input.kind === 'property' ? input.value : input.kind) : input.type));
      expect(names).toEqual(['a', 'crm_read', 'b', 'c']);
      expect((await store.load(ref('1'), Number.POSITIVE_INFINITY)).kept).toEqual({ checkpointed: true, oldestAt: 1_000 });
    });

    it('drops folded members and replaces the checkpoint only when a new one is given', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 1_000, 'a')), item('b', press('1', 2_000, 'b'))]);
      const loaded = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      const first = newRecordState('ticket', '1');
      await store.commit(commitOf(ref('1'), loaded, { history: { keep: loaded.pending.map((p) => ({ member: p.member, at: p.signal.at })), keepReads: [], drop: [], checkpoint: first } }));
      await store.commit(commitOf(ref('1'), { version: 1, pending: [] }, { history: { keep: [], keepReads: [], drop: [], checkpoint: null } }));
      expect((await store.history(ref('1'))).checkpoint).toEqual(first);
      const folded = newRecordState('ticket', '1');
      folded.clock = 1_001;
      await store.commit(commitOf(ref('1'), { version: 2, pending: [] }, { history: { keep: [], keepReads: [], drop: [loaded.pending[0]!.member], checkpoint: folded } }));
      const history = await store.history(ref('1'));
      expect(history.checkpoint).toEqual(folded);
      expect(history.kept.map((k) => k.input.at)).toEqual([2_000]);
      expect((await store.load(ref('1'), 0)).kept).toEqual({ checkpointed: true, oldestAt: 2_000 });
    });

    it('keeps nothing on a commit that loses its compare-and-set', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [item('a', press('1', 1_000))]);
      const loaded = await store.load(ref('1'), Number.POSITIVE_INFINITY);
      await store.commit(commitOf(ref('1'), { version: 0, pending: [] }));
      const keep = [{ member: loaded.pending[0]!.member, at: 1_000 }];
      expect((await store.commit(commitOf(ref('1'), loaded, { history: { keep, keepReads: [], drop: [], checkpoint: newRecordState('ticket', '1') } }))).ok).toBe(false);
      expect(await store.history(ref('1'))).toEqual({ version: 1, checkpoint: null, kept: [] });
    });
  });
}
