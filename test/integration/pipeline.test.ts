// The live pipeline in one process: store → worker → ledger equals the simulator's, with real Redis and BullMQ.
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../src/app/ingest-batch.ts';
import { processRecord } from '../../src/app/process-record.ts';
import { sweep } from '../../src/app/sweep.ts';
import { createRecordQueue, createRecordScheduler, createRecordWorker, scheduleSweeper } from '../../src/adapters/queue/record-queue.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { readWebhookBatch } from '../../src/adapters/hubspot/webhook-batch.ts';
import type { HubSpotWebhookEvent } from '../../src/adapters/hubspot/webhook-events.ts';
import { toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import { criteriaSet } from '../support/scenario.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';

const HOLD = 300;
const criteria = criteriaSet({ within: '2s', review_window: '1s', retry_window: '1s', cooldown: '0', fail_if: "agent_status = 'error'" });

describe('live pipeline, one worker in process', () => {
  const prefix = testPrefix('pipeline');
  let redis: Redis;
  let queue: Queue;
  let worker: Worker;
  const store = () => createRedisSignalStore(redis, prefix);

  beforeAll(async () => {
    redis = connect();
    const settings = { connection: redis, prefix, holdMs: HOLD, clock: Date.now };
    queue = createRecordQueue(settings);
    const scheduler = createRecordScheduler(queue, settings);
    const s = store();
    worker = createRecordWorker(
      { ...settings, concurrency: 4 },
      {
        sweep: () => sweep({ store: s, scheduler, clock: Date.now, holdMs: HOLD }),
        process: async (record) => void (await processRecord({ store: s, scheduler, criteria: () => criteria, clock: Date.now, holdMs: HOLD }, record)),
      },
    );
    await scheduleSweeper(queue, 500);
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('settles the same ledger the simulator computes, from shuffled and repeated batches', async () => {
    const t0 = Date.now() + 200;
    const ev = (id: number, record: number, dt: number, propertyName: string, propertyValue: string): HubSpotWebhookEvent => ({
      eventId: id, subscriptionId: 1, portalId: 77, occurredAt: t0 + dt, attemptNumber: 0, objectId: String(record),
      subscriptionType: 'ticket.propertyChange', propertyName, propertyValue,
    });
    const events = [
      ev(1, 1, 0, 'agent_started_at', 'a'), ev(2, 1, 500, 'stage', 'closed'),
      ev(3, 2, 0, 'agent_started_at', 'a'), ev(4, 2, 300, 'agent_status', 'error'),
      ev(5, 3, 0, 'agent_started_at', 'a'), ev(6, 3, 400, 'stage', 'closed'), ev(7, 3, 900, 'stage', 'open'),
      ev(8, 4, 0, 'agent_started_at', 'a'),
    ];
    const batches = [[events[7]!, events[3]!], [events[1]!, events[6]!, events[5]!], [events[0]!, events[2]!, events[4]!], [{ ...events[1]!, attemptNumber: 1 }]];
    const s = store();
    const scheduler = createRecordScheduler(queue, { holdMs: HOLD, clock: Date.now });
    for (const b of batches) {
      const reading = readWebhookBatch(b);
      expect(reading.ok).toBe(true);
      if (reading.ok) await ingestBatch({ store: s, scheduler }, reading.batch);
    }

    const mapped = toSignals(events);
    if (!mapped.ok) throw new Error('bad events');
    const expected = simulate({ criteria, records: [], signals: mapped.signals, until: null }).outcomes.map((o) => outcomeView(o));

    const deadline = Date.now() + 15_000;
    let live: ReturnType<typeof outcomeView>[] = [];
    while (Date.now() < deadline) {
      live = [];
      for await (const ref of s.listRecords()) {
        const { state } = await s.load(ref, Number.NEGATIVE_INFINITY);
        live.push(...(state?.outcomes ?? []).map((o) => outcomeView(o)));
      }
      if (live.length === expected.length && live.every((o) => o.status === 'billable' || o.status === 'not_billable')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    live.sort((a, b) => (a.openedAt === b.openedAt ? (a.idempotencyKey < b.idempotencyKey ? -1 : 1) : a.openedAt < b.openedAt ? -1 : 1));
    expect(live).toEqual(expected);
  }, 20_000);
});
