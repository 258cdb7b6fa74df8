// `outcome-billing reconcile` against HubSpot mocked with nock: the log read back page by page, every planted mismatch found and named, --repair then a clean reconcile.
import type { Redis } from 'ioredis';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHubSpotRequest } from '../../src/adapters/hubspot/client.ts';
import { createCrmApi } from '../../src/adapters/hubspot/crm-api.ts';
import { createRedisBackoff, createRedisDrainLock } from '../../src/adapters/redis/drain-guards.ts';
import { createRedisRateLimiter } from '../../src/adapters/redis/rate-limiter.ts';
import { createRedisWritebackStore } from '../../src/adapters/redis/writeback-store.ts';
import { NO_LOG, NO_OBSERVER } from '../../src/app/hubspot-calls.ts';
import { drainWriteback } from '../../src/app/writeback.ts';
import { periodCommand } from '../../src/cli/commands/period.ts';
import { reconcileCommand } from '../../src/cli/commands/reconcile.ts';
import { cli } from '../support/cli.ts';
import type { CliRun } from '../support/cli.ts';
import { LOG_TOKEN, verificationLogDouble } from '../support/hubspot-log-double.ts';
import { outcomeFixture, stateWith } from '../support/hubspot-double.ts';
import { criteriaFile, seedStates } from '../support/ledger-seed.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { criteriaSet } from '../support/scenario.ts';
import { deploymentKey, portalKey } from '../../src/adapters/redis/keys.ts';

const DEC3 = Date.parse('2026-12-03T09:00:00Z');
const idOf = (record: string) => `resolve:ticket:${record}:2026-11-03#1`;
const EXTRA = 'resolve:ticket:99:2026-11-03#1';

