// Issue 4: 1,000 outcomes driven to settlement through the worker path, counting every HubSpot call (reads and writes).
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRecord } from '../../src/app/process-record.ts';
import type { ProcessDeps } from '../../src/app/process-record.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { createRecordQueue, createRecordScheduler } from '../../src/adapters/queue/record-queue.ts';
import { createCrmSnapshotStore } from '../../src/adapters/redis/crm-snapshots.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { outcomeView } from '../../src/core/ledger-view.ts';
import { createHubSpotDrains } from '../../src/main/hubspot-drains.ts';
import { HUBSPOT_BASE, HUBSPOT_TOKEN, hubspotDouble } from '../support/hubspot-double.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';

const OUTCOMES = 1_000;
const HOLD = 1_000;
/** Reviewed for 10 minutes: each outcome goes open → in_review → billable, the path that costs the most calls. */
const criteria = criteriaSet({ review_window: '10m' });

describe('HubSpot calls per 1,000 settled outcomes', () => {
  const prefix = testPrefix('calls');
  let redis: Redis;
  let queue: Queue;
  let now = T0;
  const records: RecordRef[] = Array.from({ length: OUTCOMES }, (_, i) => ({ portalId: 7, objectType: 'ticket', recordId: String(50_000 + i) }));

  beforeAll(() => {
    redis = connect();
    queue = createRecordQueue({ connection: redis, prefix, holdMs: HOLD, clock: () => now });
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await queue.obliterate({ force: true });
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('stays under 60 (reads when first seen and before billing, one write of each settled outcome)', async () => {
    const hubspot = hubspotDouble();
    for (const r of records) hubspot.records.set(`tickets/${r.recordId}`, { stage: 'closed', agent_started_at: 'x' });
    const store = createRedisSignalStore(redis, prefix);
    const drains = createHubSpotDrains({
      redis,
      prefix,
      accessToken: HUBSPOT_TOKEN,
      apiBaseUrl: HUBSPOT_BASE,
      burstLimit: 250,
      criteria: () => criteria,
      clock: () => now,
      metrics: createMetrics({ defaultMetrics: false }),
      logger: createLogger({ level: 'silent', name: 'test' }),
    });
    const deps: ProcessDeps = {
      store,
      scheduler: createRecordScheduler(queue, { holdMs: HOLD, clock: () => now }),
      criteria: () => criteria,
      clock: () => now,
      holdMs: HOLD,
      pendingWriteDelayMs: 30_000,
      crm: { snapshots: createCrmSnapshotStore(redis, prefix), maxWaitMs: 60_000 },
    };
    const item = (r: RecordRef, at: number, property: string, value: string) => ({
      identity: `${r.recordId}/${property}`,
      signal: { kind: 'property' as const, objectType: r.objectType, recordId: r.recordId, at, property, value },
    });
    // A press, and the ticket closed a minute later, for every record: as HubSpot would deliver them.
    for (let i = 0; i < records.length; i += 100) {
      const batch = records.slice(i, i + 100);
      await store.ingest(7, [...batch.map((r) => item(r, T0, 'agent_started_at', 'x')), ...batch.map((r) => item(r, T0 + 60_000, 'stage', 'closed'))]);
    }
    // The workers' and drains' rounds at a few instants: each instant, records run, reads are answered, records run again, writes go out.
    const round = async () => {
      for (const r of records) await processRecord(deps, r);
      while ((await deps.crm!.snapshots.waiting()) > 0) await drains.crmRead();
      for (const r of records) await processRecord(deps, r);
      while ((await drains.writeback()).entries > 0);
    };
    for (const at of [T0 + 60_000 + HOLD, T0 + 60_000 + 600_000 + HOLD]) {
      now = at;
      await round();
    }
    const outcomes = (await Promise.all(records.map(async (r) => (await store.load(r, Number.NEGATIVE_INFINITY)).state!.outcomes[0]!)));
    expect(outcomes.map((o) => outcomeView(o)).every((o) => o.status === 'billable' && o.verification === 'signals + CRM read')).toBe(true);
    // The in-review status was overtaken by the settlement before its write was due: one write per outcome.
    expect(hubspot.calls.filter((c) => c.path.endsWith('/batch/upsert')).flatMap((c) => c.body.inputs).every((i: { properties: Record<string, string> }) => i.properties.ob_status === 'billable')).toBe(true);

    const kinds = ['/batch/read', '/batch/update', '/batch/upsert', '/batch/associate/default'];
    const byKind = Object.fromEntries(kinds.map((k) => [k, hubspot.calls.filter((c) => c.path.endsWith(k)).length]));
    const perThousand = (hubspot.calls.length * 1_000) / OUTCOMES;
    console.log(`HubSpot calls for ${OUTCOMES} settled outcomes: ${hubspot.calls.length} (${JSON.stringify(byKind)}), ${perThousand} per 1,000`);
    expect(hubspot.calls.length).toBe(Object.values(byKind).reduce((a, b) => a + b, 0));
    // Every record was written, once, in full batches: the count below 60 is not had by skipping writes.
    const inputs = (kind: string) => hubspot.calls.filter((c) => c.path.endsWith(kind)).reduce((n, c) => n + c.body.inputs.length, 0);
    expect([inputs('/batch/update'), inputs('/batch/upsert'), inputs('/batch/associate/default'), inputs('/batch/read')]).toEqual([OUTCOMES, OUTCOMES, OUTCOMES, 2 * OUTCOMES]);
    expect(perThousand).toBeLessThan(60);
  }, 60_000);
});
