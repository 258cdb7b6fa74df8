// Write-back against a nock HubSpot, on the in-memory stores and guards: every request's method, date-based path and body; batching, coalescing, 429, 5xx, 207, permanent 400, the shared limiter, and no echo of the service's own writes.
import { createHash } from 'node:crypto';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubSpotRequest } from '../../src/adapters/hubspot/client.ts';
import { createCrmApi } from '../../src/adapters/hubspot/crm-api.ts';
import { loadPropertyDefinitions } from '../../src/adapters/hubspot/property-definitions.ts';
import { createMemoryCrmSnapshotStore } from '../../src/adapters/memory/crm-snapshots.ts';
import { createMemoryBackoff, createMemoryDrainLock } from '../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { createMemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../src/adapters/memory/signal-store.ts';
import { createMemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import type { MemoryWritebackStore } from '../../src/adapters/memory/writeback-store.ts';
import { createMetrics, hubspotObserver } from '../../src/adapters/metrics/metrics.ts';
import type { Metrics } from '../../src/adapters/metrics/metrics.ts';
import { drainCrmReads } from '../../src/app/crm-reader.ts';
import type { Backoff, DrainLock, RateLimiter } from '../../src/app/hubspot-calls.ts';
import { generateWebhooks } from '../../src/app/hubspot-subscriptions.ts';
import { recordRefKey } from '../../src/app/ports.ts';
import { drainWriteback } from '../../src/app/writeback.ts';
import { auditTrailText, outcomeAmount, verificationLogProperties } from '../../src/app/writeback-payloads.ts';
import type { WritebackDeps } from '../../src/app/writeback.ts';
import { logIdOfMark, writtenOutcomeField } from '../../src/app/writeback-plan.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import type { TrailView } from '../../src/core/ledger-view.ts';
import { parsePrice } from '../../src/core/price.ts';
import type { Price } from '../../src/core/price.ts';
import type { ObjectType } from '../../src/core/types.ts';
import { HUBSPOT_TOKEN, T0, drainDeps, hubspotDouble, recordingLog, outcomeFixture, stateWith } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const PORTAL = 42;
const LOG_TYPE = 'p42_ob_verification_log';
const CRITERIA = criteriaSet();

let now: number;
let hubspot: ReturnType<typeof hubspotDouble>;
let metrics: Metrics;
const log = recordingLog();
const logs = log.entries;
// One of each per test, shared by every drain in it as every process shares the Redis keys.
let signals: MemorySignalStore;
let store: MemoryWritebackStore;
let lock: DrainLock;
let backoff: Backoff;
let limiter: RateLimiter;

beforeEach(() => {
  now = T0 + 2 * 3_600_000;
  signals = createMemorySignalStore({ clock: () => now });
  store = createMemoryWritebackStore(signals);
  lock = createMemoryDrainLock({ clock: () => now });
  backoff = createMemoryBackoff({ clock: () => now });
  limiter = createMemoryRateLimiter({ max: 1_000 });
  nock.disableNetConnect();
  hubspot = hubspotDouble();
  metrics = createMetrics({ defaultMetrics: false });
  log.clear();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function deps(over: Partial<WritebackDeps> = {}): WritebackDeps {
  return {
    ...drainDeps({ lock, backoff, limiter, clock: () => now, metrics, log, criteria: () => CRITERIA }),
    store,
    ...over,
  };
}

/** Commits a record's state as a worker does, which puts it in the outbox with score `at`. */
async function commit(recordId: string, outcomes: readonly Outcome[], objectType: ObjectType = 'ticket', at = now): Promise<void> {
  const ref = { portalId: PORTAL, objectType, recordId };
  const loaded = await signals.load(ref, Number.POSITIVE_INFINITY);
  const result = await signals.commit({ record: ref, version: loaded.version, state: stateWith(objectType, recordId, outcomes), applied: [], nextTimerAt: null, writeDueAt: at, statusesBefore: [] });
  expect(result.ok).toBe(true);
}

const outbox = async () => (await signals.outbox()).map((e) => recordRefKey(e.record));
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const inputsOf = (i: number) => hubspot.calls[i]!.body.inputs as { id: string; properties: Record<string, string> }[];

const billable = (recordId: string, over: Partial<Outcome> = {}) => outcomeFixture({ recordId, status: 'billable', ...over });

describe('write-back', () => {
  it("writes the record's billing properties, upserts a verification log per outcome by its id, and associates the new log with its record", async () => {
    const o = billable('11');
    await commit('11', [o]);
    const report = await drainWriteback(deps());

    const trail = JSON.stringify([{ at: '2026-11-03T10:00:00.000Z', version: 1, type: 'opened' }]);
    expect(hubspot.calls).toEqual([
      {
        method: 'POST',
        path: '/crm/objects/2026-09/tickets/batch/update',
        body: {
          inputs: [
            {
              id: '11',
              objectWriteTraceId: '11',
              properties: {
                ob_status: 'billable',
                ob_outcome_id: 'resolve:ticket:11:2026-11-03#1',
                ob_reason: '',
                ob_criteria_id: 'resolve',
                ob_criteria_version: '1',
                ob_succeeded_at: String(T0 + 30 * 60_000),
                ob_settled_at: String(T0 + 90 * 60_000),
                ob_billable_count: '1',
                ob_disputed: 'false',
                ob_dispute_state: 'none',
                ob_credited_count: '0',
                ob_over_limit: 'false',
              },
            },
          ],
        },
      },
      {
        method: 'POST',
        path: `/crm/objects/2026-09/${LOG_TYPE}/batch/upsert`,
        body: {
          inputs: [
            {
              id: 'resolve:ticket:11:2026-11-03#1',
              idProperty: 'ob_outcome_id',
              objectWriteTraceId: 'resolve:ticket:11:2026-11-03#1',
              properties: {
                ob_outcome_id: 'resolve:ticket:11:2026-11-03#1',
                ob_criteria_id: 'resolve',
                ob_criteria_version: '1',
                ob_object_type: 'ticket',
                ob_record_id: '11',
                ob_status: 'billable',
                ob_reason: '',
                ob_label: '',
                ob_tries: '1',
                ob_opened_at: String(T0),
                ob_succeeded_at: String(T0 + 30 * 60_000),
                ob_settled_at: String(T0 + 90 * 60_000),
                ob_amount: '1.00',
                ob_currency: 'USD',
                ob_billed_period: '2026-11',
                ob_dispute_state: 'none',
                ob_dispute_reason: '',
                ob_dispute_opened_by: '',
                ob_dispute_opened_at: '',
                ob_dispute_note: '',
                ob_dispute_resolved_by: '',
                ob_dispute_resolved_at: '',
                ob_credit_period: '',
                ob_agent_id: '',
                ob_cost_centre: '',
                ob_over_limit: 'false',
                ob_audit_trail: trail,
                ob_audit_trail_sha256: sha256(trail),
              },
            },
          ],
        },
      },
      {
        method: 'POST',
        path: `/crm/associations/2026-09/${LOG_TYPE}/tickets/batch/associate/default`,
        body: { inputs: [{ from: { id: '9001' }, to: { id: '11' } }] },
      },
    ]);
    expect(report).toMatchObject({ entries: 1, calls: 3, written: { records: 1, logs: 1, associations: 1 }, deadLetters: 0, removed: 1, stop: null });
    expect(await outbox()).toEqual([]);

    // Nothing changed since: the next drain has nothing to send.
    hubspot.reset();
    await commit('11', [o]);
    expect(await drainWriteback(deps())).toMatchObject({ entries: 1, calls: 0, removed: 1 });
    expect(hubspot.calls).toEqual([]);
    expect(await metrics.render()).toContain('ob_hubspot_calls_total{operation="batch_upsert",result="ok"} 1');
  });

  it('rewrites only the outcomes whose content changed, and associates only logs it creates', async () => {
    const first = billable('11');
    const second = outcomeFixture({ recordId: '11', seq: 2, status: 'open' });
    await commit('11', [first, second]);
    await drainWriteback(deps());
    expect(hubspot.calls.map((c) => c.body.inputs.length)).toEqual([1, 2, 2]);

    hubspot.reset();
    await commit('11', [first, { ...second, status: 'in_review', succeededAt: T0 + 70 * 60_000 }]);
    await drainWriteback(deps());
    expect(hubspot.paths()).toEqual(['POST /crm/objects/2026-09/tickets/batch/update', `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`]);
    expect(inputsOf(0)[0]!.properties).toMatchObject({ ob_status: 'in_review', ob_outcome_id: second.outcomeId, ob_billable_count: '1' });
    expect(inputsOf(1).map((i) => i.id)).toEqual([second.outcomeId]);
  });

  it("keeps each log's HubSpot id in its written mark: after the association, after a rewrite, and when a rewrite is refused for good", async () => {
    const o = billable('11');
    const field = writtenOutcomeField(PORTAL, o.outcomeId);
    const logId = async () => logIdOfMark((await store.writtenOutcomes([field]))[0] ?? null);
    expect(await logId()).toBeNull();
    await commit('11', [o]);
    await drainWriteback(deps());
    expect(await logId()).toBe('9001');

    await commit('11', [{ ...o, dispute: { state: 'open', reason: 'wrong', openedBy: { userId: 7, email: 'a@b.c' }, openedAt: T0, resolvedBy: null, resolvedAt: null, note: null } }]);
    await drainWriteback(deps());
    expect(await logId()).toBe('9001');

    hubspot.next(
      () => undefined,
      () => ({ status: 400, body: { status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid' } }),
    );
    await commit('11', [{ ...o, tries: 2 }]);
    expect(await drainWriteback(deps())).toMatchObject({ deadLetters: 1 });
    expect(await logId()).toBe('9001');
  });

  it('batches at most 100 inputs per call: 250 records make 3 update, 3 upsert and 3 association calls', async () => {
    for (let i = 0; i < 250; i++) await commit(String(1000 + i), [billable(String(1000 + i))], 'ticket', now - 250 + i);
    const report = await drainWriteback(deps());
    const sizes = (suffix: string) => hubspot.calls.filter((c) => c.path.endsWith(suffix)).map((c) => c.body.inputs.length);
    expect(sizes('/tickets/batch/update')).toEqual([100, 100, 50]);
    expect(sizes('/batch/upsert')).toEqual([100, 100, 50]);
    expect(sizes('/batch/associate/default')).toEqual([100, 100, 50]);
    // The oldest changes go first.
    expect(inputsOf(0)[0]!.id).toBe('1000');
    expect(report).toMatchObject({ entries: 250, calls: 9, removed: 250 });
  });

  it('groups by object type and portal: contacts, deals and tickets each get their own update; every log shares one upsert', async () => {
    await commit('1', [billable('1', { objectType: 'contact' })], 'contact');
    await commit('2', [billable('2', { objectType: 'deal' })], 'deal');
    await commit('3', [billable('3')], 'ticket');
    await drainWriteback(deps());
    expect(hubspot.paths()).toEqual([
      'POST /crm/objects/2026-09/contacts/batch/update',
      'POST /crm/objects/2026-09/deals/batch/update',
      'POST /crm/objects/2026-09/tickets/batch/update',
      `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`,
      `POST /crm/associations/2026-09/${LOG_TYPE}/contacts/batch/associate/default`,
      `POST /crm/associations/2026-09/${LOG_TYPE}/deals/batch/associate/default`,
      `POST /crm/associations/2026-09/${LOG_TYPE}/tickets/batch/associate/default`,
    ]);
    expect(inputsOf(3)).toHaveLength(3);
  });

  it('coalesces: several changes of a record before a drain make one write with the latest state', async () => {
    const o = outcomeFixture({ recordId: '11', status: 'open' });
    await commit('11', [o], 'ticket', now - 3);
    await commit('11', [{ ...o, status: 'in_review', succeededAt: T0 + 30 * 60_000 }], 'ticket', now - 2);
    await commit('11', [billable('11')], 'ticket', now - 1);
    await drainWriteback(deps());
    expect(hubspot.calls.map((c) => c.body.inputs.length)).toEqual([1, 1, 1]);
    expect(inputsOf(0)[0]!.properties.ob_status).toBe('billable');
    expect(inputsOf(1)[0]!.properties.ob_status).toBe('billable');
  });

  it('a change that lands while its write is on the way keeps the record in the outbox, and the next drain writes the latest state', async () => {
    const o = outcomeFixture({ recordId: '11', status: 'in_review', succeededAt: T0 + 30 * 60_000 });
    await commit('11', [o]);
    hubspot.next(async () => {
      await commit('11', [billable('11')], 'ticket', now);
      return undefined;
    });
    const first = await drainWriteback(deps());
    expect(first).toMatchObject({ written: { records: 1, logs: 1, associations: 1 }, removed: 0 });
    expect(await outbox()).toEqual([`${PORTAL}:ticket:11`]);

    hubspot.reset();
    now += 1_000;
    await drainWriteback(deps());
    expect(hubspot.paths()).toEqual(['POST /crm/objects/2026-09/tickets/batch/update', `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`]);
    expect(inputsOf(0)[0]!.properties.ob_status).toBe('billable');
    expect(inputsOf(1)[0]!.properties.ob_status).toBe('billable');
    expect(await outbox()).toEqual([]);
  });

  it('429: every process waits as HubSpot says (Retry-After), then the same writes go through; nothing is lost', async () => {
    await commit('11', [billable('11')]);
    hubspot.next(() => ({
      status: 429,
      body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
      headers: { 'retry-after': '3' },
    }));
    const first = await drainWriteback(deps({ limiter }));
    expect(first.stop).toMatchObject({ reason: 'rate_limited', waitMs: 3_000 });
    expect(hubspot.paths()).toEqual(['POST /crm/objects/2026-09/tickets/batch/update']);
    expect(await outbox()).toEqual([`${PORTAL}:ticket:11`]);

    // Another drainer sharing the limiter is blocked too (across processes on one Redis: test/adapters/redis/drain-guards.test.ts).
    now += 2_000;
    const other = limiter;
    expect(await other.acquire(now)).toEqual({ ok: false, waitMs: 1_000 });
    const blocked = await drainWriteback(deps({ limiter: other }));
    expect(blocked).toMatchObject({ calls: 0, stop: { reason: 'throttled', waitMs: 1_000 } });
    expect(hubspot.calls).toHaveLength(1);

    now += 1_000;
    const retried = await drainWriteback(deps());
    expect(retried).toMatchObject({ calls: 3, removed: 1, stop: null });
    expect(hubspot.paths()).toEqual([
      'POST /crm/objects/2026-09/tickets/batch/update',
      'POST /crm/objects/2026-09/tickets/batch/update',
      `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`,
      `POST /crm/associations/2026-09/${LOG_TYPE}/tickets/batch/associate/default`,
    ]);
    expect(hubspot.calls[1]!.body).toEqual(hubspot.calls[0]!.body);
    expect(await outbox()).toEqual([]);
    expect(await metrics.render()).toContain('ob_hubspot_calls_total{operation="batch_update",result="rate_limited"} 1');
  });

  it('429 without Retry-After waits out the rolling window HubSpot names', async () => {
    await commit('11', [billable('11')]);
    hubspot.next(() => ({
      status: 429,
      body: { status: 'error', message: 'You have reached your secondly limit.', policyName: 'TEN_SECONDLY_ROLLING' },
      headers: { 'x-hubspot-ratelimit-interval-milliseconds': '10000' },
    }));
    expect((await drainWriteback(deps())).stop).toMatchObject({ reason: 'rate_limited', waitMs: 10_000 });
    now += 9_999;
    expect((await drainWriteback(deps())).stop).toMatchObject({ reason: 'throttled', waitMs: 1 });
    now += 1;
    expect(await drainWriteback(deps())).toMatchObject({ calls: 3, removed: 1 });
  });

  it('5xx and no answer: back off (1 s, then 2 s), resend only what was not written, then recover', async () => {
    await commit('11', [billable('11')]);
    hubspot.next(
      () => undefined, // the update goes through
      () => ({ status: 502, body: { status: 'error', message: 'Bad gateway' } }),
    );
    const first = await drainWriteback(deps());
    expect(first).toMatchObject({ calls: 2, written: { records: 1, logs: 0 }, removed: 0, stop: { reason: 'server_error', waitMs: 1_000 } });

    now += 500;
    expect(await drainWriteback(deps())).toMatchObject({ calls: 0, stop: { reason: 'backing_off', waitMs: 500 } });

    now += 500;
    hubspot.next(() => ({ status: 0, networkError: 'socket hang up' }));
    const second = await drainWriteback(deps());
    expect(second).toMatchObject({ calls: 1, stop: { reason: 'unavailable', waitMs: 2_000 } });

    now += 2_000;
    const third = await drainWriteback(deps());
    expect(third).toMatchObject({ calls: 2, written: { records: 0, logs: 1, associations: 1 }, removed: 1, stop: null });
    // The record's properties were written once: only the log went again, twice refused, then taken.
    expect(hubspot.paths()).toEqual([
      'POST /crm/objects/2026-09/tickets/batch/update',
      `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`,
      `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`,
      `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`,
      `POST /crm/associations/2026-09/${LOG_TYPE}/tickets/batch/associate/default`,
    ]);
    expect(hubspot.calls[3]!.body).toEqual(hubspot.calls[1]!.body);
    // A success clears the backoff.
    expect(await backoff.until()).toBe(0);
    const text = await metrics.render();
    expect(text).toContain('ob_hubspot_calls_total{operation="batch_upsert",result="server_error"} 1');
    expect(text).toContain('ob_hubspot_calls_total{operation="batch_upsert",result="unavailable"} 1');
  });

  it('an association that fails is sent again alone: the log is not upserted twice', async () => {
    await commit('11', [billable('11')]);
    hubspot.next(
      () => undefined,
      () => undefined,
      () => ({ status: 500, body: { status: 'error', message: 'internal error' } }),
    );
    expect(await drainWriteback(deps())).toMatchObject({ written: { records: 1, logs: 1, associations: 0 }, removed: 0, stop: { reason: 'server_error' } });
    now += 1_000;
    expect(await drainWriteback(deps())).toMatchObject({ calls: 1, written: { records: 0, logs: 0, associations: 1 }, removed: 1 });
    expect(hubspot.paths()).toEqual([
      'POST /crm/objects/2026-09/tickets/batch/update',
      `POST /crm/objects/2026-09/${LOG_TYPE}/batch/upsert`,
      `POST /crm/associations/2026-09/${LOG_TYPE}/tickets/batch/associate/default`,
      `POST /crm/associations/2026-09/${LOG_TYPE}/tickets/batch/associate/default`,
    ]);
    expect(hubspot.calls[3]!.body).toEqual({ inputs: [{ from: { id: '9001' }, to: { id: '11' } }] });
  });

  it('1,000 outcomes written once settled take 30 calls; a later change of all of them (a dispute) takes 20 more', async () => {
    const ids = Array.from({ length: 1_000 }, (_, i) => String(10_000 + i));
    // Committed as workers do: the commit is what fills the outbox.
    for (const id of ids) await signals.commit({ record: { portalId: PORTAL, objectType: 'ticket', recordId: id }, version: 0, state: stateWith('ticket', id, [billable(id)]), applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] });
    let drains = 0;
    while ((await outbox()).length > 0 && drains < 10) {
      await drainWriteback(deps());
      drains++;
    }
    const count = (suffix: string) => hubspot.calls.filter((c) => c.path.endsWith(suffix)).length;
    expect([count('/batch/update'), count('/batch/upsert'), count('/batch/associate/default')]).toEqual([10, 10, 10]);
    expect(hubspot.calls.every((c) => c.body.inputs.length === 100)).toBe(true);

    hubspot.reset();
    for (const id of ids) {
      const o = billable(id);
      const disputed: Outcome = {
        ...o,
        dispute: { state: 'open', reason: 'customer says no', openedBy: { userId: 7, email: 'a@example.com' }, openedAt: now, resolvedBy: null, resolvedAt: null, note: null },
        trail: [...o.trail, { at: now, version: 1, type: 'dispute_opened', by: { userId: 7, email: 'a@example.com' }, note: 'customer says no' }],
      };
      await signals.commit({ record: { portalId: PORTAL, objectType: 'ticket', recordId: id }, version: 1, state: stateWith('ticket', id, [disputed]), applied: [], nextTimerAt: null, writeDueAt: now, statusesBefore: [] });
    }
    while ((await outbox()).length > 0 && drains < 20) {
      await drainWriteback(deps());
      drains++;
    }
    expect([count('/batch/update'), count('/batch/upsert'), count('/batch/associate/default')]).toEqual([10, 10, 0]);
    expect(inputsOf(0)[0]!.properties.ob_disputed).toBe('true');
  });

  it('207: only the inputs that failed are sent again', async () => {
    const records = ['11', '12', '13'];
    for (const id of records) await commit(id, [billable(id)]);
    hubspot.next(
      (call) => ({
        status: 207,
        body: {
          status: 'COMPLETE',
          results: call.body.inputs
            .filter((i: { id: string }) => i.id !== '12')
            .map((i: { id: string; objectWriteTraceId: string }) => ({ id: i.id, objectWriteTraceId: i.objectWriteTraceId, properties: {} })),
          numErrors: 1,
          errors: [{ status: 'error', category: 'LOCKED', message: 'record 12 is being updated, try again', context: { objectWriteTraceId: ['12'] } }],
        },
      }),
    );
    const first = await drainWriteback(deps());
    expect(first).toMatchObject({ written: { records: 2, logs: 3, associations: 3 }, removed: 2, deadLetters: 0 });
    expect(await outbox()).toEqual([`${PORTAL}:ticket:12`]);

    hubspot.reset();
    now += 1_000;
    await drainWriteback(deps());
    expect(hubspot.paths()).toEqual(['POST /crm/objects/2026-09/tickets/batch/update']);
    expect(inputsOf(0).map((i) => i.id)).toEqual(['12']);
    expect(await outbox()).toEqual([]);
    expect(await metrics.render()).toContain('ob_hubspot_calls_total{operation="batch_update",result="partial"} 1');
  });

  it('207 with a refusal for good: that input is dead-lettered, the others are written', async () => {
    await commit('11', [billable('11'), outcomeFixture({ recordId: '11', seq: 2, status: 'open' })]);
    const bad = 'resolve:ticket:11:2026-11-03#2';
    hubspot.next(
      () => undefined,
      (call) => ({
        status: 207,
        body: {
          status: 'COMPLETE',
          results: call.body.inputs
            .filter((i: { id: string }) => i.id !== bad)
            .map((i: { id: string }, n: number) => ({ id: String(7000 + n), new: true, objectWriteTraceId: i.id, properties: {} })),
          numErrors: 1,
          errors: [
            {
              status: 'error',
              category: 'VALIDATION_ERROR',
              message: 'Property values were not valid',
              context: { objectWriteTraceId: [bad] },
              errors: [{ message: 'ob_tries: must be a number' }],
            },
          ],
        },
      }),
    );
    const report = await drainWriteback(deps());
    expect(report).toMatchObject({ deadLetters: 1, written: { records: 1, logs: 1, associations: 1 }, removed: 1 });
    const letters = await store.deadLetters();
    expect(letters).toEqual([
      {
        kind: 'verification_log',
        record: { portalId: PORTAL, objectType: 'ticket', recordId: '11' },
        outcomeId: bad,
        reason: 'refused in a 207: VALIDATION_ERROR',
        status: 207,
        category: 'VALIDATION_ERROR',
        message: 'Property values were not valid | ob_tries: must be a number',
        at: new Date(now).toISOString(),
      },
    ]);
    expect(hubspot.calls[2]!.body.inputs).toEqual([{ from: { id: '7000' }, to: { id: '11' } }]);
  });

  it('a permanent 400: the batch is split until the refused write is alone, which goes to the dead-letter list, the logs and /metrics', async () => {
    for (const id of ['11', '12', '13']) await commit(id, [billable(id)]);
    hubspot.always = (call) =>
      call.path.endsWith('/tickets/batch/update') && call.body.inputs.some((i: { id: string }) => i.id === '13')
        ? {
            status: 400,
            body: {
              status: 'error',
              message: 'Property values were not valid: [{"isValid":false,"message":"ob_status is read-only by a validation rule","name":"ob_status"}]',
              correlationId: 'c0ffee00-0000-4000-8000-000000000000',
              category: 'VALIDATION_ERROR',
            },
          }
        : undefined;
    const report = await drainWriteback(deps());
    const updates = hubspot.calls.filter((c) => c.path.endsWith('/tickets/batch/update')).map((c) => c.body.inputs.map((i: { id: string }) => i.id));
    expect(updates).toEqual([['11', '12', '13'], ['11', '12'], ['13']]);
    expect(report).toMatchObject({ deadLetters: 1, written: { records: 2, logs: 3, associations: 3 }, removed: 3 });

    const letters = await store.deadLetters();
    expect(letters).toEqual([
      {
        kind: 'record',
        record: { portalId: PORTAL, objectType: 'ticket', recordId: '13' },
        outcomeId: null,
        reason: 'rejected 400 VALIDATION_ERROR',
        status: 400,
        category: 'VALIDATION_ERROR',
        message: expect.stringContaining('ob_status is read-only by a validation rule'),
        at: new Date(now).toISOString(),
      },
    ]);
    expect(logs.filter((l) => l.level === 'error')).toEqual([
      { level: 'error', obj: { deadLetter: letters[0] }, msg: 'HubSpot refused a write for good: dead-lettered' },
    ]);
    const text = await metrics.render();
    expect(text).toContain('ob_hubspot_dead_letters_total{kind="record"} 1');
    expect(text).toContain('ob_hubspot_calls_total{operation="batch_update",result="rejected"} 2');
    expect(text).toContain('ob_hubspot_writes_total{kind="record"} 2');
    expect(await outbox()).toEqual([]);

    // The refused content is not sent again until it changes.
    hubspot.reset();
    await commit('13', [billable('13')]);
    expect(await drainWriteback(deps())).toMatchObject({ calls: 0, removed: 1 });
  });

  it('401 or 403 (token or scopes): nothing is dead-lettered, everything waits for a person to fix the app', async () => {
    await commit('11', [billable('11')]);
    hubspot.next(() => ({
      status: 403,
      body: { status: 'error', message: 'This app hasn\'t been granted all required scopes', category: 'MISSING_SCOPES', errors: [{ message: 'crm.objects.tickets.write' }] },
    }));
    const report = await drainWriteback(deps());
    expect(report).toMatchObject({ deadLetters: 0, removed: 0, stop: { reason: 'not_authorized', waitMs: 60_000 } });
    expect(await outbox()).toEqual([`${PORTAL}:ticket:11`]);
    expect(logs.some((l) => l.level === 'error' && l.msg.includes('refused the token or its scopes'))).toBe(true);
  });

  it('one drain at a time: a second process finds the lock taken and does nothing', async () => {
    await commit('11', [billable('11')]);
    const token = await lock.take(60_000);
    expect(await drainWriteback(deps())).toMatchObject({ busy: true, calls: 0 });
    await lock.release(token!);
    expect(await drainWriteback(deps())).toMatchObject({ busy: false, calls: 3 });
  });

  it('the limiter is shared by the two drains: together they never exceed max calls per window', async () => {
    for (let i = 0; i < 8; i++) await commit(String(100 + i), [billable(String(100 + i))], i % 2 === 0 ? 'ticket' : 'deal');
    const snapshots = createMemoryCrmSnapshotStore({ clock: () => now });
    for (let i = 0; i < 4; i++) {
      await snapshots.request({ portalId: PORTAL, objectType: 'contact', recordId: String(500 + i) }, now);
      await snapshots.request({ portalId: PORTAL, objectType: 'deal', recordId: String(600 + i) }, now);
      await snapshots.request({ portalId: PORTAL, objectType: 'ticket', recordId: String(700 + i) }, now);
    }
    const max = 3;
    const windowMs = 11_000;
    // Each drain has its own lock and backoff; both share one limiter, as every process shares the Redis one
    // (two processes, each with its own connection, on one Redis: test/adapters/redis/drain-guards.test.ts).
    const writer: RateLimiter = createMemoryRateLimiter({ max, windowMs });
    const reader: RateLimiter = writer;
    const readerDeps = {
      snapshots,
      api: createCrmApi(createHubSpotRequest({ accessToken: HUBSPOT_TOKEN })),
      lock: createMemoryDrainLock({ clock: () => now }),
      backoff: createMemoryBackoff({ clock: () => now }),
      limiter: reader,
      clock: () => now,
      observer: hubspotObserver(metrics),
      log,
      criteria: () => CRITERIA,
    };
    const callsAt: number[] = [];
    hubspot.always = () => {
      callsAt.push(now);
      return undefined;
    };
    for (let step = 0; step < 40 && ((await outbox()).length > 0 || (await snapshots.waiting()) > 0); step++) {
      await Promise.all([drainWriteback(deps({ limiter: writer })), drainCrmReads(readerDeps)]);
      now += 1_000;
    }
    expect(await outbox()).toEqual([]);
    expect(await snapshots.waiting()).toBe(0);
    // 2 updates + 1 upsert + 2 associations, and 3 reads: 8 calls, at most 3 in any 11 s.
    expect(callsAt).toHaveLength(8);
    for (const t of callsAt) expect(callsAt.filter((u) => u > t - windowMs && u <= t).length).toBeLessThanOrEqual(max);
  });

  it("never writes a property the app subscribes to: the service's own writes do not come back as signals", async () => {
    const loaded = await loadPropertyDefinitions();
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const billingNames = loaded.definitions.billing.properties.map((p) => p.name);
    // Criteria that read every billing property the service writes, as a RevOps author might.
    const reading = billingNames.map((n) => `${n} IS KNOWN`).join(' OR ');
    const text = `id: echo\nversion: 1\nname: Echo\nowner: a@example.com\neffective_from: 2026-01-01T00:00:00Z\nobject: ticket\ntrigger: { property: agent_go_at }\nsuccess: "${reading}"\nwithin: 1h\nprice: { currency: USD, model: flat, unit_amount: "1.00" }\n`;
    const parsed = parseCriteriaText(text);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const generated = generateWebhooks(parsed.versions.map((v) => v.criteria));

    await commit('11', [billable('11')]);
    await drainWriteback(deps());
    const written = Object.keys(inputsOf(0)[0]!.properties);
    expect(written.sort()).toEqual([...billingNames].sort());
    const subscribed = new Set(generated.component.config.subscriptions.crmObjects!.flatMap((s) => (s.propertyName ? [s.propertyName] : [])));
    expect(subscribed.has('agent_go_at')).toBe(true);
    for (const name of written) {
      expect(name.startsWith('ob_')).toBe(true);
      expect(subscribed.has(name)).toBe(false);
    }
    expect(generated.excluded.map((e) => e.property).sort()).toEqual([...billingNames].sort());
  });
});

describe('what a verification log says', () => {
  const flat = price({ currency: 'USD', model: 'flat', unit_amount: '0.99' });
  const jpy = price({ currency: 'JPY', model: 'flat', unit_amount: '500' });
  const tiered = price({ currency: 'EUR', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '2.00' }, { up_to: null, unit_amount: '1.50' }] });

  it('writes the amount as a decimal string in the currency\'s digits: the unit amount when billed under a flat price, 0 when not billable, else nothing yet', () => {
    expect(outcomeAmount(billable('1'), flat)).toEqual({ amount: '0.99', currency: 'USD' });
    expect(outcomeAmount(billable('1', { status: 'credited' }), flat)).toEqual({ amount: '0.99', currency: 'USD' });
    expect(outcomeAmount(billable('1'), jpy)).toEqual({ amount: '500', currency: 'JPY' });
    expect(outcomeAmount(outcomeFixture({ recordId: '1', status: 'not_billable' }), flat)).toEqual({ amount: '0.00', currency: 'USD' });
    expect(outcomeAmount(outcomeFixture({ recordId: '1', status: 'in_review' }), flat)).toEqual({ amount: '', currency: 'USD' });
    expect(outcomeAmount(billable('1'), tiered)).toEqual({ amount: '', currency: 'EUR' });
    expect(outcomeAmount(billable('1'), null)).toEqual({ amount: '', currency: '' });
  });

  it('writes exactly the properties property-definitions/ defines, so setup and write-back never drift apart', async () => {
    const loaded = await loadPropertyDefinitions();
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const logNames = loaded.definitions.verificationLog.properties.map((p) => p.name).sort();
    expect(Object.keys(verificationLogProperties(billable('1'), flat)).sort()).toEqual(logNames);
  });

  it('keeps the audit trail within HubSpot\'s text limit: the first entry, an "omitted" count, and the latest entries', () => {
    const trail: TrailView[] = Array.from({ length: 50 }, (_, i) => ({ at: new Date(T0 + i * 1000).toISOString(), version: 1, type: 'late', signalAt: '2026-11-03T09:00:00.000Z' }) as TrailView);
    expect(auditTrailText(trail, 'o#1')).toBe(JSON.stringify(trail));
    const cut = JSON.parse(auditTrailText(trail, 'o#1', 1_000)) as { type: string; count?: number; at?: string }[];
    expect(JSON.stringify(cut).length).toBeLessThanOrEqual(1_000);
    expect(cut[0]).toEqual(trail[0]);
    expect(cut[1]).toMatchObject({ type: 'omitted', note: expect.stringContaining('GET /api/outcomes/o%231') });
    expect(cut.at(-1)).toEqual(trail.at(-1));
    expect(cut[1]!.count! + cut.length - 1).toBe(trail.length);
    // The hash covers the text exactly as stored.
    const props = verificationLogProperties(billable('1'), flat);
    expect(props.ob_audit_trail_sha256).toBe(sha256(props.ob_audit_trail!));
  });
});

function price(raw: unknown): Price {
  const parsed = parsePrice(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.price;
}
