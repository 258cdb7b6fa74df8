// Processing one record against real Redis: the due index always reflects the state just committed (test/app/process-record.test.ts covers the use case on the in-memory store).
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRecord } from '../../src/app/process-record.ts';
import type { ProcessDeps } from '../../src/app/process-record.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createRecordQueue, createRecordScheduler } from '../../src/adapters/queue/record-queue.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';

const criteria = criteriaSet({ exclude: [{ if: 'spam', label: 'spam' }] });

describe('processRecord', () => {
  const prefix = testPrefix('process');
  let redis: Redis;
  let queue: Queue;
  let now = T0;
  beforeAll(() => {
    redis = connect();
    queue = createRecordQueue({ connection: redis, prefix, holdMs: 0, clock: () => now });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('leaves no due time behind when a run opens an attempt and settles it (no stale deadline)', async () => {
    const store = createRedisSignalStore(redis, prefix);
    const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '5' };
    const at = (i: number, property: string, value: string) => ({ identity: `${i}`, signal: { kind: 'property' as const, objectType: 'ticket' as const, recordId: '5', at: T0 + i, property, value } });
    await store.ingest(1, [at(0, 'agent_started_at', 'x'), at(1, 'spam', 'true')]);
    now = T0 + 10;
    const deps: ProcessDeps = { store, scheduler: createRecordScheduler(queue, { holdMs: 0, clock: () => now }), criteria: () => criteria, clock: () => now, holdMs: 0 };
    expect(await processRecord(deps, record)).toMatchObject({ kind: 'processed', applied: 2, nextWakeAt: null });
    expect(await redis.zscore(store.keys.due(1), '1:ticket:5')).toBeNull();
    expect((await store.load(record, Number.NEGATIVE_INFINITY)).state?.outcomes.map((o) => o.status)).toEqual(['not_billable']);
  });
});
