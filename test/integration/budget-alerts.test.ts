// Budget alerts on real Redis, in one process: commits keep the charge counters and mark checks, concurrent checks claim each
// threshold once, a mark left by a dead worker is checked by the safety net, and deliveries are announced once and retried with backoff.
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertDelivery, AlertWebhook, ChargeCheck, WebhookResult } from '../../src/app/alert-ports.ts';
import { alertBackoffMs, backfillCounters, checkCharges, deliverAlerts, recheckStale } from '../../src/app/budget-alerts.ts';
import type { AlertCheckDeps } from '../../src/app/budget-alerts.ts';
import { portalOutcomes } from '../../src/app/ledger-outcomes.ts';
import { processRecord } from '../../src/app/process-record.ts';
import type { ProcessDeps, ProcessedResult } from '../../src/app/process-record.ts';
import { createRecordQueue, createRecordScheduler } from '../../src/adapters/queue/record-queue.ts';
import { createRedisAlertStore } from '../../src/adapters/redis/alert-store.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { criteriaSet, T0 } from '../support/scenario.ts';
import { connect, deletePrefix, testPrefix } from '../support/redis.ts';

const PORTAL = 3;
// 1.00 an outcome against 4.00 expected: 2 → 50 %, 3 → 75 %, 4 → 100 % (90 too).
const criteria = criteriaSet({ budget: { expected: '4.00' } }, { id: 'nobudget', trigger: { property: 'other_started_at' } });

