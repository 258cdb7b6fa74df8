// The signal store conformance suite, continued: operator actions (pending on their record, the pause log), request answers and the portal log.
import { describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/app/ports.ts';
import type { ActionWrite, PortalLogEntry, RecordRef, SignalStore } from '../../src/app/ports.ts';
import type { DisputeAction, PauseAction } from '../../src/core/engine/input.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import type { Signal } from '../../src/core/types.ts';
import { outcomeFixture } from './hubspot-double.ts';
import type { StoreFactory } from './signal-store-conformance.ts';

const PORTAL = 7;
const ref = (recordId: string, portalId = PORTAL): RecordRef => ({ portalId, objectType: 'ticket', recordId });
const press = (recordId: string, at: number, value = 'x'): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property: 'stage', value });
const by = { userId: 7, email: 'ann@example.com' };
const outcomeId = 'resolve:ticket:1:2026-11-03#1';
const dispute = (at: number, reason = 'wrong record'): DisputeAction => ({ type: 'open_dispute', at, by, outcomeId, reason });
const pause = (at: number, type: 'pause' | 'resume' = 'pause'): PauseAction => ({ type, at, by, criteriaId: 'resolve', note: 'agent misbehaves' });

/** A dispute write over what a load of the record saw; `over` changes any field. */
async function disputeWrite(store: SignalStore, action: DisputeAction, requestId: string, over: Partial<Extract<ActionWrite, { kind: 'dispute' }>> = {}): Promise<ActionWrite> {
  const loaded = await store.load(ref('1'), action.at);
  const answer = { action, outcome: outcomeFixture({ recordId: '1', status: 'billable' }) };
  return { kind: 'dispute', portalId: PORTAL, requestId, fingerprint: `fp-${requestId}`, answer, action, record: ref('1'), version: loaded.version, pendingCount: loaded.pending.length + loaded.actions.length, ...over };
}

async function pauseWrite(store: SignalStore, action: PauseAction, requestId: string, portalId = PORTAL): Promise<ActionWrite> {
  return { kind: 'pause', portalId, requestId, fingerprint: `fp-${requestId}`, answer: { action, outcome: null }, action, pauseCount: (await store.pauses(portalId)).length };
}

async function logOf(store: SignalStore, portalId = PORTAL): Promise<PortalLogEntry[]> {
  const out: PortalLogEntry[] = [];
  for await (const e of store.portalLog(portalId)) out.push(e);
  return out;
}

