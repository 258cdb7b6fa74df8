// One conformance suite for every WritebackStore: the Redis store and the in-memory one must both pass it, over the outbox their signal store's commit fills.
import { afterAll, describe, expect, it } from 'vitest';
import { recordRefKey } from '../../src/app/ports.ts';
import type { RecordRef, SignalStore } from '../../src/app/ports.ts';
import type { DeadLetter, OutboxEntry, WritebackStore } from '../../src/app/writeback-ports.ts';
import { outcomeFixture, stateWith } from './hubspot-double.ts';

/** A write-back store to test, with the signal store whose commits fill its outbox (the same storage). */
export interface WritebackStoreUnderTest {
  readonly store: WritebackStore & { deadLetters(limit?: number): Promise<DeadLetter[]>; outboxSize(): Promise<number> };
  readonly signals: SignalStore;
}

export interface WritebackStoreFactory {
  /** A new, empty store: called once per test. */
  create(): Promise<WritebackStoreUnderTest>;
  cleanup?(): Promise<void>;
}

const PORTAL = 7;
/** The list is capped (Redis runs with noeviction): every store keeps this many of the newest letters. */
const DEAD_LETTER_CAP = 10_000;
const ref = (recordId: string): RecordRef => ({ portalId: PORTAL, objectType: 'ticket', recordId });
const stateOf = (recordId: string, seq = 1) => stateWith('ticket', recordId, [outcomeFixture({ recordId, seq, status: 'billable' })]);

/** Commits a state as a worker does, over whatever version is stored; the commit puts the record in the outbox when `writeDueAt` is set. */
async function commit(signals: SignalStore, recordId: string, writeDueAt: number | null, seq = 1): Promise<void> {
  const { version } = await signals.load(ref(recordId), Number.NEGATIVE_INFINITY);
  const result = await signals.commit({ record: ref(recordId), version, state: stateOf(recordId, seq), applied: [], nextTimerAt: null, writeDueAt, statusesBefore: [] });
  expect(result.ok).toBe(true);
}

const letter = (recordId: string, n = 0): DeadLetter => ({
  kind: 'record',
  record: ref(recordId),
  outcomeId: null,
  reason: 'rejected 400 VALIDATION_ERROR',
  status: 400,
  category: 'VALIDATION_ERROR',
  message: `refused #${n}`,
  at: new Date(1_000 + n).toISOString(),
});

export function describeWritebackStore(name: string, factory: WritebackStoreFactory): void {
  describe(`WritebackStore conformance: ${name}`, () => {
    afterAll(async () => factory.cleanup?.());
    describeOutbox(factory);
    describeFinish(factory);
    describeDeadLetters(factory);
    describeOverLimitMarks(factory);
  });
}

