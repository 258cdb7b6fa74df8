// Every Lua script call keeps its KEYS in one hash slot, as a Redis Cluster requires: a portal's, or the deployment's, never both.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisAlertStore } from '../../../src/adapters/redis/alert-store.ts';
import { createRedisDrainLock } from '../../../src/adapters/redis/drain-guards.ts';
import { deploymentTag, portalTag } from '../../../src/adapters/redis/keys.ts';
import { createPublishedCriteriaStore } from '../../../src/adapters/redis/published-criteria.ts';
import { createRedisRateLimiter } from '../../../src/adapters/redis/rate-limiter.ts';
import { SCRIPTS } from '../../../src/adapters/redis/scripts.ts';
import { createRedisSignalStore } from '../../../src/adapters/redis/signal-store.ts';
import { createRedisWritebackStore } from '../../../src/adapters/redis/writeback-store.ts';
import type { RecordRef } from '../../../src/app/ports.ts';
import type { PublishedVersion } from '../../../src/app/published-criteria.ts';
import { writtenOutcomeField } from '../../../src/app/writeback-plan.ts';
import { newRecordState } from '../../../src/core/engine/record-state.ts';
import type { Signal } from '../../../src/core/types.ts';
import { hashTagOf, keySlot } from '../../support/key-slot.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

interface Call {
  readonly file: string;
  readonly keys: readonly string[];
}

/**
 * The connection as the adapters see it, noting each script call's keys on the way: runScript calls the
 * command ioredis defines for a script, with the key count first when it varies (scripts.ts).
 */
