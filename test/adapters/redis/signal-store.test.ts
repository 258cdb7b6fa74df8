// The Redis signal store: the conformance suite the in-memory store passes too, and its scripts' own cases.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordRefKey } from '../../../src/app/ports.ts';
import type { RecordRef } from '../../../src/app/ports.ts';
import { createRedisSignalStore } from '../../../src/adapters/redis/signal-store.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { Signal } from '../../../src/core/types.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';
import { freePort } from '../../support/service.ts';
import { describeSignalStore } from '../../support/signal-store-conformance.ts';

const record: RecordRef = { portalId: 3, objectType: 'ticket', recordId: '42' };
const signal = (at: number, value = 'x'): Signal => ({ kind: 'property', objectType: 'ticket', recordId: '42', at, property: 'stage', value });

describe('Redis signal store', () => {
  const prefix = testPrefix('store');
  let redis: Redis;
  const store = () => createRedisSignalStore(redis, prefix);
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('stores each identity once and asks for a job only when the record’s due time moves earlier', async () => {
    expect(await store().ingest(3, [{ identity: 'a', signal: signal(2_000) }])).toEqual({ stored: 1, duplicates: 0, wake: [{ record, at: 2_000 }] });
    // Later than what is due: the job for 2,000 will find it.
    expect(await store().ingest(3, [{ identity: 'b', signal: signal(3_000) }])).toEqual({ stored: 1, duplicates: 0, wake: [] });
    // A repeat, and an earlier signal: one stored, and a job for the new due time.
    expect(await store().ingest(3, [{ identity: 'a', signal: signal(2_000) }, { identity: 'c', signal: signal(1_000) }])).toEqual({ stored: 1, duplicates: 1, wake: [{ record, at: 1_000 }] });
    const loaded = await store().load(record, 2_500);
    expect(loaded.pending.map((p) => p.signal.at)).toEqual([1_000, 2_000]);
    expect(loaded.version).toBe(0);
  });

  it('commits only over the version it loaded, and reports the new due time', async () => {
    const loaded = await store().load(record, 2_500);
    const state = newRecordState('ticket', '42');
    const first = await store().commit({ record, version: loaded.version, state, applied: loaded.pending, nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
    expect(first).toEqual({ ok: true, nextPendingAt: 3_000, dueAt: 3_000, dueChanged: true });
    // A second worker that loaded the same version loses: nothing is written twice.
    expect((await store().commit({ record, version: loaded.version, state, applied: loaded.pending, nextTimerAt: null, writeDueAt: null, statusesBefore: [] })).ok).toBe(false);
    expect((await store().load(record, Number.POSITIVE_INFINITY)).pending.map((p) => p.signal.at)).toEqual([3_000]);
    // A timer earlier than the pending signal becomes the due time.
    const again = await store().load(record, 2_500);
    expect(await store().commit({ record, version: again.version, state, applied: [], nextTimerAt: 2_800, writeDueAt: null, statusesBefore: [] })).toEqual({ ok: true, nextPendingAt: 3_000, dueAt: 2_800, dueChanged: true });
    const third = await store().load(record, 2_500);
    expect(await store().commit({ record, version: third.version, state, applied: [], nextTimerAt: 2_800, writeDueAt: null, statusesBefore: [] })).toMatchObject({ dueAt: 2_800, dueChanged: false });
  });
});

describe('the Redis portal log’s retention', () => {
  const prefix = testPrefix('log-trim');
  let redis: Redis;
  beforeAll(() => {
    redis = connect();
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('counts what it removes, and the pauses among them, in the log’s trim counts, and moves first snapshots to their hash', async () => {
    const store = createRedisSignalStore(redis, prefix);
    const initial = { entry: 'initial' as const, objectType: 'ticket' as const, recordId: '42', found: true, properties: { stage: 'new' } };
    await store.commit({ record, version: 0, state: newRecordState('ticket', '42'), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [], logged: [initial] });
    await store.ingest(3, [{ identity: 'a', signal: signal(1_000) }, { identity: 'b', signal: signal(2_000) }]);
    const action = { type: 'pause' as const, at: 1_500, by: { userId: 7, email: 'ann@example.com' }, criteriaId: 'resolve', note: 'n' };
    await store.storeAction({ kind: 'pause', portalId: 3, requestId: 'p', fingerprint: 'f', answer: { action, outcome: null }, action, pauseCount: 0 });
    await store.ingest(3, [{ identity: 'c', signal: signal(3_000) }]);
    expect(await redis.hgetall(store.keys.logTrimmed(3))).toEqual({});
    // The snapshot goes whatever its age; the signal at 2,000 stops the step.
    expect(await store.trimLog(3, 1_800, 100)).toEqual({ removed: 2, state: 'done' });
    expect(await redis.hgetall(store.keys.logTrimmed(3))).toEqual({ entries: '2' });
    expect(await store.trimLog(3, 2_500, 100)).toEqual({ removed: 2, state: 'done' });
    expect(await redis.hgetall(store.keys.logTrimmed(3))).toEqual({ entries: '4', pauses: '1' });
    expect(await redis.llen(store.keys.log(3))).toBe(1);
    expect(JSON.parse((await redis.hget(store.keys.logFirsts(3), 'ticket:42'))!)).toEqual(initial);
  });

  it('leaves a head entry it cannot read a time from in place, and says so', async () => {
    const store = createRedisSignalStore(redis, prefix);
    await redis.rpush(store.keys.log(4), '{"entry":"signal","signal":{"at":5}}', 'not json', '{"entry":"signal","signal":{"at":6}}');
    expect(await store.trimLog(4, 10, 100)).toEqual({ removed: 1, state: 'unreadable' });
    expect(await store.trimLog(4, 10, 100)).toEqual({ removed: 0, state: 'unreadable' });
    expect(await redis.lrange(store.keys.log(4), 0, -1)).toEqual(['not json', '{"entry":"signal","signal":{"at":6}}']);
  });
});

const conformance = { redis: null as Redis | null, down: [] as Redis[], prefixes: [] as string[] };
const client = () => (conformance.redis ??= connect());
const score = async (key: string, record: RecordRef) => {
  const s = await client().zscore(key, recordRefKey(record));
  return s === null ? null : Number(s);
};

describeSignalStore('Redis', {
  async create() {
    const prefix = testPrefix('store-conformance');
    conformance.prefixes.push(prefix);
    const store = createRedisSignalStore(client(), prefix);
    return {
      store,
      outcomeCounts: () => store.outcomeCounts(),
      outboxDueAt: (record) => score(store.keys.outbox(record.portalId), record),
      parkedAt: (record) => score(store.keys.parked, record),
    };
  },
  async unavailable() {
    // A port nothing listens on, and no retries: what the receiver's connection does while Redis is down.
    const port = await freePort();
    const down = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 200, retryStrategy: () => null });
    down.on('error', () => undefined);
    conformance.down.push(down);
    return createRedisSignalStore(down, testPrefix('store-down'));
  },
  async cleanup() {
    for (const d of conformance.down) d.disconnect();
    for (const prefix of conformance.prefixes) await deletePrefix(client(), prefix);
    await conformance.redis?.quit();
  },
});