function describeOutbox(factory: WritebackStoreFactory): void {
  it('gives the entries the commits put in the outbox that are due by now, oldest first (equal times by record key), up to a limit', async () => {
    const { store, signals } = await factory.create();
    await commit(signals, '1', 3_000);
    await commit(signals, '2', 1_000);
    await commit(signals, '9', 2_000);
    await commit(signals, '10', 2_000);
    await commit(signals, '4', 9_000);
    await commit(signals, '5', null);
    expect(await store.oldest(10, 3_000)).toEqual([
      { record: ref('2'), score: '1000' },
      { record: ref('10'), score: '2000' },
      { record: ref('9'), score: '2000' },
      { record: ref('1'), score: '3000' },
    ]);
    expect(await store.oldest(2, 3_000)).toEqual([{ record: ref('2'), score: '1000' }, { record: ref('10'), score: '2000' }]);
    expect(await store.oldest(10, 999)).toEqual([]);
    expect(await store.outboxSize()).toBe(5);
  });

  it("gives each record's state and version as committed, version 0 and no state for one without, in the order asked, as copies", async () => {
    const { store, signals } = await factory.create();
    await commit(signals, '1', 1_000);
    await commit(signals, '1', 1_000, 2);
    await signals.ingest(PORTAL, [{ identity: 'a', signal: { kind: 'property', objectType: 'ticket', recordId: '3', at: 1_000, property: 'stage', value: 'x' } }]);
    expect(await store.states([])).toEqual([]);
    const states = await store.states([ref('404'), ref('1'), ref('3')]);
    expect(states).toEqual([{ state: null, version: 0 }, { state: stateOf('1', 2), version: 2 }, { state: null, version: 0 }]);
    states[1]!.state!.outcomes[0]!.status = 'credited';
    states[1]!.state!.props.set('stage', 'changed');
    expect((await store.states([ref('1')]))[0]!.state).toEqual(stateOf('1', 2));
  });

  it("gives a record's archived outcomes in its state, before the hot ones: the billing properties count every outcome", async () => {
    const { store, signals } = await factory.create();
    const old = [outcomeFixture({ recordId: '1', seq: 2, status: 'billable', openedAt: 2_000 }), outcomeFixture({ recordId: '1', seq: 1, status: 'not_billable', openedAt: 1_000 })];
    const history = { keep: [], keepReads: [], drop: [], checkpoint: null, archive: old };
    await signals.commit({ record: ref('1'), version: 0, state: stateOf('1', 3), applied: [], nextTimerAt: null, writeDueAt: 5_000, statusesBefore: [], history });
    const [read] = await store.states([ref('1')]);
    expect(read!.state!.outcomes.map((o) => o.seq)).toEqual([1, 2, 3]);
  });
}

function describeFinish(factory: WritebackStoreFactory): void {
  it('saves the hashes of what was written, a later write of the same outcome or record replacing the earlier', async () => {
    const { store } = await factory.create();
    expect(await store.writtenOutcomes([])).toEqual([]);
    expect(await store.writtenRecords([])).toEqual([]);
    expect(await store.writtenOutcomes(['7|o#1'])).toEqual([null]);
    expect(await store.finish({ outcomes: [['7|o#1', 'h1'], ['7|o#2', 'h2']], records: [[ref('1'), 'r1']], remove: [] })).toBe(0);
    expect(await store.finish({ outcomes: [['7|o#1', 'h1b']], records: [[ref('2'), 'r2']], remove: [] })).toBe(0);
    expect(await store.writtenOutcomes(['7|o#2', '7|o#404', '7|o#1'])).toEqual(['h2', null, 'h1b']);
    expect(await store.writtenRecords([ref('2'), ref('1'), ref('3')])).toEqual(['r2', 'r1', null]);
  });

  it('removes an entry only if its score and its record’s version are still the ones read, and counts what it removed', async () => {
    const { store, signals } = await factory.create();
    for (const id of ['1', '2', '3', '4']) await commit(signals, id, 1_000);
    const read = await store.oldest(10, 1_000);
    const versions = (await store.states(read.map((e) => e.record))).map((s) => s.version);
    const of = (recordId: string): { entry: OutboxEntry; version: number } => {
      const i = read.findIndex((e) => e.record.recordId === recordId);
      return { entry: read[i]!, version: versions[i]! };
    };
    // During the writes: record 2 changes within the same millisecond (same score, new version), record 3 moves earlier.
    await commit(signals, '2', 1_000, 2);
    await commit(signals, '3', 500, 2);
    const stale = { entry: { record: ref('4'), score: '999' }, version: of('4').version };
    const gone = { entry: { record: ref('404'), score: '1000' }, version: 0 };
    expect(await store.finish({ outcomes: [['7|o#1', 'h']], records: [], remove: [of('1'), of('2'), of('3'), stale, gone] })).toBe(1);
    expect(await store.oldest(10, Number.POSITIVE_INFINITY)).toEqual([
      { record: ref('3'), score: '500' },
      { record: ref('2'), score: '1000' },
      { record: ref('4'), score: '1000' },
    ]);
    expect(await store.writtenOutcomes(['7|o#1'])).toEqual(['h']);
    // Removed once: the same entry again removes nothing.
    expect(await store.finish({ outcomes: [], records: [], remove: [of('1')] })).toBe(0);
  });

  it('a record committed again after its entry was removed is back in the outbox at its new time', async () => {
    const { store, signals } = await factory.create();
    await commit(signals, '1', 1_000);
    const [entry] = await store.oldest(10, 1_000);
    const [state] = await store.states([ref('1')]);
    expect(await store.finish({ outcomes: [], records: [], remove: [{ entry: entry!, version: state!.version }] })).toBe(1);
    expect(await store.outboxSize()).toBe(0);
    await commit(signals, '1', 4_000, 2);
    expect(await store.oldest(10, 5_000)).toEqual([{ record: ref('1'), score: '4000' }]);
  });
}

