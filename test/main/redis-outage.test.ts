// Issue 10: the service with its Redis down. At start it listens, is alive and not ready, refuses webhooks with 503 and
// retries with a log line per attempt until Redis answers; a later outage logs one structured line per source and
// kind of error (no raw stacks, no flood); SIGTERM then stops it cleanly. Runs its own redis-server on a free port.
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFailed } from 'vitest';
import { startOwnRedis } from '../support/own-redis.ts';
import type { OwnRedis } from '../support/own-redis.ts';
import { testPrefix } from '../support/redis.ts';
import { PROJECT_ROOT, describeProcesses, freePort, killAll, logLines, postBatch, sleep, spawnService } from '../support/service.ts';
import type { Service, ServiceProcess } from '../support/service.ts';

const ALL_ENTRY = join(PROJECT_ROOT, 'src', 'main', 'all.ts');
const CRITERIA = join(PROJECT_ROOT, 'examples', 'quick-demo', 'criteria.yaml');
const WAIT_MS = 25_000;
const SECRET = 'redis-outage-test-secret';
const RETRY_MSG = 'Redis does not answer: retrying';
const ERROR_MSG = 'Redis or queue error';

const event = (eventId: number) => ({
  eventId,
  subscriptionId: 1,
  portalId: 77,
  appId: 4242,
  occurredAt: Date.now(),
  subscriptionType: 'ticket.propertyChange',
  attemptNumber: 0,
  objectId: 501,
  propertyName: 'hs_pipeline_stage',
  propertyValue: '1',
  changeSource: 'CRM_UI',
});

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(100);
  }
}

async function get(base: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(base + path, { signal: AbortSignal.timeout(2_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('the service with Redis down', () => {
  const procs: ServiceProcess[] = [];
  const redises: OwnRedis[] = [];
  afterEach(async () => {
    await killAll(procs.splice(0));
    for (const r of redises.splice(0)) await r.kill();
  });

  /** The service (receiver and worker in one process, `npm start`) on a Redis at `redisPort`, which may not be there. */
  async function service(redisPort: number): Promise<{ p: ServiceProcess; svc: Service; base: string }> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      REDIS_PREFIX: testPrefix('outage'),
      HUBSPOT_CLIENT_SECRET: SECRET,
      PUBLIC_BASE_URL: base,
      CRITERIA_PATH: CRITERIA,
      ADMIN_TOKEN: 'redis-outage-test-admin-token',
      SIGNAL_HOLD_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'info',
    };
    const p = spawnService({ name: 'all', role: 'server', entry: ALL_ENTRY, env });
    procs.push(p);
    onTestFailed(() => {
      process.stderr.write(`${describeProcesses([p])}\n`);
    });
    return { p, base, svc: { baseUrl: base, publicBaseUrl: base, secret: SECRET, adminToken: env.ADMIN_TOKEN, server: p, workers: [], all: () => [p], env } };
  }

  async function expectCleanExitOnSigterm(p: ServiceProcess, withinMs: number): Promise<void> {
    process.kill(p.pid, 'SIGTERM');
    const exit = await Promise.race([p.exited, sleep(withinMs).then(() => null)]);
    expect(exit && { code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
  }

  it('down at start: listens, alive and not ready with the reason, refuses webhooks with 503, retries with a log line per attempt, then serves', async () => {
    const redisPort = await freePort();
    const { p, svc, base } = await service(redisPort);
    await until('/healthz answers 200', async () => (await get(base, '/healthz')).status === 200);
    const notReady = await get(base, '/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ status: 'not_ready', checks: { redis: { ok: false } } });
    expect(JSON.stringify(notReady.body)).toContain(`Redis at redis://127.0.0.1:${redisPort}`);
    const refused = await postBatch(svc, [event(1)], 0);
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ error: { code: 'store_unavailable' } });
    await until('two retry lines', () => logLines(p, (l) => l['msg'] === RETRY_MSG).length >= 2);
    const attempts = logLines(p, (l) => l['msg'] === RETRY_MSG);
    expect(attempts[0]).toMatchObject({ attempt: 1, reason: 'connection refused', redis: `redis://127.0.0.1:${redisPort}` });
    expect(attempts[1]).toMatchObject({ attempt: 2 });
    expect(Number(attempts[1]!['retryInMs'])).toBeGreaterThan(Number(attempts[0]!['retryInMs']));
    expect(p.hasExited()).toBe(false);

    redises.push(await startOwnRedis(redisPort));
    await until('/readyz answers 200', async () => (await get(base, '/readyz')).status === 200);
    expect((await postBatch(svc, [event(2)], 0)).status).toBe(200);
    await expectCleanExitOnSigterm(p, 10_000);
  }, 60_000);

  it('an outage while running: alive and not ready, each kind of error one JSON line per source (no raw stacks, no flood), ready again after', async () => {
    const redisPort = await freePort();
    redises.push(await startOwnRedis(redisPort));
    const { p, base } = await service(redisPort);
    await until('/readyz answers 200', async () => (await get(base, '/readyz')).status === 200);

    await redises.pop()!.kill();
    await until('/readyz answers 503', async () => (await get(base, '/readyz')).status === 503);
    expect((await get(base, '/healthz')).status).toBe(200);
    await sleep(4_000);
    expect(p.output()).not.toMatch(/^(\[stderr\] )?\s+at /m);
    for (const line of p.output().split('\n')) if (line !== '') expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    // A few sources (two connections, the queue, the worker) and a few kinds of error each; unlimited, it is one per retry.
    expect(logLines(p, (l) => JSON.stringify(l).includes('ECONNREFUSED')).length).toBeLessThanOrEqual(12);
    const errorLines = logLines(p, (l) => l['msg'] === ERROR_MSG);
    expect(errorLines.length).toBeGreaterThan(0);
    for (const l of errorLines) expect(l).toMatchObject({ level: 'warn', source: expect.any(String), error: { message: expect.any(String) } });

    redises.push(await startOwnRedis(redisPort));
    await until('/readyz answers 200 again', async () => (await get(base, '/readyz')).status === 200);
    await expectCleanExitOnSigterm(p, 10_000);
  }, 60_000);

  it('stops at once on SIGTERM while it waits for Redis', async () => {
    const { p } = await service(await freePort());
    await until('a retry line', () => logLines(p, (l) => l['msg'] === RETRY_MSG).length >= 1);
    await expectCleanExitOnSigterm(p, 5_000);
  }, 40_000);
});