function recording(redis: Redis, calls: Call[]): Redis {
  const byCommand = new Map(Object.values(SCRIPTS).map((s) => [s.command, s] as const));
  return new Proxy(redis, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const script = typeof prop === 'string' ? byCommand.get(prop) : undefined;
      if (script === undefined) return value.bind(target);
      return (...args: unknown[]) => {
        const keys = script.keysPerItem === 0 ? args.slice(0, script.fixedKeys) : args.slice(1, 1 + Number(args[0]));
        calls.push({ file: script.file, keys: keys.map(String) });
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

const PORTALS = [7, 8] as const;
const ref = (portalId: number, recordId: string): RecordRef => ({ portalId, objectType: 'ticket', recordId });
const press = (recordId: string, at: number): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property: 'stage', value: 'x' });
const by = { userId: 7, email: 'ann@example.com' };

describe('the Redis adapters on a cluster', () => {
  const prefix = testPrefix('key-slots');
  const calls: Call[] = [];
  let plain: Redis;
  let redis: Redis;
  beforeAll(() => {
    plain = connect();
    redis = recording(plain, calls);
  });
  afterAll(async () => {
    await deletePrefix(plain, prefix);
    await plain.quit();
  });

  it('computes slots as Redis does', () => {
    // Redis' own examples (CLUSTER KEYSLOT) and the CRC16 check value.
    expect([keySlot('somekey'), keySlot('foo{hash_tag}'), keySlot('bar{hash_tag}'), keySlot('123456789'), keySlot('{}x')]).toEqual([11_058, 2_515, 2_515, 12_739, keySlot('{}x')]);
    expect(hashTagOf(`${portalTag('ob', 12)}:rec:12:ticket:1`)).toBe('12');
    expect(hashTagOf(`${deploymentTag('ob')}:portals`)).toBe('ob');
  });

  it('runs every script with the keys of one slot: a portal’s, or the deployment’s', async () => {
    const store = createRedisSignalStore(redis, prefix);
    for (const portalId of PORTALS) {
      await store.ingest(portalId, [{ identity: 'a', signal: press('1', 1_000) }, { identity: 'b', signal: press('2', 1_000) }]);
      for (const recordId of ['1', '2']) {
        const loaded = await store.load(ref(portalId, recordId), 2_000);
        const state = newRecordState('ticket', recordId);
        const charge = { criteriaId: 'resolve', period: '2026-11', at: 1_000 };
        const committed = await store.commit({ record: ref(portalId, recordId), version: loaded.version, state, applied: loaded.pending, nextTimerAt: 5_000, writeDueAt: 1_000, statusesBefore: [], counters: { delta: { 'n|resolve|2026-11|1': 1 }, full: {} }, chargeChecks: [charge] });
        expect(committed.ok).toBe(true);
      }
      const version = (await store.load(ref(portalId, '1'), 2_000)).version;
      const dispute = { type: 'open_dispute' as const, at: 3_000, by, outcomeId: 'resolve:ticket:1:2026-11-03#1', reason: 'wrong record' };
      await store.storeAction({ kind: 'dispute', portalId, requestId: 'd', fingerprint: 'fp-d', answer: { action: dispute, outcome: null }, action: dispute, record: ref(portalId, '1'), version, pendingCount: 0 });
      const pause = { type: 'pause' as const, at: 3_000, by, criteriaId: 'resolve', note: 'agent misbehaves' };
      await store.storeAction({ kind: 'pause', portalId, requestId: 'p', fingerprint: 'fp-p', answer: { action: pause, outcome: null }, action: pause, pauseCount: 0 });
      // The log's retention: everything here is older than the cut-off, so the step removes and moves entries.
      expect((await store.trimLog(portalId, 10_000, 100)).removed).toBeGreaterThan(0);
    }

    // One drain's finish over records of both portals.
    const writeback = createRedisWritebackStore(redis, prefix);
    const entries = await writeback.oldest(10, 10_000);
    expect(new Set(entries.map((e) => e.record.portalId))).toEqual(new Set(PORTALS));
    const states = await writeback.states(entries.map((e) => e.record));
    const done = {
      outcomes: PORTALS.map((p) => [writtenOutcomeField(p, `o${p}`), 'h'] as const),
      records: entries.map((e) => [e.record, 'h'] as const),
      remove: entries.map((entry, i) => ({ entry, version: states[i]!.version })),
    };
    expect(await writeback.finish(done)).toBe(entries.length);

    const alerts = createRedisAlertStore(redis, prefix);
    for (const portalId of PORTALS) {
      const check = { portalId, criteriaId: 'resolve', period: '2026-11', at: 1_000 };
      const { revision } = await alerts.snapshot(check);
      const alert = { criteriaId: 'resolve', period: '2026-11', threshold: 50, chargeMinor: 100n, expectedMinor: 200n, currency: 'USD', firedAt: 1_000 };
      expect(await alerts.claim(check, revision, [alert], 1_000)).toHaveLength(1);
      expect(await alerts.countRecord(ref(portalId, '2'), 1, { 'n|resolve|2026-11|1': 1 })).toBe('already');
    }
    expect(await alerts.take(2_000, 9_000, 10)).toHaveLength(PORTALS.length);

    // The deployment's scripts. The entry's fields do not matter here, only where it is kept.
    await createPublishedCriteriaStore(redis, prefix).insert({ id: 'resolve', version: 1 } as unknown as PublishedVersion, { id: 'resolve', version: 1, canonical: 'c', effectiveFrom: 0 });
    const limiter = createRedisRateLimiter(redis, prefix);
    await limiter.acquire(1_000);
    await limiter.blockUntil(2_000);
    const lock = createRedisDrainLock(redis, `${deploymentTag(prefix)}:writeback:lock`);
    await lock.release((await lock.take(1_000))!);

    expect(new Set(calls.map((c) => c.file)), 'every script was called').toEqual(new Set(Object.values(SCRIPTS).map((s) => s.file)));
    const tags = [...PORTALS.map((p) => String(p)), prefix];
    for (const call of calls) {
      expect(new Set(call.keys.map(keySlot)).size, `${call.file}: ${call.keys.join(', ')}`).toBe(1);
      expect(tags, `${call.file}: tagged by a portal or the deployment`).toContain(hashTagOf(call.keys[0]!));
    }
  });
});
