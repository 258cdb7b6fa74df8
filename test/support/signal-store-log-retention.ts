// The signal store conformance suite, continued: the portal log's retention (trim steps) and reads that stay in place across trims.
import { describe, expect, it } from 'vitest';
import type { PortalLogEntry, RecordRef, SignalStore } from '../../src/app/ports.ts';
import type { DisputeAction, PauseAction } from '../../src/core/engine/input.ts';
import { newRecordState } from '../../src/core/engine/record-state.ts';
import type { Signal } from '../../src/core/types.ts';
import type { StoreFactory } from './signal-store-conformance.ts';

const PORTAL = 7;
const S = 1_000;
const ref = (recordId: string): RecordRef => ({ portalId: PORTAL, objectType: 'ticket', recordId });
const press = (recordId: string, at: number): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property: 'stage', value: `v${at}` });
const by = { userId: 7, email: 'ann@example.com' };
const pause = (at: number, type: 'pause' | 'resume' = 'pause'): PauseAction => ({ type, at, by, criteriaId: 'resolve', note: 'agent misbehaves' });
const initial = (recordId: string): PortalLogEntry => ({ entry: 'initial', objectType: 'ticket', recordId, found: true, properties: { stage: 'new' } });
const signalEntry = (s: Signal): PortalLogEntry => ({ entry: 'signal', signal: s });

async function ingestAll(store: SignalStore, signals: readonly Signal[]): Promise<void> {
  // In batches, as HubSpot delivers them; each signal its own identity.
  for (let i = 0; i < signals.length; i += 500) await store.ingest(PORTAL, signals.slice(i, i + 500).map((signal) => ({ identity: `${signal.recordId}@${signal.at}`, signal })));
}

async function logInitial(store: SignalStore, recordId: string): Promise<void> {
  await store.commit({ record: ref(recordId), version: 0, state: newRecordState('ticket', recordId), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [], logged: [initial(recordId)] });
}

async function storePause(store: SignalStore, action: PauseAction): Promise<void> {
  const pauseCount = (await store.pauses(PORTAL)).length;
  await store.storeAction({ kind: 'pause', portalId: PORTAL, requestId: `p${action.at}`, fingerprint: 'fp', answer: { action, outcome: null }, action, pauseCount });
}

/** Trims until the step says it is done (or stuck), as the retention's caller does. */
async function trimAll(store: SignalStore, before: number, limit = 1_000): Promise<number> {
  let removed = 0;
  for (;;) {
    const step = await store.trimLog(PORTAL, before, limit);
    removed += step.removed;
    if (step.state !== 'more') return removed;
  }
}