/** A record with state, as a dispute needs: committed once. */
async function withState(store: SignalStore): Promise<void> {
  await store.commit({ record: ref('1'), version: 0, state: newRecordState('ticket', '1'), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
}

export function describeActions(factory: StoreFactory): void {
  describe('dispute actions, pending on their record', () => {
    it('are loaded with the signals up to the watermark, each list in (at, seq) order, the sequence shared with signals', async () => {
      const { store } = await factory.create();
      await withState(store);
      await store.ingest(PORTAL, [{ identity: 'a', signal: press('1', 2_000) }]);
      expect(await store.storeAction(await disputeWrite(store, dispute(1_500, 'second'), 'r2'))).toEqual({ kind: 'stored', wake: true });
      expect(await store.storeAction(await disputeWrite(store, dispute(2_000), 'r1'))).toEqual({ kind: 'stored', wake: false });
      await store.ingest(PORTAL, [{ identity: 'b', signal: press('1', 2_000, 'later') }]);
      await store.storeAction(await disputeWrite(store, dispute(3_000), 'r3'));
      const loaded = await store.load(ref('1'), 2_000);
      expect(loaded.actions.map((a) => a.action)).toEqual([dispute(1_500, 'second'), dispute(2_000)]);
      expect(loaded.pending.map((p) => p.signal)).toEqual([press('1', 2_000), press('1', 2_000, 'later')]);
      const [first, later] = loaded.pending;
      expect(first!.seq).toBeLessThan(loaded.actions[1]!.seq);
      expect(loaded.actions[1]!.seq).toBeLessThan(later!.seq);
    });

    it('are removed by the commit that applies them, and by no losing commit', async () => {
      const { store } = await factory.create();
      await withState(store);
      await store.storeAction(await disputeWrite(store, dispute(1_000), 'r1'));
      await store.storeAction(await disputeWrite(store, dispute(2_000), 'r2'));
      const loaded = await store.load(ref('1'), 1_000);
      const commit = { record: ref('1'), version: loaded.version, state: newRecordState('ticket', '1'), applied: [...loaded.pending, ...loaded.actions], nextTimerAt: null, writeDueAt: null, statusesBefore: [] };
      expect(await store.commit(commit)).toMatchObject({ ok: true, nextPendingAt: 2_000, dueAt: 2_000 });
      expect(await store.commit(commit)).toMatchObject({ ok: false });
      expect((await store.load(ref('1'), Number.POSITIVE_INFINITY)).actions.map((a) => a.action.at)).toEqual([2_000]);
    });

    it('move the record’s due time to the action’s, and say so only when it moved earlier', async () => {
      const { store } = await factory.create();
      await withState(store);
      await store.ingest(PORTAL, [{ identity: 'a', signal: press('1', 5_000) }]);
      expect(await store.storeAction(await disputeWrite(store, dispute(4_000), 'r1'))).toEqual({ kind: 'stored', wake: true });
      expect(await store.storeAction(await disputeWrite(store, dispute(6_000), 'r2'))).toEqual({ kind: 'stored', wake: false });
      expect(await store.dueRecords(Number.POSITIVE_INFINITY, 10)).toEqual([{ record: ref('1'), at: 4_000 }]);
    });

    it('are not stored when the record or its inputs up to the action’s time changed since the dry run', async () => {
      const { store } = await factory.create();
      await withState(store);
      const stale = await disputeWrite(store, dispute(2_000), 'r1');
      await store.ingest(PORTAL, [{ identity: 'late', signal: press('1', 3_000) }]);
      // A signal after the action's time does not change the dry run.
      expect((await store.storeAction(stale)).kind).toBe('stored');
      const before = await disputeWrite(store, dispute(2_500), 'r2');
      await store.ingest(PORTAL, [{ identity: 'early', signal: press('1', 1_000) }]);
      expect(await store.storeAction(before)).toEqual({ kind: 'changed' });
      const old = await disputeWrite(store, dispute(2_500), 'r3', { version: 0 });
      expect(await store.storeAction(old)).toEqual({ kind: 'changed' });
      expect((await store.load(ref('1'), Number.POSITIVE_INFINITY)).actions).toHaveLength(1);
      expect(await store.requestAnswer(PORTAL, 'r2')).toBeNull();
    });
  });

  describe('dispute actions taken on replicas whose clocks differ', () => {
    it('are not stored while an action later than their time is pending, whenever it was stored; a later signal does not stop them', async () => {
      const { store } = await factory.create();
      await withState(store);
      const behind = await disputeWrite(store, dispute(2_000, 'behind'), 'r1');
      // A replica whose clock runs ahead stores its action after `behind`'s dry run read the record.
      expect((await store.storeAction(await disputeWrite(store, dispute(2_500, 'ahead'), 'r2'))).kind).toBe('stored');
      expect(await store.storeAction(behind)).toEqual({ kind: 'changed' });
      // Read again: the action still later than it stops it, however the counts up to its time stand.
      expect(await store.storeAction(await disputeWrite(store, dispute(2_000, 'behind'), 'r1'))).toEqual({ kind: 'changed' });
      await store.ingest(PORTAL, [{ identity: 'late', signal: press('1', 9_000) }]);
      // At the later action's time, it goes in after it.
      expect((await store.storeAction(await disputeWrite(store, dispute(2_500, 'behind'), 'r1'))).kind).toBe('stored');
      expect((await store.load(ref('1'), Number.POSITIVE_INFINITY)).actions.map((a) => a.action)).toEqual([dispute(2_500, 'ahead'), dispute(2_500, 'behind')]);
      expect(await store.requestAnswer(PORTAL, 'r1')).toMatchObject({ answer: { action: dispute(2_500, 'behind') } });
    });
  });

  describe('request answers', () => {
    it('keep the first answer per portal and request id, and store nothing for a second write with that id', async () => {
      const { store } = await factory.create();
      await withState(store);
      const first = await disputeWrite(store, dispute(1_000), 'same');
      await store.storeAction(first);
      expect(await store.requestAnswer(PORTAL, 'same')).toEqual({ fingerprint: 'fp-same', answer: first.answer });
      const again = await disputeWrite(store, dispute(1_100, 'other words'), 'same', { fingerprint: 'fp-other' });
      expect(await store.storeAction(again)).toEqual({ kind: 'answered', stored: { fingerprint: 'fp-same', answer: first.answer } });
      expect((await store.load(ref('1'), Number.POSITIVE_INFINITY)).actions).toHaveLength(1);
      expect(await store.requestAnswer(PORTAL + 1, 'same')).toBeNull();
      expect((await logOf(store)).filter((e) => e.entry === 'action')).toHaveLength(1);
    });
  });

  describe('the pause log', () => {
    it('keeps a portal’s pauses and resumes in the order stored, loaded with every record of the portal', async () => {
      const { store } = await factory.create();
      expect(await store.storeAction(await pauseWrite(store, pause(1_000), 'p1'))).toEqual({ kind: 'stored', wake: false });
      await store.storeAction(await pauseWrite(store, pause(2_000, 'resume'), 'p2'));
      await store.storeAction(await pauseWrite(store, pause(1_500), 'p3', PORTAL + 1));
      expect(await store.pauses(PORTAL)).toEqual([pause(1_000), pause(2_000, 'resume')]);
      expect((await store.load(ref('9'), 0)).pauses).toEqual([pause(1_000), pause(2_000, 'resume')]);
      expect((await store.load(ref('9', PORTAL + 1), 0)).pauses).toEqual([pause(1_500)]);
      expect(await store.requestAnswer(PORTAL, 'p2')).toEqual({ fingerprint: 'fp-p2', answer: { action: pause(2_000, 'resume'), outcome: null } });
    });

    it('takes a pause only over the log its dry run read', async () => {
      const { store } = await factory.create();
      const stale = await pauseWrite(store, pause(1_000), 'p1');
      await store.storeAction(await pauseWrite(store, pause(900), 'p0'));
      expect(await store.storeAction(stale)).toEqual({ kind: 'changed' });
      expect(await store.pauses(PORTAL)).toEqual([pause(900)]);
    });
  });

  describe('the portal log', () => {
    it('has every signal stored (once), every action stored and what commits log, in that order, per portal', async () => {
      const { store } = await factory.create();
      await store.ingest(PORTAL, [{ identity: 'a', signal: press('1', 1_000) }, { identity: 'a', signal: press('1', 1_000) }]);
      await store.ingest(PORTAL + 1, [{ identity: 'z', signal: press('1', 1_000, 'elsewhere') }]);
      await store.ingest(PORTAL, [{ identity: 'a', signal: press('1', 1_000) }, { identity: 'b', signal: press('1', 2_000) }]);
      await store.storeAction(await pauseWrite(store, pause(2_500), 'p1'));
      const read: Signal = { kind: 'crm_read', objectType: 'ticket', recordId: '1', at: 2_000, ref: 'crm-read:2100', found: true, properties: { stage: 'closed' } };
      const initial: PortalLogEntry = { entry: 'initial', objectType: 'ticket', recordId: '1', found: true, properties: { stage: 'new' } };
      const refused: PortalLogEntry = { entry: 'refused', action: dispute(2_000), problem: { code: 'not_disputable', path: ['outcomeId'], message: 'no' } };
      const logged: PortalLogEntry[] = [initial, { entry: 'signal', signal: read }, refused];
      await store.commit({ record: ref('1'), version: 0, state: newRecordState('ticket', '1'), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [], logged });
      await store.storeAction(await disputeWrite(store, dispute(3_000), 'd1'));
      expect(await logOf(store)).toEqual([
        { entry: 'signal', signal: press('1', 1_000) },
        { entry: 'signal', signal: press('1', 2_000) },
        { entry: 'action', action: pause(2_500) },
        ...logged,
        { entry: 'action', action: dispute(3_000) },
      ]);
      expect(await logOf(store, PORTAL + 1)).toEqual([{ entry: 'signal', signal: press('1', 1_000, 'elsewhere') }]);
      expect(await logOf(store, PORTAL + 2)).toEqual([]);
    });
  });

  describe('with its storage out of reach', () => {
    it('fails every read and write an operator’s request makes with StoreUnavailableError (503)', async () => {
      const down = await factory.unavailable();
      await expect(down.requestAnswer(PORTAL, 'r')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(down.load(ref('1'), 0)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(down.pauses(PORTAL)).rejects.toBeInstanceOf(StoreUnavailableError);
      const write: ActionWrite = { kind: 'pause', portalId: PORTAL, requestId: 'r', fingerprint: 'f', answer: { action: pause(1), outcome: null }, action: pause(1), pauseCount: 0 };
      await expect(down.storeAction(write)).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
}
