// CRM reads against a nock HubSpot, on the in-memory snapshot store and guards: every request's method, date-based path and body; batching and coalescing across records, snapshots, 207 not-found, 429, 5xx and a refused read.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryCrmSnapshotStore } from '../../src/adapters/memory/crm-snapshots.ts';
import { createMemoryBackoff, createMemoryDrainLock } from '../../src/adapters/memory/drain-guards.ts';
import { createMemoryRateLimiter } from '../../src/adapters/memory/rate-limiter.ts';
import { createMetrics } from '../../src/adapters/metrics/metrics.ts';
import type { Metrics } from '../../src/adapters/metrics/metrics.ts';
import { drainCrmReads, propertiesToRead } from '../../src/app/crm-reader.ts';
import type { CrmReaderDeps } from '../../src/app/crm-reader.ts';
import type { Backoff, DrainLock, RateLimiter } from '../../src/app/hubspot-calls.ts';
import type { CrmSnapshotStore, RecordRef } from '../../src/app/ports.ts';
import type { ObjectType } from '../../src/core/types.ts';
import { T0, drainDeps, hubspotDouble, recordingLog } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const PORTAL = 42;
// Two versions of a ticket criteria (v2 adds a fail_if) and one on contacts: a read serves them all.
const CRITERIA = criteriaSet(
  {},
  { version: 2, effective_from: '2026-06-01T00:00:00Z', change_notes: 'hand-offs fail', fail_if: "agent_status = 'handed_off'" },
  { id: 'enrich', object: 'contact', trigger: { property: 'agent_enrich_at' }, success: "lifecyclestage = 'lead' AND hubspot_owner_id IS KNOWN" },
);
const TICKET_PROPERTIES = ['agent_started_at', 'agent_status', 'stage'];
const CONTACT_PROPERTIES = ['agent_enrich_at', 'hubspot_owner_id', 'lifecyclestage'];

let now: number;
let hubspot: ReturnType<typeof hubspotDouble>;
let metrics: Metrics;
let snapshots: CrmSnapshotStore;
const log = recordingLog();
const logs = log.entries;
// One of each per test, shared by every drain in it as every process shares the Redis keys.
let lock: DrainLock;
let backoff: Backoff;
let limiter: RateLimiter;

