// The home page's GET /ui/home end to end (supertest) with real v3 signatures: the ledger in the memory store, closed periods and reconciles in Redis, budgets and alerts through their ports.
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/adapters/http/app.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';
import { createLogger } from '../../../src/adapters/logging/logger.ts';
import { createMemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import { createMetrics } from '../../../src/adapters/metrics/metrics.ts';
import { createRedisPeriodStore, periodsKey } from '../../../src/adapters/redis/period-store.ts';
import { createRedisReconcileResults } from '../../../src/adapters/redis/reconcile-results.ts';
import type { FiredAlert, FiredAlerts } from '../../../src/app/home-ports.ts';
import { createHomeView } from '../../../src/app/home-view.ts';
import type { HomeViewDeps } from '../../../src/app/home-view.ts';
import { snapshotOf } from '../../../src/app/invoices.ts';
import { createOutcomeReader } from '../../../src/app/read-outcomes.ts';
import { makeSet } from '../../../src/core/criteria/criteria-set.ts';
import type { Outcome } from '../../../src/core/engine/outcome.ts';
import { homePageSchema } from '../../../hubspot-app/src/app/pages/api/schema.ts';
import { T0, outcomeFixture, stateWith } from '../../support/hubspot-double.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';
import { criteriaSet } from '../../support/scenario.ts';

const SECRET = 'client-secret-for-home-tests-001';
const BASE = 'https://billing.example.com';
const PORTAL = 62515;
const CRITERIA = criteriaSet({});
/** Midnight starting 16 November (UTC): half of November has passed, 15 days are left. */
const NOW = Date.parse('2026-11-16T00:00:00Z');

let redis: Redis;
let prefix: string;
let signals: MemorySignalStore;
let fired: FiredAlert[];
let homeDeps: Partial<HomeViewDeps>;

beforeAll(() => {
  redis = connect();
  prefix = testPrefix('home');
});
afterAll(async () => {
  await deletePrefix(redis, prefix);
  await redis.quit();
});

beforeEach(async () => {
  await deletePrefix(redis, prefix);
  signals = createMemorySignalStore({ clock: () => NOW });
  fired = [];
  const alerts: FiredAlerts = { listFiredAlerts: async (portalId, period) => fired.filter((a) => portalId === PORTAL && a.period === period) };
  homeDeps = { alerts, budgetOf: () => ({ expectedMinor: 1000n, alerts: [25, 50, 75], limitMinor: null }) };
});

function app() {
  const home = createHomeView({
    store: signals,
    criteria: () => CRITERIA,
    periods: createRedisPeriodStore(redis, prefix),
    reconciles: createRedisReconcileResults(redis, prefix),
    clock: () => NOW,
    ...homeDeps,
  });
  return createHttpApp({
    config: { publicBaseUrl: BASE, hubspotClientSecret: SECRET, adminToken: 'admin-token-for-tests-0123456789', maxBodyBytes: 4096 },
    ingest: async () => {
      throw new Error('these tests send no webhooks');
    },
    reader: createOutcomeReader(signals),
    home,
    health: { ready: async () => ({ ok: true, checks: {} }) },
    metrics: createMetrics({ defaultMetrics: false }),
    logger: createLogger({ level: 'silent', name: 'test' }),
    clock: () => NOW,
  });
}

/** A GET as `hubspot.fetch` sends it: HubSpot appends the caller's identity to the URL and signs it. */
function get(path: string, opts: { portalId?: number; unsigned?: boolean } = {}) {
  const url = `${path}${path.includes('?') ? '&' : '?'}portalId=${opts.portalId ?? PORTAL}&userId=5&appId=99`;
  const req = request(app()).get(url);
  if (opts.unsigned) return req;
  const timestamp = String(NOW);
  return req.set(SIGNATURE_HEADER, signHubSpotV3({ method: 'GET', url: BASE + url, rawBody: '', timestamp, secret: SECRET })).set(TIMESTAMP_HEADER, timestamp);
}

async function commit(recordId: string, outcomes: readonly Outcome[], portalId = PORTAL): Promise<void> {
  const ref = { portalId, objectType: 'ticket' as const, recordId };
  const loaded = await signals.load(ref, Number.POSITIVE_INFINITY);
  const result = await signals.commit({ record: ref, version: loaded.version, state: stateWith('ticket', recordId, outcomes), applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] });
  expect(result.ok).toBe(true);
}

const DISPUTE = { state: 'open' as const, reason: 'Wrong record: the ticket was already closed', openedBy: { userId: 5, email: 'rep@example.com' }, openedAt: T0 + 3 * 3_600_000, resolvedBy: null, resolvedAt: null, note: null };