async function readAll(log: AsyncIterator<PortalLogEntry>, count = Number.POSITIVE_INFINITY): Promise<PortalLogEntry[]> {
  const out: PortalLogEntry[] = [];
  while (out.length < count) {
    const next = await log.next();
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

const logOf = (store: SignalStore) => readAll(store.portalLog(PORTAL)[Symbol.asyncIterator]());
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/**
 * Record 1's first snapshot, 1,500 signals at 1 s to 1,500 s, a pause at 1,600 s, 500 signals at 1,601 s to
 * 2,100 s: more than one page of the Redis adapter's reads (1,000 entries).
 */
async function longLog(store: SignalStore): Promise<PortalLogEntry[]> {
  await logInitial(store, '1');
  await ingestAll(store, range(1, 1_500).map((t) => press('1', t * S)));
  await storePause(store, pause(1_600 * S));
  await ingestAll(store, range(1_601, 2_100).map((t) => press('1', t * S)));
  return [initial('1'), ...range(1, 1_500).map((t) => signalEntry(press('1', t * S))), { entry: 'action', action: pause(1_600 * S) }, ...range(1_601, 2_100).map((t) => signalEntry(press('1', t * S)))];
}

export function describeLogRetention(factory: StoreFactory): void {
  describe('the portal log’s retention', () => {
    it('removes from the head the entries older than the cutoff, in steps of at most the limit, and keeps the rest in order', async () => {
      const { store } = await factory.create();
      await ingestAll(store, [press('1', 1 * S), press('2', 2 * S), press('1', 3 * S), press('1', 5 * S)]);
      // A late delivery with an old event time, behind a newer entry: it waits for the head to reach it.
      await ingestAll(store, [press('3', 1 * S)]);
      const dispute: DisputeAction = { type: 'open_dispute', at: 6 * S, by, outcomeId: 'o#1', reason: 'wrong' };
      await store.commit({ record: ref('9'), version: 0, state: newRecordState('ticket', '9'), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [], logged: [{ entry: 'refused', action: dispute, problem: { code: 'not_disputable', path: ['outcomeId'], message: 'no' } }] });
      expect(await store.trimLog(PORTAL, 4 * S, 2)).toEqual({ removed: 2, state: 'more' });
      expect(await store.trimLog(PORTAL, 4 * S, 2)).toEqual({ removed: 1, state: 'done' });
      expect(await store.trimLog(PORTAL, 4 * S, 2)).toEqual({ removed: 0, state: 'done' });
      expect(await logOf(store)).toEqual([signalEntry(press('1', 5 * S)), signalEntry(press('3', 1 * S)), expect.objectContaining({ entry: 'refused' })]);
      // The refused action's time is its action's: 6 s.
      expect(await store.trimLog(PORTAL, 7 * S, 10)).toEqual({ removed: 3, state: 'done' });
      expect(await logOf(store)).toEqual([]);
      expect(await store.trimLog(PORTAL + 1, 7 * S, 10)).toEqual({ removed: 0, state: 'done' });
      // New entries after a trim are read after what is left, from the start.
      await ingestAll(store, [press('1', 8 * S)]);
      expect(await logOf(store)).toEqual([signalEntry(press('1', 8 * S))]);
    });

    it('keeps the pauses (from the pause log, in their place) and the first snapshots (last) it removed', async () => {
      const { store } = await factory.create();
      const full = await longLog(store);
      expect(await trimAll(store, 1_700 * S)).toBe(1 + 1_500 + 1 + 99);
      expect(await logOf(store)).toEqual([{ entry: 'action', action: pause(1_600 * S) }, ...full.slice(1_601), initial('1')]);
      // The pause log itself is never trimmed: every record still loads the whole timeline.
      expect(await store.pauses(PORTAL)).toEqual([pause(1_600 * S)]);
      expect((await store.load(ref('1'), 0)).pauses).toEqual([pause(1_600 * S)]);
      // Later pauses and trims add to what comes back, in the order taken.
      await storePause(store, pause(2_200 * S, 'resume'));
      await ingestAll(store, [press('1', 2_300 * S)]);
      await trimAll(store, 2_250 * S);
      expect(await logOf(store)).toEqual([{ entry: 'action', action: pause(1_600 * S) }, { entry: 'action', action: pause(2_200 * S, 'resume') }, signalEntry(press('1', 2_300 * S)), initial('1')]);
    });

    it('reads every entry once when a trim removes only entries already read', async () => {
      const { store } = await factory.create();
      const full = await longLog(store);
      const log = store.portalLog(PORTAL)[Symbol.asyncIterator]();
      const first = await readAll(log, 1_200);
      expect(await trimAll(store, 1_000 * S)).toBe(1_000);
      expect([...first, ...(await readAll(log))]).toEqual(full);
    });

    it('neither repeats nor skips a kept entry when a trim overtakes the read, and puts back the pause it removed', async () => {
      const { store } = await factory.create();
      const full = await longLog(store);
      const log = store.portalLog(PORTAL)[Symbol.asyncIterator]();
      const first = await readAll(log, 10);
      await trimAll(store, 1_700 * S);
      const read = [...first, ...(await readAll(log))];
      const keys = read.map((e) => JSON.stringify(e));
      expect(new Set(keys).size).toBe(keys.length);
      // What was read is the log in its order, less entries trimmed before the read reached them.
      const order = new Map(full.map((e, i) => [JSON.stringify(e), i]));
      const positions = keys.map((k) => order.get(k));
      expect(positions).not.toContain(undefined);
      expect(positions).toEqual([...positions].sort((a, b) => a! - b!));
      // Every entry the trim kept, the pause it removed, and the first snapshot, once each.
      for (const e of [...full.slice(1_601), { entry: 'action', action: pause(1_600 * S) }, initial('1')]) expect(keys).toContain(JSON.stringify(e));
    });
  });
}
