// The sweeper (issue 3: no lost signal): it finds due records without a job, and gets past a record whose job is stuck.
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { processRecord } from '../../src/app/process-record.ts';
import { sweep } from '../../src/app/sweep.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createRecordQueue, createRecordScheduler, createRecordWorker, recordJobId, scheduleSweeper } from '../../src/adapters/queue/record-queue.ts';
import { createRedisSignalStore, redisKeys } from '../../src/adapters/redis/signal-store.ts';
import { criteriaSet } from '../support/scenario.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';

const criteria = criteriaSet();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('sweeper', () => {
  let redis: Redis;
  let prefix: string;
  let queue: Queue;
  let worker: Worker | null = null;

  beforeEach(() => {
    redis = connect();
    prefix = testPrefix('sweeper');
    queue = createRecordQueue({ connection: redis, prefix, holdMs: 0, clock: Date.now });
  });
  afterEach(async () => {
    await worker?.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  async function startWorker(overdueMs: number, extra: { maxRescues?: number; onParked?: (r: RecordRef) => void; poisoned?: string } = {}) {
    const store = createRedisSignalStore(redis, prefix);
    const settings = { connection: redis, prefix, holdMs: 0, clock: Date.now };
    const scheduler = createRecordScheduler(queue, settings);
    worker = createRecordWorker(
      { ...settings, concurrency: 2 },
      {
        sweep: () =>
          sweep({
            store,
            scheduler,
            clock: Date.now,
            holdMs: 0,
            overdueMs,
            ...(extra.maxRescues ? { maxRescues: extra.maxRescues } : {}),
            ...(extra.onParked ? { onParked: extra.onParked } : {}),
          }),
        process: async (record) => {
          if (record.recordId === extra.poisoned) throw new Error('this record always fails');
          await processRecord({ store, scheduler, criteria: () => criteria, clock: Date.now, holdMs: 0 }, record);
          return undefined;
        },
      },
    );
    await scheduleSweeper(queue, 200);
    return store;
  }

  /** Stores a press without waking its record, as a crash between storing and queueing would leave it. */
  async function storeUnwoken(record: RecordRef, at: number) {
    await createRedisSignalStore(redis, prefix).ingest(record.portalId, [
      { identity: `press/${record.recordId}`, signal: { kind: 'property', objectType: 'ticket', recordId: record.recordId, at, property: 'agent_started_at', value: 'x' } },
    ]);
  }

  const outcomes = async (record: RecordRef) => (await createRedisSignalStore(redis, prefix).load(record, Number.NEGATIVE_INFINITY)).state?.outcomes.length ?? 0;

  it('wakes a record whose signals were stored but never queued', async () => {
    const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '1' };
    await storeUnwoken(record, Date.now());
    await startWorker(60_000);
    for (let i = 0; i < 50 && (await outcomes(record)) === 0; i++) await sleep(100);
    expect(await outcomes(record)).toBe(1);
  });

  it('rescues a long-overdue record whose own job failed for good (its id would block the usual wake)', async () => {
    const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '2' };
    const at = Date.now() - 10_000;
    await storeUnwoken(record, at);
    // A job with the record's usual id, failed for good and kept (removeOnFail keeps failed jobs a week).
    const stuck = await queue.add('record', { v: 1, portalId: 1, objectType: 'ticket', recordId: '2', at: 'broken' }, { jobId: recordJobId(record, at), attempts: 1 });
    await startWorker(1_000);
    for (let i = 0; i < 50 && (await stuck.getState()) !== 'failed'; i++) await sleep(50);
    expect(await stuck.getState()).toBe('failed');
    for (let i = 0; i < 50 && (await outcomes(record)) === 0; i++) await sleep(100);
    expect(await outcomes(record)).toBe(1);
  });

  it('parks a record that fails every time after a few rescues, so the sweeper is not kept busy for ever', async () => {
    const record: RecordRef = { portalId: 1, objectType: 'ticket', recordId: '3' };
    await storeUnwoken(record, Date.now() - 10_000);
    const parked: RecordRef[] = [];
    await startWorker(200, { maxRescues: 2, poisoned: '3', onParked: (r) => parked.push(r) });
    for (let i = 0; i < 100 && parked.length === 0; i++) await sleep(100);
    expect(parked).toEqual([record]);
    expect(await redis.zscore(redisKeys(prefix).due(1), '1:ticket:3')).toBeNull();
    expect(await redis.zscore(redisKeys(prefix).parked, '1:ticket:3')).not.toBeNull();
  }, 15_000);
});
