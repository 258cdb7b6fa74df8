// The card's GET routes over real Redis: states the commit script stored, log ids the write-back's finish script kept, signed requests through the HTTP app.
import type { Redis } from 'ioredis';
import nock from 'nock';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../src/adapters/http/app.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../src/adapters/http/hubspot-signature.ts';
import { createLogger } from '../../src/adapters/logging/logger.ts';
import { createMemoryBackoff, createMemoryDrainLock } from '../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { createRedisWritebackStore } from '../../src/adapters/redis/writeback-store.ts';
import { createCardView, verificationLogIds } from '../../src/app/card-view.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { createOutcomeReader } from '../../src/app/read-outcomes.ts';
import { drainWriteback } from '../../src/app/writeback.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { T0, drainDeps, hubspotDouble, outcomeFixture, recordingLog, stateWith } from '../support/hubspot-double.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { criteriaSet } from '../support/scenario.ts';

const SECRET = 'client-secret-for-card-redis-01';
const BASE = 'https://billing.example.com';
const PORTAL = 4242;
const OTHER_PORTAL = 4243;
const CRITERIA = criteriaSet();

describe('card reads over Redis', () => {
  const prefix = testPrefix('card-reads');
  const now = T0 + 3_600_000;
  let redis: Redis;
  let app: ReturnType<typeof createHttpApp>;
  let signals: ReturnType<typeof createRedisSignalStore>;
  let writeback: ReturnType<typeof createRedisWritebackStore>;

  beforeAll(() => {
    redis = connect();
    signals = createRedisSignalStore(redis, prefix);
    writeback = createRedisWritebackStore(redis, prefix);
    const cards = createCardView({
      store: signals,
      criteria: () => CRITERIA,
      logs: verificationLogIds(writeback),
      paused: { pausedNow: async () => [] },
      resolvers: { userIds: new Set([7]), emails: new Set() },
      clock: () => now,
    });
    app = createHttpApp({
      config: { publicBaseUrl: BASE, hubspotClientSecret: SECRET, adminToken: 'admin-token-for-tests-0123456789', maxBodyBytes: 4096 },
      ingest: async () => {
        throw new Error('these tests send no webhooks');
      },
      reader: createOutcomeReader(signals),
      cards,
      health: { ready: async () => ({ ok: true, checks: {} }) },
      metrics: createMetrics({ defaultMetrics: false }),
      logger: createLogger({ level: 'silent', name: 'test' }),
      clock: () => now,
    });
    nock.disableNetConnect();
    nock.enableNetConnect('127.0.0.1');
  });
  afterAll(async () => {
    nock.cleanAll();
    nock.enableNetConnect();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  const get = (path: string, portalId = PORTAL) => {
    const url = `${path}${path.includes('?') ? '&' : '?'}portalId=${portalId}&userId=7&userEmail=ops%40example.com&appId=1`;
    const timestamp = String(now);
    const signature = signHubSpotV3({ method: 'GET', url: BASE + url, rawBody: '', timestamp, secret: SECRET });
    return request(app).get(url).set(SIGNATURE_HEADER, signature).set(TIMESTAMP_HEADER, timestamp);
  };

  async function commit(recordId: string, outcomes: readonly Outcome[], portalId = PORTAL): Promise<void> {
    const record: RecordRef = { portalId, objectType: 'ticket', recordId };
    const loaded = await signals.load(record, Number.POSITIVE_INFINITY);
    const state = stateWith('ticket', recordId, outcomes);
    expect((await signals.commit({ record, version: loaded.version, state, applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] })).ok).toBe(true);
  }

  it('pages the stored outcomes, links each written log, and keeps another portal out', async () => {
    const outcomes = Array.from({ length: 25 }, (_, i) => outcomeFixture({ recordId: '31', seq: i + 1, status: 'billable' }));
    await commit('31', outcomes);
    await commit('31', [outcomeFixture({ recordId: '31', status: 'billable' })], OTHER_PORTAL);

    const before = await get('/ui/records/0-5/31/outcomes?limit=5');
    expect(before.status).toBe(200);
    expect(before.body.viewer).toEqual({ userId: 7, canResolve: true });
    expect(before.body.outcomes.map((o: { verificationLogUrl: string | null }) => o.verificationLogUrl)).toEqual([null, null, null, null, null]);

    hubspotDouble();
    const guards = { lock: createMemoryDrainLock({ clock: () => now }), backoff: createMemoryBackoff({ clock: () => now }), limiter: createMemoryRateLimiter({ max: 1_000 }) };
    const deps = drainDeps({ ...guards, clock: () => now, metrics: createMetrics({ defaultMetrics: false }), log: recordingLog(), criteria: () => CRITERIA });
    expect(await drainWriteback({ ...deps, store: writeback })).toMatchObject({ written: { logs: 26, associations: 26 }, deadLetters: 0 });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/ui/records/0-5/31/outcomes?limit=10${cursor === null ? '' : `&cursor=${cursor}`}`);
      expect(res.status).toBe(200);
      for (const o of res.body.outcomes as { outcomeId: string; verificationLogUrl: string }[]) {
        expect(o.verificationLogUrl).toMatch(new RegExp(`^https://app\\.hubspot\\.com/contacts/${PORTAL}/record/p${PORTAL}_ob_verification_log/9\\d{3}$`));
        seen.push(o.outcomeId);
      }
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(outcomes.map((o) => o.outcomeId).reverse());

    const trail = await get(`/ui/outcomes/${encodeURIComponent(outcomes[0]!.outcomeId)}/trail`);
    expect(trail.status).toBe(200);
    expect(trail.body).toEqual({ outcomeId: outcomes[0]!.outcomeId, entries: [{ at: '2026-11-03T10:00:00.000Z', version: 1, type: 'opened' }], nextCursor: null });

    expect((await get('/ui/records/0-5/32/outcomes')).body.outcomes).toEqual([]);
    const elsewhere = await get(`/ui/outcomes/${encodeURIComponent(outcomes[3]!.outcomeId)}/trail`, OTHER_PORTAL);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.error.problems).toEqual([{ code: 'not_found', path: ['outcomeId'], message: expect.any(String) }]);
  });
});
