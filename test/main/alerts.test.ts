// The worker's alert wiring (src/main/alerts.ts): a commit that raises a charge is checked at once, and its alert is announced
// as one warn line with the alert's fields and counted in ob_budget_alerts_total{criteria_id,threshold}; the repeating job finds nothing left.
import { Writable } from 'node:stream';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processRecord } from '../../src/app/process-record.ts';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { createRecordQueue, createRecordScheduler } from '../../src/adapters/queue/record-queue.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { loadConfig } from '../../src/config/env.ts';
import { createLiveAlerts } from '../../src/main/alerts.ts';
import type { AlertsRuntime } from '../../src/main/alerts.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';

const criteria = criteriaSet({ budget: { expected: '2.00', alerts: [50, 100] } });

describe('alerts in the worker', () => {
  const prefix = testPrefix('main-alerts');
  let redis: Redis;
  let queue: Queue;
  beforeAll(() => {
    redis = connect();
    queue = createRecordQueue({ connection: redis, prefix, holdMs: 0, clock: Date.now });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('announces each alert once: a warn line with its fields, and the counter by criteria id and threshold', async () => {
    const lines: Record<string, unknown>[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => void (lines.push(JSON.parse(chunk.toString('utf8'))), done()) });
    const loaded = loadConfig({ HUBSPOT_CLIENT_SECRET: 's', PUBLIC_BASE_URL: 'https://billing.example.com', CRITERIA_PATH: 'x', ADMIN_TOKEN: 'a'.repeat(16), REDIS_PREFIX: prefix, SIGNAL_HOLD_MS: '0' });
    if (!loaded.ok) throw new Error('config');
    const store = createRedisSignalStore(redis, prefix);
    const metrics = createMetrics({ defaultMetrics: false });
    const rt: AlertsRuntime = { config: loaded.config, logger: createLogger({ level: 'info', name: 'test', destination }), metrics, clock: () => T0 + 60_000, workerRedis: redis, store, criteria: { current: () => criteria } as AlertsRuntime['criteria'] };
    const alerts = createLiveAlerts(rt);
    const signal = (i: number, property: string, value: string) => ({ identity: `${i}`, signal: { kind: 'property' as const, objectType: 'ticket' as const, recordId: '7', at: T0 + i, property, value } });
    await store.ingest(5, [signal(0, 'agent_started_at', 'go'), signal(1, 'stage', 'closed')]);
    const record = { portalId: 5, objectType: 'ticket' as const, recordId: '7' };
    const result = await processRecord({ store, scheduler: createRecordScheduler(queue, { holdMs: 0, clock: rt.clock }), criteria: () => criteria, clock: rt.clock, holdMs: 0 }, record);
    if (result.kind !== 'processed') throw new Error('not processed');
    await alerts.afterCommit(record, result.chargeChecks);
    // afterCommit starts the delivery without waiting for it.
    for (let i = 0; i < 50 && !(await metrics.render()).includes('threshold="50"'); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await metrics.render()).toMatch(/^ob_budget_alerts_total\{criteria_id="resolve",threshold="50"\} 1$/m);
    const announced = lines.filter((l) => typeof l['alert'] === 'object');
    expect(announced).toHaveLength(1);
    expect(announced[0]).toMatchObject({
      level: 'warn',
      msg: 'Budget alert: resolve reached 50 % of its expected 2.00 USD for 2026-11 (charge 1.00 USD, portal 5).',
      alert: { alertId: '5:resolve:2026-11:50', portalId: 5, criteriaId: 'resolve', period: '2026-11', threshold: 50, charge: '1.00', expected: '2.00', currency: 'USD', firedAt: '2026-11-03T10:00:00.001Z', attempt: 1 },
    });
    expect(await alerts.run()).toEqual({ recovered: 0, delivered: 0 });
    expect(lines.filter((l) => typeof l['alert'] === 'object')).toHaveLength(1);
  });
});
