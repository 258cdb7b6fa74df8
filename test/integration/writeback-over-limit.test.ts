// Over real Redis: a record's commit that pushes another record's outcome over the budget limit (contract §8) puts that record back in the outbox, and the next drain rewrites it.
import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryBackoff, createMemoryDrainLock } from '../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { createRedisWritebackStore } from '../../src/adapters/redis/writeback-store.ts';
import { overLimitFromLedger } from '../../src/app/limit-marks.ts';
import { recordRefKey } from '../../src/app/ports.ts';
import { drainWriteback } from '../../src/app/writeback.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { T0, drainDeps, hubspotDouble, outcomeFixture, recordingLog, stateWith } from '../support/hubspot-double.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { criteriaSet } from '../support/scenario.ts';

const PORTAL = 4344;
const LIMITED = criteriaSet({ price: { currency: 'USD', model: 'flat', unit_amount: '1.00' }, budget: { expected: '2.00', limit: '2.00' } });
const ref = (recordId: string) => ({ portalId: PORTAL, objectType: 'ticket' as const, recordId });
/** Billable on record `recordId`, settled `recordId` minutes after the fixture's settlement: 11, 12, 13 settle in that order. */
const billable = (recordId: string): Outcome => {
  const o = outcomeFixture({ recordId, status: 'billable' });
  return { ...o, settledAt: o.settledAt! + Number(recordId) * 60_000 };
};

describe('write-back over limit over Redis', () => {
  const prefix = testPrefix('writeback-over-limit');
  let now = T0 + 2 * 3_600_000;
  let redis: Redis;
  let signals: ReturnType<typeof createRedisSignalStore>;
  let store: ReturnType<typeof createRedisWritebackStore>;

  beforeAll(() => {
    redis = connect();
    signals = createRedisSignalStore(redis, prefix);
    store = createRedisWritebackStore(redis, prefix);
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(async () => {
    nock.enableNetConnect();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  const commit = async (outcome: Outcome) => {
    const loaded = await signals.load(ref(outcome.recordId), Number.POSITIVE_INFINITY);
    const result = await signals.commit({ record: ref(outcome.recordId), version: loaded.version, state: stateWith('ticket', outcome.recordId, [outcome]), applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] });
    expect(result.ok).toBe(true);
  };
  const drain = async () => {
    nock.cleanAll();
    const hubspot = hubspotDouble();
    const guards = { lock: createMemoryDrainLock({ clock: () => now }), backoff: createMemoryBackoff({ clock: () => now }), limiter: createMemoryRateLimiter({ max: 1_000 }) };
    const deps = drainDeps({ ...guards, clock: () => now, metrics: createMetrics({ defaultMetrics: false }), log: recordingLog(), criteria: () => LIMITED });
    await drainWriteback({ ...deps, store, overLimit: overLimitFromLedger(signals, () => LIMITED) });
    const updates = hubspot.calls.filter((c) => c.path.endsWith('/tickets/batch/update'));
    return Object.fromEntries(updates.flatMap((c) => (c.body.inputs as { id: string; properties: Record<string, string> }[]).map((i) => [i.id, i.properties.ob_over_limit])));
  };
  const outbox = async () => (await store.oldest(100, Number.POSITIVE_INFINITY)).map((e) => e.record.recordId);

  it('12 and 13 fit; 11, settled first and processed last, pushes 13 over: 13 is put back and rewritten', async () => {
    for (const id of ['12', '13']) await commit(billable(id));
    expect(await drain()).toEqual({ '12': 'false', '13': 'false' });

    await commit(billable('11'));
    now += 1_000;
    expect(await drain()).toEqual({ '11': 'false' });
    expect(await outbox()).toEqual(['13']);
    expect(await store.overLimitMarks(PORTAL)).toEqual(new Map([[recordRefKey(ref('13')), billable('13').outcomeId]]));

    now += 1_000;
    expect(await drain()).toEqual({ '13': 'true' });
    expect(await outbox()).toEqual([]);
  });
});