describe('budget alerts on Redis', () => {
  const prefix = testPrefix('budget-alerts');
  let redis: Redis;
  let queue: Queue;
  let now = T0 + 60_000;
  const clock = () => now;
  beforeAll(() => {
    redis = connect();
    queue = createRecordQueue({ connection: redis, prefix, holdMs: 0, clock });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  const store = () => createRedisSignalStore(redis, prefix);
  const alerts = () => createRedisAlertStore(redis, prefix);
  const deps = (set = criteria): ProcessDeps => ({ store: store(), scheduler: createRecordScheduler(queue, { holdMs: 0, clock }), criteria: () => set, clock, holdMs: 0 });
  const checking = (set = criteria): AlertCheckDeps => ({ alerts: alerts(), criteria: () => set, clock, ledger: (portalId) => portalOutcomes(store(), portalId) });

  /** Presses and closes a ticket `n` ms after T0 (it settles billable at once), then processes it. */
  async function settle(recordId: string, n: number, trigger = 'agent_started_at', portalId = PORTAL, set = criteria): Promise<ProcessedResult> {
    const signal = (i: number, property: string, value: string) => ({ identity: `${recordId}-${n}-${i}`, signal: { kind: 'property' as const, objectType: 'ticket' as const, recordId, at: T0 + n + i, property, value } });
    await store().ingest(portalId, [signal(0, trigger, 'go'), signal(1, 'stage', 'closed')]);
    const result = await processRecord(deps(set), { portalId, objectType: 'ticket', recordId });
    if (result.kind !== 'processed') throw new Error('not processed');
    return result;
  }

  it('a commit counts the charge and marks a check only for ids with a budget; the safety net checks a mark nobody checked', async () => {
    const first = await settle('1', 0);
    expect(first.chargeChecks).toEqual([{ criteriaId: 'resolve', period: '2026-11', at: T0 + 1 }]);
    expect((await settle('2', 10, 'other_started_at')).chargeChecks).toEqual([]);
    expect(await redis.hgetall(store().keys.charges(PORTAL))).toMatchObject({ 'n|resolve|2026-11|1': '1', 'n|nobudget|2026-11|1': '1' });
    // The worker of record 3 "dies" before its check: the mark stays, and the safety net fires 50 % from it.
    const third = await settle('3', 20);
    expect(await redis.zscore(store().keys.alertChecks(PORTAL), `${PORTAL}|resolve|2026-11`)).toBe(String(T0 + 21));
    expect(await recheckStale(checking(), 1_000_000)).toEqual([]);
    const recovered = await recheckStale(checking(), 0);
    expect(recovered.map((a) => [a.threshold, a.chargeMinor, a.expectedMinor, a.firedAt])).toEqual([[50, 200n, 400n, third.chargeChecks[0]!.at]]);
    expect(await redis.zcard(store().keys.alertChecks(PORTAL))).toBe(0);
  });

  it('eight concurrent checks of one period claim each threshold once, and later checks fire nothing again', async () => {
    await settle('4', 30);
    await settle('5', 40);
    const check: ChargeCheck = { portalId: PORTAL, criteriaId: 'resolve', period: '2026-11', at: T0 + 41 };
    const results = await Promise.all(Array.from({ length: 8 }, () => checkCharges(checking(), [check])));
    expect(results.flat().map((a) => a.threshold).sort()).toEqual([75, 90]);
    expect(await checkCharges(checking(), [check])).toEqual([]);
    expect((await alerts().listFiredAlerts(PORTAL, '2026-11')).map((a) => [a.threshold, a.chargeMinor])).toEqual([[50, 200n], [75, 400n], [90, 400n]]);
    expect(await alerts().listFiredAlerts(PORTAL, '2026-12')).toEqual([]);
  });

  it('announces each alert once and retries a failing webhook with exponential backoff, then finishes it', async () => {
    const posted: [string, number][] = [];
    let failures = 2;
    const webhook: AlertWebhook = {
      post: async (d: AlertDelivery): Promise<WebhookResult> => {
        posted.push([d.alertId, d.attempts]);
        return d.alert.threshold === 75 && failures-- > 0 ? { ok: false, retry: true, error: 'HTTP 503' } : { ok: true };
      },
    };
    const announced: string[] = [];
    const failed: [string, boolean][] = [];
    const delivery = { alerts: alerts(), webhook, clock, announce: (d: AlertDelivery) => announced.push(d.alertId), failed: (d: AlertDelivery, _e: string, final: boolean) => failed.push([d.alertId, final]) };
    const id = (p: number) => `${PORTAL}:resolve:2026-11:${p}`;
    expect(await deliverAlerts(delivery)).toBe(2);
    expect(await deliverAlerts(delivery)).toBe(0); // 75 % waits for its backoff (1 s)
    now += alertBackoffMs(1);
    expect(await deliverAlerts(delivery)).toBe(0); // fails again: now 2 s
    now += alertBackoffMs(2) - 1;
    expect(await deliverAlerts(delivery)).toBe(0);
    now += 1;
    expect(await deliverAlerts(delivery)).toBe(1);
    expect(announced.sort()).toEqual([id(50), id(75), id(90)]);
    expect(posted.filter(([a]) => a === id(75)).map(([, n]) => n)).toEqual([1, 2, 3]);
    expect(failed).toEqual([[id(75), false], [id(75), false]]);
    expect(await redis.zcard(alerts().keys.queue(PORTAL))).toBe(0);
  });

  it('a deliverer that dies holding an alert gives it back when its lease ends, without announcing it twice', async () => {
    await settle('6', 50);
    await settle('7', 60);
    await settle('8', 70);
    // A lower budget now in force: 7.00 against 1.00 reaches a threshold of its own, 100 %.
    const lower = criteriaSet({ budget: { expected: '1.00', alerts: [100] } });
    const check: ChargeCheck = { portalId: PORTAL, criteriaId: 'resolve', period: '2026-11', at: T0 + 71 };
    expect((await checkCharges(checking(lower), [check])).map((a) => a.threshold)).toEqual([100]);
    const taken = await alerts().take(now, now + 30_000, 10);
    expect(taken.map((d) => [d.alertId, d.attempts, d.announced])).toEqual([[`${PORTAL}:resolve:2026-11:100`, 1, false]]);
    await alerts().announced(taken[0]!.alertId);
    // ... and the process dies here. Nothing is due until the lease ends; then it comes back, announced already.
    expect(await alerts().take(now + 29_999, now + 60_000, 10)).toEqual([]);
    const again = await alerts().take(now + 30_000, now + 60_000, 10);
    expect(again.map((d) => [d.attempts, d.announced])).toEqual([[2, true]]);
  });

  it('an id with a limit is checked from the ledger: over-limit outcomes charge nothing, so a threshold past the limit never fires', async () => {
    // 1.00 each, limit 2.00: of four outcomes two are charged. The counters alone would say 4.00 (100 %).
    const limited = criteriaSet({ budget: { expected: '4.00', limit: '2.00', alerts: [50, 75] } });
    for (const [i, id] of ['21', '22', '23', '24'].entries()) await settle(id, 100 + i * 10, 'agent_started_at', 4, limited);
    // Left to the repeating job at once, whatever the grace: the worker does not check such ids inline.
    const fired = await recheckStale(checking(limited), 1_000_000);
    expect(fired.map((a) => [a.threshold, a.chargeMinor])).toEqual([[50, 200n]]);
    expect(await redis.zscore(store().keys.alertChecks(4), '4|resolve|2026-11')).toBeNull();
  });

  it('records written before the counters existed are counted once: by their next commit, or by the backfill', async () => {
    const day = 24 * 3_600_000;
    const counters = () => redis.hget(store().keys.charges(6), 'n|resolve|2026-11|1');
    await settle('31', 0, 'agent_started_at', 6);
    await settle('32', 0, 'agent_started_at', 6);
    // As if written by a release without counters: no mark on the records, no counters.
    await redis.hdel(store().keys.state({ portalId: 6, objectType: 'ticket', recordId: '31' }), 'counted');
    await redis.hdel(store().keys.state({ portalId: 6, objectType: 'ticket', recordId: '32' }), 'counted');
    await redis.del(store().keys.charges(6));
    // 32's next outcome (a day later, a new attempt) commits its whole counts: 2, not the 1 it changes.
    now = T0 + day + 60_000;
    await settle('32', day, 'agent_started_at', 6);
    expect(await counters()).toBe('2');
    expect(await backfillCounters({ store: store(), alerts: alerts() })).toBe(1);
    expect(await counters()).toBe('3');
    // Once through, later starts skip it; and a record is never counted twice.
    expect(await backfillCounters({ store: store(), alerts: alerts() })).toBe(0);
    await redis.del(alerts().keys.backfilled);
    expect(await backfillCounters({ store: store(), alerts: alerts() })).toBe(0);
    expect(await counters()).toBe('3');
  });
});
