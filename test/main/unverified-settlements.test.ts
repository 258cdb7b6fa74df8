// Issue 10: when HubSpot's reads time out, a settlement that goes ahead on signals alone is logged (ids and instant, no
// property values), counted in ob_unverified_settlements_total, and /readyz says degraded (200) with the recent count.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { PROJECT_ROOT, describeProcesses, freePort, killAll, logLines, postBatch, sleep, spawnService } from '../support/service.ts';
import type { Service, ServiceProcess } from '../support/service.ts';

const ALL_ENTRY = join(PROJECT_ROOT, 'src', 'main', 'all.ts');
/** Trigger agent_resolution_started_at, success hs_pipeline_stage = '4', review window 20 s. */
const CRITERIA = join(PROJECT_ROOT, 'examples', 'quick-demo', 'criteria.yaml');
const PORTAL = 8181;
const SECRET = 'unverified-test-secret';
const ADMIN = 'unverified-test-admin-token';
const RECORD = '9001';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(150);
  }
}

describe('settlements without their HubSpot read', () => {
  const prefix = testPrefix('unverified');
  let redis: Redis;
  let hubspot: Server;
  let p: ServiceProcess;
  let svc: Service;

  beforeAll(async () => {
    redis = connect();
    // A HubSpot that takes every connection and never answers: each read times out.
    hubspot = createServer(() => undefined);
    await new Promise<void>((resolve) => hubspot.listen(0, '127.0.0.1', () => resolve()));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      REDIS_URL,
      REDIS_PREFIX: prefix,
      HUBSPOT_CLIENT_SECRET: SECRET,
      PUBLIC_BASE_URL: base,
      CRITERIA_PATH: CRITERIA,
      ADMIN_TOKEN: ADMIN,
      HUBSPOT_ACCESS_TOKEN: 'pat-na1-unverified-test-token',
      HUBSPOT_API_BASE_URL: `http://127.0.0.1:${(hubspot.address() as AddressInfo).port}`,
      SIGNAL_HOLD_MS: '300',
      SWEEP_INTERVAL_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '3000',
      LOG_LEVEL: 'info',
    };
    p = spawnService({ name: 'all', role: 'server', entry: ALL_ENTRY, env });
    svc = { baseUrl: base, publicBaseUrl: base, secret: SECRET, adminToken: ADMIN, server: p, workers: [], all: () => [p], env };
    await until('/readyz answers 200', async () => (await fetch(`${base}/readyz`)).status === 200);
  }, 40_000);

  afterAll(async () => {
    await killAll([p]);
    hubspot.closeAllConnections();
    await new Promise<void>((resolve) => hubspot.close(() => resolve()));
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('logs each one with its outcome and instant, counts it, and shows /readyz as degraded with the count', async () => {
    onTestFailed(() => {
      process.stderr.write(`${describeProcesses([p])}\n`);
    });
    const ready = (await (await fetch(`${svc.baseUrl}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ready', checks: { verification: { ok: true, count: 0 } } });

    // Pressed and closed three minutes ago (a delivery HubSpot retried late): the settlement is already past the
    // 60 s a read may take, so it goes ahead at once, on signals alone.
    const t = Date.now() - 180_000;
    const change = (eventId: number, at: number, propertyName: string, propertyValue: string) => ({
      eventId,
      subscriptionId: 1,
      portalId: PORTAL,
      appId: 4242,
      occurredAt: at,
      subscriptionType: 'ticket.propertyChange',
      attemptNumber: 0,
      objectId: Number(RECORD),
      propertyName,
      propertyValue,
      changeSource: 'INTEGRATION',
    });
    const posted = await postBatch(svc, [change(1, t, 'agent_resolution_started_at', 'run-1'), change(2, t + 2_000, 'hs_pipeline_stage', '4')], 0);
    expect(posted.status).toBe(200);

    let outcome: { outcomeId: string; status: string; settledAt: string; verification?: string } | undefined;
    await until('the outcome is billable', async () => {
      const res = await fetch(`${svc.baseUrl}/api/outcomes?objectType=ticket&recordId=${RECORD}&portalId=${PORTAL}`, { headers: { authorization: `Bearer ${ADMIN}` } });
      outcome = ((await res.json()) as { outcomes: (typeof outcome)[] }).outcomes[0];
      return outcome?.status === 'billable';
    });

    await until('the log line', async () => logLines(p, (l) => l['outcomeId'] === outcome!.outcomeId && l['level'] === 'warn').length > 0, 5_000);
    const [line] = logLines(p, (l) => l['outcomeId'] === outcome!.outcomeId && l['level'] === 'warn');
    expect(line).toMatchObject({ record: { portalId: PORTAL, objectType: 'ticket', recordId: RECORD }, settledAt: outcome!.settledAt });
    // Ids and the instant only: no property values of the record.
    expect(JSON.stringify(line)).not.toContain('run-1');

    const metrics = await (await fetch(`${svc.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^ob_unverified_settlements_total 1$/m);

    const readyz = await fetch(`${svc.baseUrl}/readyz`);
    expect(readyz.status).toBe(200);
    expect(await readyz.json()).toMatchObject({ status: 'degraded', checks: { verification: { ok: true, degraded: true, count: 1 } } });
  }, 60_000);
});