function describeDeadLetters(factory: WritebackStoreFactory): void {
  it('keeps dead letters as given, newest first, up to a limit asked for', async () => {
    const { store } = await factory.create();
    expect(await store.deadLetters()).toEqual([]);
    await store.deadLetter([letter('1', 1), letter('2', 2)]);
    await store.deadLetter([]);
    await store.deadLetter([letter('3', 3)]);
    expect(await store.deadLetters()).toEqual([letter('3', 3), letter('2', 2), letter('1', 1)]);
    expect(await store.deadLetters(2)).toEqual([letter('3', 3), letter('2', 2)]);
  });

  it('keeps only the newest 10,000 letters', async () => {
    const { store } = await factory.create();
    const letters = Array.from({ length: DEAD_LETTER_CAP + 1 }, (_, n) => letter('1', n));
    await store.deadLetter(letters);
    const kept = await store.deadLetters(DEAD_LETTER_CAP + 10);
    expect(kept).toHaveLength(DEAD_LETTER_CAP);
    expect(kept[0]).toEqual(letters.at(-1));
    expect(kept.at(-1)).toEqual(letters[1]);
  });
}

function describeOverLimitMarks(factory: WritebackStoreFactory): void {
  const key = (recordId: string): string => recordRefKey(ref(recordId));

  it("keeps each portal's over-limit marks: set ones replace, dropped ones are gone, others stay", async () => {
    const { store } = await factory.create();
    const none: readonly string[] = [];
    expect(await store.overLimitMarks(PORTAL)).toEqual(new Map());
    await store.saveOverLimitMarks(PORTAL, { set: new Map([[key('1'), 'o#1'], [key('2'), 'o#2,o#3'], [key('4'), 'o#4']]), drop: none }, [], 1_000);
    await store.saveOverLimitMarks(PORTAL + 1, { set: new Map([[key('9'), 'o#9']]), drop: none }, [], 1_000);
    await store.saveOverLimitMarks(PORTAL, { set: new Map([[key('2'), 'o#3']]), drop: [key('1'), key('5')] }, [], 2_000);
    expect(await store.overLimitMarks(PORTAL)).toEqual(new Map([[key('2'), 'o#3'], [key('4'), 'o#4']]));
    expect(await store.overLimitMarks(PORTAL + 1)).toEqual(new Map([[key('9'), 'o#9']]));
    await store.saveOverLimitMarks(PORTAL, { set: new Map(), drop: [key('2'), key('4')] }, [], 3_000);
    expect(await store.overLimitMarks(PORTAL)).toEqual(new Map());
  });

  it('puts the records asked back in the outbox at now, over an earlier or later score, so a drain holding the old entry keeps it', async () => {
    const { store, signals } = await factory.create();
    await commit(signals, '1', 1_000);
    await commit(signals, '2', 9_000);
    await commit(signals, '3', null);
    const [held] = await store.oldest(10, 1_000);
    const [state] = await store.states([ref('1')]);
    await store.saveOverLimitMarks(PORTAL, { set: new Map([[key('3'), 'o#3']]), drop: [] }, [key('1'), key('2'), key('3')], 5_000.7);
    expect(await store.oldest(10, 5_000)).toEqual([1, 2, 3].map((n) => ({ record: ref(String(n)), score: '5000' })));
    expect(await store.finish({ outcomes: [], records: [], remove: [{ entry: held!, version: state!.version }] })).toBe(0);
  });
}
