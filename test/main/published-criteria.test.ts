// Issue 8 item 4: a version published while the service runs judges the signals from its effective time on, without a restart (real Redis and BullMQ workers).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { loadCriteriaFiles } from '../../src/adapters/files/criteria-files.ts';
import { createPublishedCriteriaStore } from '../../src/adapters/redis/published-criteria.ts';
import { publishCriteria } from '../../src/app/criteria-publish.ts';
import { nextDraftText } from '../../src/core/criteria/draft.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { PROJECT_ROOT, describeProcesses, freePort, killAll, logLines, postBatch, sleep, spawnService } from '../support/service.ts';
import type { Service, ServiceProcess } from '../support/service.ts';

const ALL_ENTRY = join(PROJECT_ROOT, 'src', 'main', 'all.ts');
const CRITERIA = join(PROJECT_ROOT, 'examples', 'quick-demo', 'criteria.yaml');
const PORTAL = 8282;
const SECRET = 'published-test-secret';
const ADMIN = 'published-test-admin-token';
const EDITOR = { userId: 11, email: null };

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

const change = (eventId: number, recordId: string, at: number, propertyName: string, propertyValue: string) => ({
  eventId,
  subscriptionId: 1,
  portalId: PORTAL,
  appId: 4242,
  occurredAt: at,
  subscriptionType: 'ticket.propertyChange',
  attemptNumber: 0,
  objectId: Number(recordId),
  propertyName,
  propertyValue,
  changeSource: 'INTEGRATION',
});

describe('a published criteria version in a running service', () => {
  const prefix = testPrefix('published-live');
  let redis: Redis;
  let p: ServiceProcess;
  let svc: Service;

  beforeAll(async () => {
    redis = connect();
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
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  async function outcomeOf(recordId: string): Promise<{ criteriaVersion: number } | undefined> {
    const res = await fetch(`${svc.baseUrl}/api/outcomes?objectType=ticket&recordId=${recordId}&portalId=${PORTAL}`, { headers: { authorization: `Bearer ${ADMIN}` } });
    return ((await res.json()) as { outcomes: { criteriaVersion: number }[] }).outcomes[0];
  }

  it('judges presses before the publish with v1 and presses after it with v2, in the same process', async () => {
    onTestFailed(() => {
      process.stderr.write(`${describeProcesses([p])}\n`);
    });
    const before = Date.now();
    expect((await postBatch(svc, [change(1, '501', before, 'agent_resolution_started_at', 'run-1')], 0)).status).toBe(200);
    await until('record 501 has its outcome', async () => (await outcomeOf('501')) !== undefined);
    expect((await outcomeOf('501'))?.criteriaVersion).toBe(1);

    const files = await loadCriteriaFiles([CRITERIA]);
    if (!files.ok) throw new Error('the quick demo criteria do not load');
    const deps = {
      store: createPublishedCriteriaStore(redis, prefix),
      fileVersions: () => files.versions,
      editors: new Set([EDITOR.userId]),
      subscriptions: async () => null,
      clock: Date.now,
    };
    const draft = nextDraftText(await readFile(CRITERIA, 'utf8')).replace('within: 15s', 'within: 25s');
    const published = await publishCriteria(deps, { text: draft, changeNotes: 'agents need 25 s' }, EDITOR);
    expect(published.kind).toBe('ok');

    // A press after the effective time: the worker looks at the revision before the job and loads v2.
    expect((await postBatch(svc, [change(2, '502', Date.now(), 'agent_resolution_started_at', 'run-2')], 0)).status).toBe(200);
    await until('record 502 has its outcome', async () => (await outcomeOf('502')) !== undefined);
    expect((await outcomeOf('502'))?.criteriaVersion).toBe(2);
    expect(logLines(p, (l) => l['msg'] === 'published criteria loaded' && JSON.stringify(l['added']) === '["quick-demo@2"]').length).toBeGreaterThan(0);
    expect(p.child.exitCode).toBeNull();
  }, 60_000);
});