/** November so far: 3 billable (one disputed), 3 not billable (2 late, 1 reversed), 1 in review; all on 3 November. */
async function seedNovember(): Promise<void> {
  await commit('11', [outcomeFixture({ recordId: '11', status: 'billable' })]);
  await commit('12', [outcomeFixture({ recordId: '12', status: 'billable', suppressed: 2 })]);
  await commit('16', [outcomeFixture({ recordId: '16', status: 'billable', dispute: DISPUTE })]);
  await commit('13', [outcomeFixture({ recordId: '13', status: 'not_billable' })]);
  await commit('14', [outcomeFixture({ recordId: '14', status: 'not_billable', reason: 'latency_breach' }), outcomeFixture({ recordId: '14', seq: 2, status: 'not_billable', reason: 'latency_breach' })]);
  await commit('15', [outcomeFixture({ recordId: '15', status: 'in_review' })]);
}

async function closeOctober(): Promise<void> {
  const { text, sha256 } = snapshotOf(PORTAL, '2026-10', '2026-11-02T09:00:00.000Z', []);
  await createRedisPeriodStore(redis, prefix).close(PORTAL, { period: '2026-10', text, sha256 });
  await createRedisReconcileResults(redis, prefix).save(PORTAL, '2026-10', { at: '2026-11-02T10:00:00.000Z', clean: false, mismatches: 2, byKind: { missing_in_hubspot: 2 }, repaired: null });
}