beforeEach(() => {
  now = T0 + 3_600_000;
  nock.disableNetConnect();
  hubspot = hubspotDouble();
  metrics = createMetrics({ defaultMetrics: false });
  snapshots = createMemoryCrmSnapshotStore({ clock: () => now });
  lock = createMemoryDrainLock({ clock: () => now });
  backoff = createMemoryBackoff({ clock: () => now });
  limiter = createMemoryRateLimiter({ max: 1_000 });
  log.clear();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

function deps(over: Partial<CrmReaderDeps> = {}): CrmReaderDeps {
  return {
    ...drainDeps({ lock, backoff, limiter, clock: () => now, metrics, log, criteria: () => CRITERIA }),
    snapshots,
    ...over,
  };
}

const ref = (recordId: string, objectType: ObjectType = 'ticket'): RecordRef => ({ portalId: PORTAL, objectType, recordId });

async function request(ids: readonly string[], objectType: ObjectType = 'ticket', at = now - 100): Promise<void> {
  for (const id of ids) await snapshots.request(ref(id, objectType), at);
}

describe('CRM reads', () => {
  it('reads every property any criteria version on the object reads', () => {
    expect(propertiesToRead(CRITERIA, 'ticket')).toEqual(TICKET_PROPERTIES);
    expect(propertiesToRead(CRITERIA, 'contact')).toEqual(CONTACT_PROPERTIES);
    expect(propertiesToRead(CRITERIA, 'deal')).toEqual([]);
  });

  it('batch-reads the requested records and saves a snapshot of each: values as read, null as empty, a missing record as not found', async () => {
    hubspot.records.set('tickets/11', { stage: 'closed', agent_started_at: '1793700000000', agent_status: null });
    hubspot.records.set('tickets/12', { stage: '2', agent_started_at: '1793700000000', agent_status: 'working' });
    await request(['11', '12', '13']);
    const report = await drainCrmReads(deps());

    expect(hubspot.calls).toEqual([
      {
        method: 'POST',
        path: '/crm/objects/2026-09/tickets/batch/read',
        body: { inputs: [{ id: '11' }, { id: '12' }, { id: '13' }], properties: TICKET_PROPERTIES },
      },
    ]);
    expect(report).toMatchObject({ requests: 3, calls: 1, found: 2, notFound: 1, stop: null });
    expect(await snapshots.get(ref('11'))).toEqual({ readAt: now, found: true, properties: { agent_started_at: '1793700000000', agent_status: '', stage: 'closed' } });
    expect(await snapshots.get(ref('12'))).toEqual({ readAt: now, found: true, properties: { agent_started_at: '1793700000000', agent_status: 'working', stage: '2' } });
    expect(await snapshots.get(ref('13'))).toEqual({ readAt: now, found: false, properties: {} });
    expect(await snapshots.waiting()).toBe(0);
    const text = await metrics.render();
    expect(text).toContain('ob_hubspot_reads_total{result="found"} 2');
    expect(text).toContain('ob_hubspot_reads_total{result="not_found"} 1');
    expect(text).toContain('ob_hubspot_calls_total{operation="batch_read",result="partial"} 1');
  });

  it('coalesces requests across records into calls of at most 100, one object type per call', async () => {
    const contacts = Array.from({ length: 150 }, (_, i) => String(5000 + i));
    for (const id of contacts) hubspot.records.set(`contacts/${id}`, { lifecyclestage: 'lead', hubspot_owner_id: '7', agent_enrich_at: '1' });
    hubspot.records.set('tickets/11', { stage: 'closed' });
    await request(contacts, 'contact', now - 200);
    await request(['11'], 'ticket', now - 100);
    const report = await drainCrmReads(deps());
    expect(hubspot.calls.map((c) => [c.path, c.body.inputs.length, c.body.properties])).toEqual([
      ['/crm/objects/2026-09/contacts/batch/read', 100, CONTACT_PROPERTIES],
      ['/crm/objects/2026-09/contacts/batch/read', 50, CONTACT_PROPERTIES],
      ['/crm/objects/2026-09/tickets/batch/read', 1, TICKET_PROPERTIES],
    ]);
    expect(hubspot.calls[0]!.body.inputs.slice(0, 2)).toEqual([{ id: '5000' }, { id: '5001' }]);
    expect(report).toMatchObject({ requests: 151, calls: 3, found: 151 });
  });

  it("readAt is the time the call was made, so a worker can tell it is newer than its request", async () => {
    hubspot.records.set('tickets/11', { stage: 'closed' });
    await request(['11'], 'ticket', now - 5_000);
    let clock = now;
    await drainCrmReads(deps({ clock: () => (clock += 10) }));
    const snapshot = await snapshots.get(ref('11'));
    expect(snapshot!.readAt).toBeGreaterThan(now);
    expect(snapshot!.readAt).toBeLessThan(clock);
  });

  it('429: the requests stay, every process waits as HubSpot says, then the same read goes through', async () => {
    hubspot.records.set('tickets/11', { stage: 'closed' });
    await request(['11']);
    hubspot.next(() => ({ status: 429, body: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', policyName: 'TEN_SECONDLY_ROLLING' }, headers: { 'retry-after': '2' } }));
    expect(await drainCrmReads(deps())).toMatchObject({ calls: 1, stop: { reason: 'rate_limited', waitMs: 2_000 } });
    expect(await snapshots.waiting()).toBe(1);
    expect(await snapshots.get(ref('11'))).toBeNull();

    now += 1_000;
    expect(await drainCrmReads(deps())).toMatchObject({ calls: 0, stop: { reason: 'throttled', waitMs: 1_000 } });
    now += 1_000;
    expect(await drainCrmReads(deps())).toMatchObject({ calls: 1, found: 1, stop: null });
    expect(hubspot.calls).toHaveLength(2);
    expect(hubspot.calls[1]).toEqual(hubspot.calls[0]);
    expect(await snapshots.get(ref('11'))).toMatchObject({ readAt: now, found: true });
  });

  it('5xx: the requests stay and reads back off, then recover', async () => {
    hubspot.records.set('tickets/11', { stage: 'closed' });
    await request(['11']);
    hubspot.next(() => ({ status: 503, body: { status: 'error', message: 'Service unavailable' } }));
    expect(await drainCrmReads(deps())).toMatchObject({ calls: 1, stop: { reason: 'server_error', waitMs: 1_000 } });
    expect(await snapshots.waiting()).toBe(1);
    now += 999;
    expect(await drainCrmReads(deps())).toMatchObject({ calls: 0, stop: { reason: 'backing_off', waitMs: 1 } });
    now += 1;
    expect(await drainCrmReads(deps())).toMatchObject({ calls: 1, found: 1, stop: null });
    expect(await snapshots.waiting()).toBe(0);
    expect(await metrics.render()).toContain('ob_hubspot_calls_total{operation="batch_read",result="server_error"} 1');
  });

  it('207 with a passing error on one record: that request stays, the others are answered', async () => {
    hubspot.records.set('tickets/11', { stage: 'closed' });
    hubspot.records.set('tickets/12', { stage: 'closed' });
    await request(['11', '12']);
    hubspot.next(() => ({
      status: 207,
      body: {
        status: 'COMPLETE',
        results: [{ id: '11', properties: { stage: 'closed', agent_started_at: null, agent_status: null } }],
        numErrors: 1,
        errors: [{ status: 'error', category: 'RATE_LIMITS', message: 'try again', context: { ids: ['12'] } }],
      },
    }));
    expect(await drainCrmReads(deps())).toMatchObject({ found: 1, notFound: 0 });
    expect((await snapshots.requested(10)).map((r) => r.record.recordId)).toEqual(['12']);
    now += 250;
    await drainCrmReads(deps());
    expect(hubspot.calls[1]!.body.inputs).toEqual([{ id: '12' }]);
    expect(await snapshots.get(ref('12'))).toMatchObject({ found: true, properties: { stage: 'closed' } });
  });

  it('a read HubSpot refuses as a whole keeps the requests, says so in the logs and waits a minute', async () => {
    await request(['11']);
    hubspot.next(() => ({ status: 400, body: { status: 'error', message: 'Invalid input JSON', category: 'VALIDATION_ERROR' } }));
    const report = await drainCrmReads(deps());
    expect(report).toMatchObject({ calls: 1, stop: { reason: 'refused', waitMs: 60_000 } });
    expect(await snapshots.waiting()).toBe(1);
    expect(logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([expect.stringContaining('HubSpot refused a batch read')]);
    expect(await metrics.render()).toContain('ob_hubspot_calls_total{operation="batch_read",result="rejected"} 1');
  });

  it('makes no call when nothing is requested', async () => {
    expect(await drainCrmReads(deps())).toMatchObject({ requests: 0, calls: 0 });
    expect(hubspot.calls).toEqual([]);
  });
});
