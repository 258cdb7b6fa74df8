// The HubSpot drains as BullMQ jobs: scheduled with an access token and run by any worker (real Redis, nock HubSpot); without a token, no HubSpot call at all.
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { CRM_READ_JOB, WRITEBACK_JOB, createRecordQueue, createRecordWorker, scheduleHubSpotDrains } from '../../src/adapters/queue/record-queue.ts';
import { createCrmSnapshotStore } from '../../src/adapters/redis/crm-snapshots.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { createHubSpotDrains, hubspotBacklog } from '../../src/main/hubspot-drains.ts';
import { HUBSPOT_BASE, HUBSPOT_TOKEN, hubspotDouble, outcomeFixture, stateWith } from '../support/hubspot-double.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { criteriaSet } from '../support/scenario.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(20);
  }
}

let redis: Redis;
let prefix: string;
let queue: Queue;
let worker: Worker | null;

beforeEach(() => {
  redis = connect();
  prefix = testPrefix('drain-jobs');
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  queue = createRecordQueue({ connection: redis, prefix, holdMs: 0, clock: Date.now });
  worker = null;
});
afterEach(async () => {
  await worker?.close();
  await queue.obliterate({ force: true });
  await queue.close();
  nock.cleanAll();
  nock.enableNetConnect();
  await deletePrefix(redis, prefix);
  await redis.quit();
});

function startWorker(handlers: { writeback?: () => Promise<unknown>; crmRead?: () => Promise<unknown> }): Worker {
  const settings = { connection: redis, prefix, holdMs: 0, clock: Date.now };
  return createRecordWorker({ ...settings, concurrency: 2 }, { sweep: async () => null, process: async () => undefined, ...handlers });
}

describe('HubSpot drain jobs', () => {
  it('with a token: the worker writes back and answers reads on schedule; a null schedule takes both jobs off', async () => {
    const hubspot = hubspotDouble();
    hubspot.records.set('tickets/12', { stage: 'closed' });
    const metrics = createMetrics({ defaultMetrics: false });
    const drains = createHubSpotDrains({
      redis,
      prefix,
      accessToken: HUBSPOT_TOKEN,
      apiBaseUrl: HUBSPOT_BASE,
      burstLimit: 100,
      criteria: () => criteriaSet(),
      clock: Date.now,
      metrics,
      logger: createLogger({ level: 'silent', name: 'test' }),
    });
    const signals = createRedisSignalStore(redis, prefix);
    const record = { portalId: 42, objectType: 'ticket' as const, recordId: '11' };
    await signals.commit({ record, version: 0, state: stateWith('ticket', '11', [outcomeFixture({ recordId: '11', status: 'billable' })]), applied: [], nextTimerAt: null, writeDueAt: Date.now(), statusesBefore: [] });
    const snapshots = createCrmSnapshotStore(redis, prefix);
    await snapshots.request({ portalId: 42, objectType: 'ticket', recordId: '12' }, Date.now());
    expect(await hubspotBacklog(redis, prefix)).toEqual({ outbox: 1, crm_read_requests: 1, dead_letters: 0 });

    worker = startWorker(drains);
    await scheduleHubSpotDrains(queue, { writebackEveryMs: 100, crmReadEveryMs: 50 });
    await until(async () => (await hubspotBacklog(redis, prefix)).outbox === 0 && (await snapshots.waiting()) === 0);
    expect(hubspot.paths().sort()).toEqual(
      [
        'POST /crm/objects/2026-09/tickets/batch/update',
        'POST /crm/objects/2026-09/p42_ob_verification_log/batch/upsert',
        'POST /crm/associations/2026-09/p42_ob_verification_log/tickets/batch/associate/default',
        'POST /crm/objects/2026-09/tickets/batch/read',
      ].sort(),
    );
    expect(await snapshots.get({ portalId: 42, objectType: 'ticket', recordId: '12' })).toMatchObject({ found: true, properties: { stage: 'closed' } });
    expect(await metrics.render()).toContain('ob_hubspot_writes_total{kind="verification_log"} 1');

    await scheduleHubSpotDrains(queue, null);
    expect((await queue.getJobSchedulers()).map((s) => s.key)).not.toEqual(expect.arrayContaining([WRITEBACK_JOB]));
    expect((await queue.getJobSchedulers()).map((s) => s.key)).not.toEqual(expect.arrayContaining([CRM_READ_JOB]));
  });

  it('without a token: drain jobs left from an earlier deployment complete without a HubSpot call', async () => {
    const hubspot = hubspotDouble();
    worker = startWorker({});
    const completed: { name: string; result: unknown }[] = [];
    worker.on('completed', (job, result) => completed.push({ name: job.name, result }));
    await queue.add(WRITEBACK_JOB, { v: 1 });
    await queue.add(CRM_READ_JOB, { v: 1 });
    await until(async () => completed.length === 2);
    expect(completed).toEqual([
      { name: WRITEBACK_JOB, result: { skipped: 'no HubSpot access token' } },
      { name: CRM_READ_JOB, result: { skipped: 'no HubSpot access token' } },
    ]);
    expect(hubspot.calls).toEqual([]);
  });
});
