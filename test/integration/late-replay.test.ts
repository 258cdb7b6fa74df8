// Late deliveries on the live pipeline (real Redis and BullMQ): signals that come hours behind their records' clocks, shuffled, are replayed in event time and the ledger equals simulate.
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../src/app/ingest-batch.ts';
import { processRecord } from '../../src/app/process-record.ts';
import type { ProcessedResult } from '../../src/app/process-record.ts';
import { sweep } from '../../src/app/sweep.ts';
import { createRecordQueue, createRecordScheduler, createRecordWorker, scheduleSweeper } from '../../src/adapters/queue/record-queue.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { readWebhookBatch } from '../../src/adapters/hubspot/webhook-batch.ts';
import type { HubSpotWebhookEvent } from '../../src/adapters/hubspot/webhook-events.ts';
import { toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import type { OutcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import { criteriaSet } from '../support/scenario.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { seededRandom } from '../support/seeded-random.ts';

const HOLD = 300;
const MIN = 60_000;
const HOUR = 60 * MIN;
const RECORDS = 24;
const criteria = criteriaSet({ within: '30m', review_window: '20m', retry_window: '40m', cooldown: '2m', fail_if: "agent_status = 'error'", exclude: [{ if: "spam = 'true'", label: 'spam' }] });

type Step = readonly [minutes: number, property: string, value: string];

/** A record's story in minutes after its start: presses, successes, failures, reversals, spam; some later than the deadline. */
function story(random: () => number): Step[] {
  const steps: Step[] = [[0, 'agent_started_at', 'a']];
  const pick = (n: number) => Math.floor(random() * n);
  if (random() < 0.7) steps.push([5 + pick(40), 'stage', 'closed']);
  if (random() < 0.3) steps.push([3 + pick(20), 'agent_status', 'error']);
  if (random() < 0.4) steps.push([50 + pick(30), 'agent_started_at', 'b']);
  if (random() < 0.3) steps.push([10 + pick(50), 'stage', 'open']);
  if (random() < 0.15) steps.push([pick(60), 'spam', 'true']);
  if (random() < 0.5) steps.push([60 + pick(40), 'stage', 'closed']);
  return steps;
}

function workload(t0: number, random: () => number): HubSpotWebhookEvent[] {
  const events: HubSpotWebhookEvent[] = [];
  for (let r = 1; r <= RECORDS; r++) {
    for (const [min, propertyName, propertyValue] of story(random)) {
      events.push({
        eventId: events.length + 1, subscriptionId: 1, portalId: 77, attemptNumber: 0, objectId: String(r),
        // Distinct event times: the order of two signals of one instant is their arrival order, which a shuffle changes.
        occurredAt: t0 + r * 7 * MIN + min * MIN + events.length, subscriptionType: 'ticket.propertyChange', propertyName, propertyValue,
      });
    }
  }
  return events;
}

function shuffled<T>(list: readonly T[], random: () => number): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

const byOpening = (a: OutcomeView, b: OutcomeView) => (a.openedAt === b.openedAt ? (a.outcomeId < b.outcomeId ? -1 : 1) : a.openedAt < b.openedAt ? -1 : 1);
const trailWithoutCorrections = (o: Outcome) => ({ outcomeId: o.outcomeId, trail: outcomeView(o, true).trail!.filter((e) => e.type !== 'corrected') });

describe('late deliveries, hours behind, on Redis and BullMQ', () => {
  const prefix = testPrefix('late');
  let redis: Redis;
  let queue: Queue;
  let worker: Worker;
  const results: ProcessedResult[] = [];
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
        process: async (record) => {
          const r = await processRecord({ store: s, scheduler, criteria: () => criteria, clock: Date.now, holdMs: HOLD }, record);
          if (r.kind === 'processed') results.push(r);
        },
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

  async function deliver(events: readonly HubSpotWebhookEvent[]): Promise<void> {
    const scheduler = createRecordScheduler(queue, { holdMs: HOLD, clock: Date.now });
    for (let i = 0; i < events.length; i += 7) {
      const reading = readWebhookBatch(events.slice(i, i + 7));
      if (!reading.ok) throw new Error('bad batch');
      await ingestBatch({ store: store(), scheduler }, reading.batch);
    }
  }

  async function liveLedger(): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for await (const ref of store().listRecords()) outcomes.push(...((await store().load(ref, Number.NEGATIVE_INFINITY)).state?.outcomes ?? []));
    return outcomes;
  }

  /** Waits until nothing is due any more (every pending input applied), then reads the ledger. */
  async function settled(timeoutMs: number): Promise<Outcome[]> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const due = await store().dueRecords(Date.now() - HOLD, 1);
      const waiting = await queue.getJobCounts('waiting', 'active', 'delayed');
      if (due.length === 0 && (waiting.waiting ?? 0) + (waiting.active ?? 0) === 0) return liveLedger();
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('the pipeline did not settle in time');
  }

  it('replays signals that come hours late and shuffled, and ends with the ledger simulate computes, field for field', async () => {
    const random = seededRandom(20261203);
    const t0 = Date.now() - 8 * HOUR;
    const events = workload(t0, random);
    const [onTime, late] = [[] as HubSpotWebhookEvent[], [] as HubSpotWebhookEvent[]];
    for (const e of events) (random() < 0.6 ? onTime : late).push(e);
    await deliver(shuffled(onTime, random));
    const first = await settled(20_000);
    expect(first.length).toBeGreaterThan(0);
    // Hours after their records settled: HubSpot's retries after an outage.
    await deliver(shuffled(late, random));
    await deliver(shuffled(late.slice(0, 10), random).map((e) => ({ ...e, attemptNumber: 1 })));
    const live = await settled(20_000);

    const mapped = toSignals(events);
    if (!mapped.ok) throw new Error('bad events');
    const sim = simulate({ criteria, records: [], signals: mapped.signals, until: null });
    expect(live.map((o) => outcomeView(o)).sort(byOpening)).toEqual(sim.outcomes.map((o) => outcomeView(o)).sort(byOpening));
    const trails = (list: Outcome[]) => list.map(trailWithoutCorrections).sort((a, b) => (a.outcomeId < b.outcomeId ? -1 : 1));
    expect(trails(live)).toEqual(trails(sim.outcomes));
    // The late signals did change verdicts, and each change says which late signal made it.
    const corrected = live.filter((o) => o.trail.some((e) => e.type === 'corrected'));
    expect(corrected.length).toBeGreaterThan(0);
    expect(results.some((r) => r.replayedLate.length > 0)).toBe(true);
    expect(results.every((r) => r.late.length === 0)).toBe(true);
  }, 60_000);
});
