// The record worker's BullMQ side: a job whose payload can never succeed fails once, not ten times.
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RecordRef } from '../../../src/app/ports.ts';
import { createRecordQueue, createRecordWorker } from '../../../src/adapters/queue/record-queue.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('record worker', () => {
  let redis: Redis;
  let prefix: string;
  let queue: Queue;
  let worker: Worker;
  const processed: RecordRef[] = [];

  beforeEach(() => {
    redis = connect();
    prefix = testPrefix('record-worker');
    const settings = { connection: redis, prefix, holdMs: 0, clock: Date.now };
    queue = createRecordQueue(settings);
    processed.length = 0;
    worker = createRecordWorker({ ...settings, concurrency: 1 }, { sweep: async () => null, process: async (record) => void processed.push(record) });
  });
  afterEach(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  async function settled(id: string): Promise<string> {
    let state = 'unknown';
    for (let i = 0; i < 40; i++) {
      state = await queue.getJobState(id);
      if (state === 'completed' || state === 'failed') return state;
      await sleep(50);
    }
    return state;
  }

  it('runs a job with a valid payload', async () => {
    const job = await queue.add('record', { v: 1, portalId: 1, objectType: 'ticket', recordId: '7', at: 0 }, { removeOnComplete: false });
    expect(await settled(job.id!)).toBe('completed');
    expect(processed).toEqual([{ portalId: 1, objectType: 'ticket', recordId: '7' }]);
  });

  it('fails a job with an invalid payload at its first attempt, with UnrecoverableError, though it has 10 attempts', async () => {
    const job = await queue.add('record', { v: 1, portalId: 1, objectType: 'ticket', recordId: 'not-a-number', at: 0 });
    expect(await settled(job.id!)).toBe('failed');
    const failed = (await queue.getJob(job.id!))!;
    expect(failed.opts.attempts).toBe(10);
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/invalid payload[\s\S]*recordId/);
    expect(processed).toEqual([]);
  });
});