describe('GET /ui/home', () => {
  it("answers the current period's figures per criteria id, as the home page's own schema reads them", async () => {
    await seedNovember();
    await closeOctober();
    fired.push({ criteriaId: 'resolve', period: '2026-11', threshold: 25, chargeMinor: 300n, expectedMinor: 1000n, currency: 'USD', firedAt: T0 + 4 * 3_600_000 });
    const res = await get('/ui/home');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(homePageSchema.safeParse(res.body).success).toBe(true);
    expect(res.body).toMatchObject({ period: '2026-11', asOf: '2026-11-16T00:00:00.000Z' });
    const [row] = res.body.criteria;
    expect(row).toMatchObject({ criteriaId: 'resolve', name: 'Ticket resolved', currency: 'USD', timezone: 'UTC' });
    expect(row.charge).toEqual({ amount: '3.00', expected: '10.00', limit: null, thresholds: [25, 50, 75], percentOfExpected: 30 });
    // Run-rate 3.00 / 0.5; accrual + 1 in review (approval rate 1: none left review yet); likely + 15 days × 3/28 a day × 1.00.
    expect(row.forecast).toEqual({ mtd: '3.00', runRate: '6.00', approvalRate: 1, accrual: '4.00', low: '4.00', likely: '5.61', high: '4.00', daysLeft: 15, perDay: { low: 0, mean: 3 / 28, high: 0 } });
    expect(row.daily).toHaveLength(16);
    expect(row.daily.filter((d: { billable: number }) => d.billable > 0)).toEqual([{ date: '2026-11-03', billable: 3 }]);
    expect(row.funnel).toEqual({ presses: 9, attempts: 7, successes: 7, billable: 3, yield: 3 / 7, unitSpend: '1.00' });
    expect(row.notBillable).toEqual([
      { reason: 'latency_breach', count: 2 },
      { reason: 'reversed', count: 1 },
    ]);
    expect(row.openDisputes).toEqual([{ outcomeId: 'resolve:ticket:16:2026-11-03#1', objectType: 'ticket', recordId: '16', billingPeriod: '2026-11', openedAt: '2026-11-03T13:00:00.000Z', reason: DISPUTE.reason }]);
    expect(row.alerts).toEqual([{ threshold: 25, charge: '3.00', expected: '10.00', currency: 'USD', firedAt: '2026-11-03T14:00:00.000Z' }]);
    expect(res.body.periods).toEqual([
      { period: '2026-11', state: 'open', closedAt: null, lastReconcile: null },
      { period: '2026-10', state: 'closed', closedAt: '2026-11-02T09:00:00.000Z', lastReconcile: { at: '2026-11-02T10:00:00.000Z', clean: false, mismatches: 2, byKind: { missing_in_hubspot: 2 }, repaired: null } },
    ]);
  });

  it('forecasts no charge past the limit: over-limit outcomes are read off the ledger, not stored state (contract §8)', async () => {
    // Volume: the first 2 at 10.00 each, then 1.00 each for all; limit 15.00. The first settled is charged (10.00), two would be 20.00: the other 4 are over limit.
    const price = { currency: 'USD', model: 'volume', tiers: [{ up_to: 2, unit_amount: '10.00' }, { up_to: null, unit_amount: '1.00' }] };
    const limited = criteriaSet({ price, budget: { expected: '15.00', limit: '15.00' } });
    homeDeps = { ...homeDeps, criteria: () => limited, budgetOf: (v) => v.budget };
    for (const id of ['31', '32', '33', '34', '35']) await commit(id, [outcomeFixture({ recordId: id, status: 'billable' })]);
    const [row] = (await get('/ui/home')).body.criteria;
    expect(row.charge).toMatchObject({ amount: '10.00', limit: '15.00' });
    expect(row.forecast).toMatchObject({ mtd: '10.00', accrual: '10.00', likely: '10.00', high: '10.00' });
  });

  it('an earlier period: its closed invoice, its days in full, no forecast', async () => {
    await seedNovember();
    await closeOctober();
    const res = await get('/ui/home?period=2026-10');
    expect(res.status).toBe(200);
    const [row] = res.body.criteria;
    expect(row.forecast).toBeNull();
    expect(row.charge.amount).toBe('0.00');
    expect(row.daily).toHaveLength(31);
    expect(row.funnel).toEqual({ presses: 0, attempts: 0, successes: 0, billable: 0, yield: null, unitSpend: null });
    // Open disputes are open now, whatever the period shown.
    expect(row.openDisputes).toHaveLength(1);
  });

  it('another portal sees none of these outcomes; without budgets or alerts those parts are empty', async () => {
    await seedNovember();
    homeDeps = {};
    const res = await get('/ui/home', { portalId: 777 });
    expect(res.status).toBe(200);
    const [row] = res.body.criteria;
    expect(row.charge).toEqual({ amount: '0.00', expected: null, limit: null, thresholds: [], percentOfExpected: null });
    expect(row.forecast).toMatchObject({ mtd: '0.00', likely: '0.00', high: '0.00' });
    expect([row.notBillable, row.openDisputes, row.alerts]).toEqual([[], [], []]);
    expect(res.body.periods).toEqual([{ period: '2026-11', state: 'open', closedAt: null, lastReconcile: null }]);
  });

  it("counts an adjustment to a closed period in November's spend and in its month to date alike", async () => {
    await closeOctober();
    // Billable in October after October's invoice was frozen without it: November carries the adjustment.
    await commit('21', [outcomeFixture({ recordId: '21', status: 'billable', openedAt: Date.parse('2026-10-20T10:00:00Z'), settledAt: Date.parse('2026-10-20T12:00:00Z'), billingPeriod: '2026-10' })]);
    const [row] = (await get('/ui/home')).body.criteria;
    expect([row.charge.amount, row.forecast.mtd, row.funnel.unitSpend]).toEqual(['1.00', '1.00', null]);
  });

  it("defaults to the ids' own current month: still November in Los Angeles when it is December in UTC", async () => {
    const home = createHomeView({ store: signals, criteria: () => criteriaSet({ timezone: 'America/Los_Angeles' }), periods: createRedisPeriodStore(redis, prefix), reconciles: createRedisReconcileResults(redis, prefix), clock: () => Date.parse('2026-12-01T03:00:00Z') });
    const found = await home.home(PORTAL, undefined);
    expect(found.ok && [found.value.period, found.value.criteria[0]!.forecast !== null]).toEqual(['2026-11', true]);
  });

  it('without criteria (and so without outcomes: a pinned version is never removed): no rows, the current UTC month', async () => {
    const home = createHomeView({ store: signals, criteria: () => makeSet([]), periods: createRedisPeriodStore(redis, prefix), reconciles: createRedisReconcileResults(redis, prefix), clock: () => NOW });
    const found = await home.home(PORTAL, undefined);
    expect(found.ok && found.value).toMatchObject({ period: '2026-11', criteria: [], periods: [{ period: '2026-11', state: 'open', lastReconcile: null }] });
  });

  it('refuses a period that is not YYYY-MM, naming it', async () => {
    for (const query of ['period=2026-13', 'period=nov', 'period=2026-11&period=2026-10']) {
      const res = await get(`/ui/home?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error.problems.map((p: { path: string[] }) => p.path)).toEqual([['period']]);
    }
  });

  it('refuses an unsigned request', async () => {
    const res = await get('/ui/home', { unsigned: true });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_signature');
  });

  it('answers 503 with Retry-After while the ledger cannot be read', async () => {
    signals.simulateOutage(true);
    const res = await get('/ui/home');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('a closed period changed after close: the other periods answer with it marked, and it alone is a 409 naming it', async () => {
    await seedNovember();
    await closeOctober();
    await redis.hset(periodsKey(prefix, PORTAL), '2026-10', JSON.stringify({ sha256: '0'.repeat(64), text: '{}' }));
    const res = await get('/ui/home');
    expect(res.status).toBe(200);
    expect(homePageSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.criteria[0].charge.amount).toBe('3.00');
    expect(res.body.periods).toEqual([
      { period: '2026-11', state: 'open', closedAt: null, lastReconcile: null },
      { period: '2026-10', state: 'snapshot_changed', closedAt: null, lastReconcile: expect.objectContaining({ mismatches: 2 }) },
    ]);
    const bad = await get('/ui/home?period=2026-10');
    expect(bad.status).toBe(409);
    expect(bad.body.error.problems).toEqual([expect.objectContaining({ path: ['periods', '2026-10'] })]);
  });
});
