// Over limit (contract §8) in what the write-back sends: the record's `ob_over_limit`, the log's `ob_over_limit` and its amount 0, marked from the portal's whole ledger; and no ledger read without a limit.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryBackoff, createMemoryDrainLock } from '../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { createMemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import type { MemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { overLimitFromLedger } from '../../src/app/limit-marks.ts';
import type { OverLimitReader } from '../../src/app/limit-marks.ts';
import { drainWriteback } from '../../src/app/writeback.ts';
import { billingProperties, verificationLogProperties } from '../../src/app/writeback-payloads.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { drainDeps, hubspotDouble, outcomeFixture, recordingLog, stateWith, T0 } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const PORTAL = 42;
const FLAT = { currency: 'USD', model: 'flat', unit_amount: '1.00' };
const LIMITED = criteriaSet({ price: FLAT, budget: { expected: '2.00', limit: '2.00' } });
const MIN = 60_000;

/** Billable on record `recordId`, settled `recordId` minutes after the fixture's settlement: 11, 12, 13 settle in that order. */
const billable = (recordId: string, over: Partial<Outcome> = {}): Outcome => {
  const o = outcomeFixture({ recordId, status: 'billable' });
  return { ...o, settledAt: o.settledAt! + Number(recordId) * MIN, ...over };
};

describe('write-back payloads over limit', () => {
  it("the record's billing properties say whether its latest outcome is over limit", () => {
    expect(billingProperties(stateWith('ticket', '11', [billable('11', { overLimit: true })]))).toMatchObject({ ob_status: 'billable', ob_over_limit: 'true', ob_billable_count: '1' });
    expect(billingProperties(stateWith('ticket', '11', [billable('11')]))).toMatchObject({ ob_over_limit: 'false' });
  });

  it('the log of an over-limit outcome says so and states 0, whatever the price: it is not charged', () => {
    const price = LIMITED.get('resolve', 1).price;
    expect(verificationLogProperties(billable('11', { overLimit: true }), price)).toMatchObject({ ob_status: 'billable', ob_over_limit: 'true', ob_amount: '0.00', ob_currency: 'USD' });
    expect(verificationLogProperties(billable('11', { status: 'credited', overLimit: true }), price)).toMatchObject({ ob_over_limit: 'true', ob_amount: '0.00' });
    expect(verificationLogProperties(billable('11'), price)).toMatchObject({ ob_over_limit: 'false', ob_amount: '1.00' });
  });
});

let now: number;
let hubspot: ReturnType<typeof hubspotDouble>;
const log = recordingLog();
let signals: MemorySignalStore;
let store: MemoryWritebackStore;