async function captured(f: (io: { out(t: string): void; err(t: string): void }) => Promise<number>): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await f({ out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('outcome-billing reconcile', () => {
  const prefix = testPrefix('reconcile');
  let redis: Redis;
  let hubspot: ReturnType<typeof verificationLogDouble>;
  const criteria = criteriaFile();
  const env = { HUBSPOT_ACCESS_TOKEN: LOG_TOKEN };
  const common = ['--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', criteria];
  const run = (...args: string[]) => captured((io) => reconcileCommand(['--period', '2026-11', ...common, ...args], io, env, '/'));
  const json = async (...args: string[]) => {
    const r = await run('--format', 'json', ...args);
    return { code: r.code, err: r.err, report: JSON.parse(r.out) };
  };
  /** The service's write-back drain, as a worker runs it, against the same HubSpot. */
  const drain = () =>
    drainWriteback({
      store: createRedisWritebackStore(redis, prefix),
      api: createCrmApi(createHubSpotRequest({ accessToken: LOG_TOKEN })),
      criteria: () => criteriaSet(),
      lock: createRedisDrainLock(redis, deploymentKey(prefix, 'writeback:lock')),
      backoff: createRedisBackoff(redis, deploymentKey(prefix, 'writeback:backoff')),
      limiter: createRedisRateLimiter(redis, prefix),
      clock: Date.now,
      observer: NO_OBSERVER,
      log: NO_LOG,
    });

  beforeAll(async () => {
    redis = connect();
    hubspot = verificationLogDouble(11);
    const states = ['1', '2', '3', '4', '5', '6'].map((r) => stateWith('ticket', r, [outcomeFixture({ recordId: r, status: 'billable' })]));
    states.push(stateWith('ticket', '7', [outcomeFixture({ recordId: '7', status: 'credited', creditedAt: DEC3, creditPeriod: '2026-12' })]));
    await seedStates(redis, prefix, 11, states);
    for (const s of states) await redis.zadd(portalKey(prefix, 11, 'outbox'), 0, `11:ticket:${s.recordId}`);
    const written = await drain();
    expect(written.written.logs).toBe(7);
  });
  afterEach(() => {
    expect(hubspot.calls.filter((c) => c.path.includes('/search'))).toEqual([]);
  });
  afterAll(async () => {
    nock.cleanAll();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('the three agree after the write-back: exit 0, every page read by its cursor through the list endpoint', async () => {
    hubspot.calls.length = 0;
    const { code, report } = await json();
    expect(code).toBe(0);
    expect(report).toMatchObject({ portalId: 11, period: '2026-11', state: 'open', mismatches: [], checked: { invoiceLines: 1, logsRead: 7, pages: 4 }, repair: null });
    const lists = hubspot.calls.filter((c) => c.method === 'GET');
    expect(lists.map((c) => c.path)).toEqual(Array(4).fill('/crm/objects/2026-09/p11_ob_verification_log'));
    expect(lists.map((c) => c.query.has('after'))).toEqual([false, true, true, true]);
    expect(lists[0]!.query.get('limit')).toBe('100');
    expect(lists[0]!.query.get('properties')!.split(',')).toEqual(expect.arrayContaining(['ob_outcome_id', 'ob_status', 'ob_criteria_version', 'ob_amount', 'ob_billed_period']));
    expect((await run()).out).toContain('The ledger, the invoice and HubSpot agree.');
  });

  it('finds and names every planted mismatch, with what each side says: exit 1', async () => {
    const set = (record: string, props: Record<string, string>) => Object.assign(hubspot.logs.get(hubspot.idOf(idOf(record))!)!, props);
    hubspot.logs.delete(hubspot.idOf(idOf('2'))!);
    set('3', { ob_status: 'in_review' });
    set('4', { ob_criteria_version: '2' });
    set('5', { ob_amount: '0.99' });
    set('6', { ob_billed_period: '2026-10' });
    const extraId = hubspot.plant({ ob_outcome_id: EXTRA, ob_status: 'billable', ob_billed_period: '2026-11', ob_credit_period: '', ob_criteria_id: 'resolve', ob_criteria_version: '1', ob_amount: '1.00', ob_currency: 'USD' });

    const { code, report } = await json();
    expect(code).toBe(1);
    expect(report.mismatches).toEqual([
      { kind: 'missing_in_hubspot', outcomeId: idOf('2'), ledger: 'billable, billed 2026-11, credited -', invoice: null, hubspot: null, logId: null, repair: 'write_back' },
      { kind: 'status_differs', outcomeId: idOf('3'), ledger: 'billable', invoice: null, hubspot: 'in_review', logId: hubspot.idOf(idOf('3')), repair: 'write_back' },
      { kind: 'version_differs', outcomeId: idOf('4'), ledger: 'resolve v1', invoice: null, hubspot: 'resolve v2', logId: hubspot.idOf(idOf('4')), repair: 'write_back' },
      { kind: 'amount_differs', outcomeId: idOf('5'), ledger: '1.00 USD', invoice: null, hubspot: '0.99 USD', logId: hubspot.idOf(idOf('5')), repair: 'write_back' },
      { kind: 'period_differs', outcomeId: idOf('6'), ledger: 'billed 2026-11, credited -', invoice: null, hubspot: 'billed 2026-10, credited -', logId: hubspot.idOf(idOf('6')), repair: 'write_back' },
      { kind: 'extra_in_hubspot', outcomeId: EXTRA, ledger: null, invoice: null, hubspot: 'billable, billed 2026-11, credited -', logId: extraId, repair: 'archive' },
    ]);
    const kept = JSON.parse((await redis.hget(portalKey(prefix, 11, 'reconciled'), '2026-11'))!);
    expect(kept).toMatchObject({ clean: false, mismatches: 6, byKind: { missing_in_hubspot: 1, extra_in_hubspot: 1, status_differs: 1, version_differs: 1, amount_differs: 1, period_differs: 1 }, repaired: null });
    const table = await run();
    expect(table.code).toBe(1);
    expect(table.out).toMatch(/status_differs\s+resolve:ticket:3:2026-11-03#1\s+billable\s+-\s+in_review/);
    expect(table.out).toContain('6 mismatches');
  });

  it('--repair queues the write-backs and archives the stray log; once the drain has run, a second reconcile is clean', async () => {
    const repaired = await json('--repair');
    expect(repaired.code).toBe(1);
    expect(repaired.report.repair).toEqual({ queued: 5, archived: 1, notRepairable: 0 });
    expect(hubspot.idOf(EXTRA)).toBeUndefined();
    expect((await redis.zrange(portalKey(prefix, 11, 'outbox'), '0', '-1')).sort()).toEqual(['2', '3', '4', '5', '6'].map((r) => `11:ticket:${r}`));
    const drained = await drain();
    expect(drained).toMatchObject({ written: { logs: 5, associations: 1 }, deadLetters: 0 });
    const again = await json();
    expect(again.report.mismatches).toEqual([]);
    expect(again.code).toBe(0);
    expect(JSON.parse((await redis.hget(portalKey(prefix, 11, 'reconciled'), '2026-11'))!)).toMatchObject({ clean: true, mismatches: 0, byKind: {} });
  });

  it('waits out a 429 through the shared limiter (which every process then respects) and still reads every page', async () => {
    hubspot.failNext({ status: 429, body: { status: 'error', policyName: 'TEN_SECONDLY_ROLLING', message: 'You have reached your ten_secondly_rolling limit.' }, headers: { 'retry-after': '0' } });
    const { code, report } = await json();
    expect(code).toBe(0);
    expect(report.checked).toMatchObject({ logsRead: 7, pages: 4 });
    expect(await redis.exists(deploymentKey(prefix, 'hubspot:blocked-until'))).toBe(1);
  });

  it('a closed period whose snapshot names an outcome the ledger no longer has: missing_in_ledger, which no write-back can repair', async () => {
    expect((await captured((io) => periodCommand(['close', '2026-11', ...common], io, {}, '/', () => Date.parse('2026-12-02T12:00:00Z')))).code).toBe(0);
    expect((await json()).report).toMatchObject({ state: 'closed', mismatches: [], adjusted: [] });
    // Billable in November after all, written to HubSpot, but closed out of November's snapshot: an adjustment carries it.
    const late = outcomeFixture({ recordId: '8', status: 'billable' });
    await seedStates(redis, prefix, 11, [stateWith('ticket', '8', [late])]);
    await redis.zadd(portalKey(prefix, 11, 'outbox'), 0, '11:ticket:8');
    await drain();
    expect((await json()).report).toMatchObject({ state: 'closed', mismatches: [], adjusted: [late.outcomeId] });
    await redis.del(portalKey(prefix, 11, 'rec:11:ticket:1'));
    const { code, report } = await json('--repair');
    expect(code).toBe(1);
    expect(report.mismatches).toEqual([
      { kind: 'missing_in_ledger', outcomeId: idOf('1'), ledger: null, invoice: 'charge line resolve v1', hubspot: 'billable', logId: hubspot.idOf(idOf('1')), repair: null },
    ]);
    expect(report.repair).toEqual({ queued: 0, archived: 0, notRepairable: 1 });
    expect(hubspot.idOf(idOf('1'))).toBeDefined();
  });

  it('without a token, or with a burst limit HubSpot does not have, it says so: exit 1; a malformed period exits 2', async () => {
    const noToken = await captured((io) => reconcileCommand(['--period', '2026-11', ...common], io, {}, '/'));
    expect(noToken).toMatchObject({ code: 1, err: expect.stringMatching(/HUBSPOT_ACCESS_TOKEN is not set/) });
    const burst = await captured((io) => reconcileCommand(['--period', '2026-11', ...common], io, { ...env, HUBSPOT_BURST_LIMIT: '500' }, '/'));
    expect(burst).toMatchObject({ code: 1, err: expect.stringMatching(/HUBSPOT_BURST_LIMIT must be 100, 190, 250/) });
    expect(await cli('reconcile', '--period', 'nov', ...common)).toMatchObject({ code: 2, err: expect.stringMatching(/not a billing period/) });
  });
});