beforeEach(() => {
  now = T0 + 2 * 3_600_000;
  signals = createMemorySignalStore({ clock: () => now });
  store = createMemoryWritebackStore(signals);
  nock.disableNetConnect();
  hubspot = hubspotDouble();
  log.clear();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

async function commit(outcome: Outcome): Promise<void> {
  const ref = { portalId: PORTAL, objectType: 'ticket' as const, recordId: outcome.recordId };
  const loaded = await signals.load(ref, Number.POSITIVE_INFINITY);
  const result = await signals.commit({ record: ref, version: loaded.version, state: stateWith('ticket', outcome.recordId, [outcome]), applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] });
  expect(result.ok).toBe(true);
}

function deps(criteria: ReturnType<typeof criteriaSet>, overLimit?: OverLimitReader) {
  const guards = { lock: createMemoryDrainLock({ clock: () => now }), backoff: createMemoryBackoff({ clock: () => now }), limiter: createMemoryRateLimiter({ max: 1_000 }) };
  return { ...drainDeps({ ...guards, clock: () => now, metrics: createMetrics({ defaultMetrics: false }), log, criteria: () => criteria }), store, ...(overLimit ? { overLimit } : {}) };
}

/** Every input sent to paths ending so, by id. */
const sent = (suffix: string) =>
  Object.fromEntries(hubspot.calls.filter((c) => c.path.endsWith(suffix)).flatMap((c) => (c.body.inputs as { id: string; properties: Record<string, string> }[]).map((i) => [i.id, i.properties])));

describe('write-back drain over limit', () => {
  it("marks each record's outcome from the portal's whole ledger: the third to settle is over a limit of two", async () => {
    // Committed out of settlement order: over limit follows settlement, not processing.
    for (const id of ['13', '11', '12']) await commit(billable(id));
    const report = await drainWriteback(deps(LIMITED, overLimitFromLedger(signals, () => LIMITED)));
    expect(report).toMatchObject({ deadLetters: 0 });
    const records = sent('/tickets/batch/update');
    expect([records['11']?.ob_over_limit, records['12']?.ob_over_limit, records['13']?.ob_over_limit]).toEqual(['false', 'false', 'true']);
    const logs = sent('/batch/upsert');
    const logOf = (recordId: string) => logs[billable(recordId).outcomeId]!;
    expect([logOf('11'), logOf('12'), logOf('13')].map((p) => [p.ob_over_limit, p.ob_amount])).toEqual([['false', '1.00'], ['false', '1.00'], ['true', '0.00']]);
  });

  it('without a limit in the criteria, the ledger is not read at all', async () => {
    const unreadable = { listRecords: () => { throw new Error('the ledger was read'); }, load: () => { throw new Error('the ledger was read'); }, archived: () => { throw new Error('the ledger was read'); } };
    const noLimit = criteriaSet({ price: FLAT, budget: { expected: '2.00' } });
    expect(await overLimitFromLedger(unreadable, () => noLimit).overLimit(PORTAL)).toEqual(new Set());
    await commit(billable('11'));
    await drainWriteback(deps(noLimit, overLimitFromLedger(unreadable, () => noLimit)));
    expect(sent('/tickets/batch/update')['11']).toMatchObject({ ob_over_limit: 'false' });
  });
});

describe('write-back drain: records another record pushed across the limit are written again (decisions.md, "Budget limits")', () => {
  const limited = () => deps(LIMITED, overLimitFromLedger(signals, () => LIMITED));
  const outboxIds = async () => (await signals.outbox()).map((e) => e.record.recordId);
  const overLimitSent = () => ({ records: sent('/tickets/batch/update'), logs: sent('/batch/upsert') });

  it('an outcome processed late but settled first pushes the last one over: that record is put back and rewritten', async () => {
    for (const id of ['12', '13']) await commit(billable(id));
    await drainWriteback(limited());
    expect(sent('/tickets/batch/update')['13']).toMatchObject({ ob_over_limit: 'false' });
    expect(await outboxIds()).toEqual([]);

    // 11 settled before 12 and 13 but is processed now: 13 is the third to settle, over a limit of two.
    await commit(billable('11'));
    hubspot.calls.length = 0;
    await drainWriteback(limited());
    expect(Object.keys(sent('/tickets/batch/update'))).toEqual(['11']);
    expect(await outboxIds()).toEqual(['13']);
    expect(log.entries).toContainEqual({ level: 'info', obj: { portalId: PORTAL, requeued: 1 }, msg: expect.stringMatching(/put back in the outbox/) });

    hubspot.calls.length = 0;
    await drainWriteback(limited());
    const { records, logs } = overLimitSent();
    expect(Object.keys(records)).toEqual(['13']);
    expect(records['13']).toMatchObject({ ob_over_limit: 'true' });
    expect(Object.values(logs).map((p) => [p.ob_over_limit, p.ob_amount])).toEqual([['true', '0.00']]);
    expect(await outboxIds()).toEqual([]);
  });

  it('an outcome that stops being billable brings the last one back under the limit, and nothing more is put back after', async () => {
    for (const id of ['11', '12', '13']) await commit(billable(id));
    await drainWriteback(limited());
    expect(sent('/tickets/batch/update')['13']).toMatchObject({ ob_over_limit: 'true' });

    // A late input reverses 11 (a replay withdraws its billing): 12 and 13 fit the limit again.
    await commit(billable('11', { status: 'not_billable', reason: 'reversed' }));
    await drainWriteback(limited());
    expect(await outboxIds()).toEqual(['13']);
    hubspot.calls.length = 0;
    await drainWriteback(limited());
    expect(sent('/tickets/batch/update')['13']).toMatchObject({ ob_over_limit: 'false' });
    expect(Object.values(sent('/batch/upsert')).map((p) => [p.ob_over_limit, p.ob_amount])).toEqual([['false', '1.00']]);

    await commit(billable('12'));
    hubspot.calls.length = 0;
    await drainWriteback(limited());
    expect(await outboxIds()).toEqual([]);
  });

  it('a record in the same run is written with the new marks and not put back', async () => {
    for (const id of ['12', '13']) await commit(billable(id));
    await drainWriteback(limited());
    await commit(billable('11'));
    await commit(billable('13', { costCentre: 'emea' }));
    // Put back at a later time, 13's entry would keep a score this run did not read, and stay.
    now += 1_000;
    hubspot.calls.length = 0;
    await drainWriteback(limited());
    expect(sent('/tickets/batch/update')['13']).toMatchObject({ ob_over_limit: 'true' });
    expect(await outboxIds()).toEqual([]);
  });

  it('without a limit no marks are read or saved', async () => {
    const noLimit = criteriaSet({ price: FLAT, budget: { expected: '2.00' } });
    const watched = { ...store, overLimitMarks: () => { throw new Error('marks were read'); }, saveOverLimitMarks: () => { throw new Error('marks were saved'); } };
    for (const id of ['12', '11']) await commit(billable(id));
    const report = await drainWriteback({ ...deps(noLimit, overLimitFromLedger(signals, () => noLimit)), store: watched });
    expect(report).toMatchObject({ entries: 2, removed: 2 });
  });
});
