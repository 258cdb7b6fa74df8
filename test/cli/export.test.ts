// `outcome-billing export` on real Redis: a live ledger with CRM reads, disputes and a pause, exported, replays in simulate() field for field.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseActionsText } from '../../src/adapters/files/actions-file.ts';
import { loadCriteriaFiles } from '../../src/adapters/files/criteria-files.ts';
import { parseEventsText } from '../../src/adapters/hubspot/events-file.ts';
import { parseRecordsText } from '../../src/adapters/hubspot/records-file.ts';
import { readWebhookBatch } from '../../src/adapters/hubspot/webhook-batch.ts';
import { toSignals } from '../../src/adapters/hubspot/webhook-signals.ts';
import { createMemoryCrmSnapshotStore } from '../../src/adapters/memory/crm-snapshots.ts';
import { createMemoryScheduler } from '../../src/adapters/memory/scheduler.ts';
import { createCriteriaRegistry } from '../../src/adapters/redis/criteria-registry.ts';
import { createRedisSignalStore } from '../../src/adapters/redis/signal-store.ts';
import { knownOf } from '../../src/app/criteria-changes.ts';
import type { RecordRef } from '../../src/app/ports.ts';
import { processRecord } from '../../src/app/process-record.ts';
import { submitAction } from '../../src/app/submit-action.ts';
import type { ActionBody } from '../../src/app/submit-action.ts';
import { buildCriteriaSet } from '../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../src/core/criteria/parse-file.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { compareOutcomes, invoiceOf, outcomeView } from '../../src/core/ledger-view.ts';
import { simulate } from '../../src/core/simulate.ts';
import { REDIS_URL, connect, deletePrefix, testPrefix } from '../support/redis.ts';
import { cli } from '../support/cli.ts';

const PORTAL = 62515;
const T0 = Date.parse('2026-11-03T10:00:00Z');
const MIN = 60_000;
const HOLD = 1_000;
const CRITERIA = `
criteria:
  - { id: resolve, version: 1, name: Ticket resolved, owner: ops@example.com, effective_from: "2026-01-01T00:00:00Z", object: ticket,
      trigger: { property: agent_started_at }, success: "stage = 'closed'", within: 1h, review_window: 10m,
      price: { currency: USD, model: flat, unit_amount: "1.00" } }
  - { id: route, version: 1, name: Contact routed, owner: ops@example.com, effective_from: "2026-01-01T00:00:00Z", object: contact,
      trigger: { property: agent_routed_at }, success: "hubspot_owner_id IS KNOWN", within: 30m,
      price: { currency: USD, model: graduated, tiers: [{ up_to: 1, unit_amount: "5.00" }, { up_to: null, unit_amount: "3.00" }] } }
  - { id: route, version: 2, name: Contact routed, owner: ops@example.com, effective_from: "2026-11-03T10:40:00Z", object: contact,
      change_notes: Cheaper, trigger: { property: agent_routed_at }, success: "hubspot_owner_id IS KNOWN", within: 30m,
      price: { currency: USD, model: flat, unit_amount: "2.00" } }
`;
const parsed = parseCriteriaText(CRITERIA);
if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
const versions = parsed.versions.map((v) => ({ ...v, source: 'criteria.yaml' }));
const built = buildCriteriaSet(versions);
if (!built.ok) throw new Error(JSON.stringify(built.problems));
const criteria = built.set;

let eventId = 9000;
const change = (objectType: 'contact' | 'ticket', objectId: number, minutes: number, propertyName: string, propertyValue: string) => ({
  eventId: ++eventId,
  subscriptionId: 2210101,
  portalId: PORTAL,
  appId: 4242,
  occurredAt: T0 + minutes * MIN,
  subscriptionType: `${objectType}.propertyChange`,
  attemptNumber: 0,
  objectId,
  propertyName,
  propertyValue,
  changeSource: 'INTEGRATION',
  sourceId: `integration:${objectId}`,
});

const EVENTS = [
  change('ticket', 5, 0, 'agent_started_at', 'a'),
  change('ticket', 5, 5, 'stage', 'closed'),
  change('ticket', 6, 0, 'agent_started_at', 'a'),
  change('ticket', 6, 2, 'stage', 'closed'),
  change('ticket', 7, 1, 'agent_started_at', 'a'),
  change('contact', 101, 3, 'agent_routed_at', 'r'),
  change('contact', 101, 4, 'hubspot_owner_id', '77'),
  change('contact', 102, 40, 'agent_routed_at', 'r'),
  change('contact', 103, 50, 'agent_routed_at', 'r'),
  change('contact', 103, 52, 'hubspot_owner_id', '78'),
];
const RECORDS: RecordRef[] = [
  ...['5', '6', '7'].map((recordId): RecordRef => ({ portalId: PORTAL, objectType: 'ticket', recordId })),
  ...['101', '102', '103'].map((recordId): RecordRef => ({ portalId: PORTAL, objectType: 'contact', recordId })),
];
const ann = { userId: 7, email: 'ann@example.com' };
const rex = { userId: 9, email: 'rex@example.com' };

describe('outcome-billing export', () => {
  const prefix = testPrefix('export');
  const dir = mkdtempSync(join(tmpdir(), 'ob-export-'));
  const file = (name: string) => join(dir, name);
  let redis: Redis;
  let live: Outcome[] = [];
  let exported: Awaited<ReturnType<typeof cli>>;

  beforeAll(async () => {
    redis = connect();
    const store = createRedisSignalStore(redis, prefix);
    await createCriteriaRegistry(redis, prefix).write(versions.map(knownOf));
    const scheduler = createMemoryScheduler();
    const snapshots = createMemoryCrmSnapshotStore();
    // HubSpot's values, read late enough to verify every settlement, and from before each record's first signal.
    for (const r of RECORDS) await snapshots.save(r, { readAt: T0 + 2 * 24 * 60 * MIN, found: true, properties: { company: `Acme ${r.recordId}` } });
    const clock = { now: T0 };
    const processAll = async () => {
      for (const r of RECORDS) await processRecord({ store, scheduler, criteria: () => criteria, clock: () => clock.now, holdMs: HOLD, crm: { snapshots, maxWaitMs: 60_000 } }, r);
    };
    const batch = readWebhookBatch(EVENTS);
    if (!batch.ok) throw new Error(JSON.stringify(batch.problems));
    await store.ingest(PORTAL, batch.batch.items);
    const act = async (minutes: number, user: typeof ann, body: ActionBody) => {
      clock.now = T0 + minutes * MIN;
      const deps = { store, scheduler, criteria: () => criteria, clock: () => clock.now, resolvers: { userIds: new Set([rex.userId]), emails: new Set<string>() } };
      const r = await submitAction(deps, { portalId: PORTAL, requestId: `r-${minutes}`, user, body });
      expect(r.kind, JSON.stringify(r)).toBe('accepted');
    };
    clock.now = T0 + 20 * MIN;
    await processAll();
    await act(30, ann, { type: 'open_dispute', outcomeId: 'resolve:ticket:5:2026-11-03#1', reason: 'Wrong record: routed by hand' });
    await act(31, rex, { type: 'resolve_dispute', outcomeId: 'resolve:ticket:5:2026-11-03#1', resolution: 'upheld', note: 'agreed' });
    await act(32, ann, { type: 'open_dispute', outcomeId: 'resolve:ticket:6:2026-11-03#1', reason: 'Other: too slow' });
    await act(33, rex, { type: 'resolve_dispute', outcomeId: 'resolve:ticket:6:2026-11-03#1', resolution: 'rejected', note: 'within terms' });
    await act(35, rex, { type: 'pause', criteriaId: 'route', note: 'routing bug' });
    await act(45, rex, { type: 'resume', criteriaId: 'route', note: 'fixed' });
    clock.now = T0 + 24 * 60 * MIN;
    await processAll();
    for (const r of RECORDS) live.push(...((await store.load(r, Number.NEGATIVE_INFINITY)).state?.outcomes ?? []));
    live = live.sort(compareOutcomes);
    exported = await cli('export', '--portal', String(PORTAL), '--events', file('events.json'), '--actions', file('actions.json'), '--criteria', file('criteria.yaml'), '--records', file('records.json'), '--redis-url', REDIS_URL, '--prefix', prefix);
  });

  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await redis.quit();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes files simulate replays into the live ledger, field for field: outcomes with their trails, and the invoice', async () => {
    // The live ledger has what the test is about: credits, a rejected dispute, a paused press, CRM reads.
    expect(live.map((o) => [o.outcomeId, o.status])).toEqual([
      ['resolve:ticket:5:2026-11-03#1', 'credited'],
      ['resolve:ticket:6:2026-11-03#1', 'billable'],
      ['resolve:ticket:7:2026-11-03#1', 'not_billable'],
      ['route:contact:101:2026-11-03#1', 'billable'],
      ['route:contact:103:2026-11-03#1', 'billable'],
    ]);
    expect(live.some((o) => o.trail.some((t) => t.type === 'signal' && t.kind === 'crm_read'))).toBe(true);

    const r = exported;
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^portal 62515: \d+ signals from 2026-11-03T10:00:00.000Z to .* 6 actions to .*, 3 criteria versions to /);

    const events = parseEventsText(readFileSync(file('events.json'), 'utf8'), 'events.json');
    const actions = parseActionsText(readFileSync(file('actions.json'), 'utf8'), 'actions.json');
    const records = parseRecordsText(readFileSync(file('records.json'), 'utf8'), 'records.json');
    const exportedCriteria = await loadCriteriaFiles([file('criteria.yaml')]);
    if (!events.ok || !actions.ok || !records.ok || !exportedCriteria.ok) throw new Error('an exported file does not read back');
    const signals = toSignals(events.events, { locations: events.locations });
    if (!signals.ok) throw new Error(JSON.stringify(signals.problems));
    expect(records.records).toHaveLength(RECORDS.length);
    expect(exportedCriteria.versions.map((v) => v.canonical)).toEqual(versions.map((v) => v.canonical));

    const replay = simulate({ criteria: exportedCriteria.set, records: records.records, signals: signals.signals, actions: actions.actions, until: null });
    expect(replay.refused).toEqual([]);
    expect(replay.outcomes.map((o) => outcomeView(o, true))).toEqual(live.map((o) => outcomeView(o, true)));
    expect(replay.invoice).toEqual(invoiceOf(live, criteria));
    expect(replay.summary.paused).toBe(1);
  });

  it('prints the same ledger through the command line: simulate on the exported files, ledger on Redis', async () => {
    const sim = await cli('simulate', '--criteria', file('criteria.yaml'), '--events', file('events.json'), '--actions', file('actions.json'), '--records', file('records.json'), '--format', 'json');
    expect(sim.code, sim.err).toBe(0);
    const ledger = await cli('ledger', '--portal', String(PORTAL), '--format', 'json', '--redis-url', REDIS_URL, '--prefix', prefix, '--criteria', file('criteria.yaml'));
    expect(ledger.code, ledger.err).toBe(0);
    const [s, l] = [JSON.parse(sim.out), JSON.parse(ledger.out)];
    expect(s.outcomes).toEqual(l.outcomes);
    expect(s.invoice).toEqual(l.invoice);
    // The live ledger counts the presses made while paused, as simulate does.
    expect(l.summary).toEqual(s.summary);
    expect(l.summary.paused).toBe(1);
  });

  it('refuses a portal with nothing stored, or a mistyped prefix, naming the portals there, and writes no files', async () => {
    const unknown = await cli('export', '--portal', '999', '--events', file('e3.json'), '--actions', file('a3.json'), '--criteria', file('c3.yaml'), '--redis-url', REDIS_URL, '--prefix', prefix);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain(`portal 999 has nothing stored: the portals stored under the key prefix "${prefix}" are ${PORTAL}`);
    const typo = await cli('export', '--portal', String(PORTAL), '--events', file('e3.json'), '--actions', file('a3.json'), '--criteria', file('c3.yaml'), '--redis-url', REDIS_URL, '--prefix', `${prefix}-typo`);
    expect(typo.code).toBe(1);
    expect(typo.err).toContain(`no portal is stored under the key prefix "${prefix}-typo"`);
    expect(existsSync(file('e3.json'))).toBe(false);
  });

  it('keeps to --since and --until, and says what a usage mistake is', async () => {
    const r = await cli('export', '--portal', String(PORTAL), '--events', file('e2.json'), '--actions', file('a2.json'), '--criteria', file('c2.yaml'), '--since', '2026-11-03T10:30:00Z', '--until', '2026-11-03T10:45:00Z', '--redis-url', REDIS_URL, '--prefix', prefix);
    expect(r.code).toBe(0);
    // No --records: the snapshots the ledger started from are named as missing.
    expect(r.err).toMatch(/6 records started from their HubSpot snapshot: pass --records/);
    expect(JSON.parse(readFileSync(file('e2.json'), 'utf8')).map((e: { occurredAt: number }) => e.occurredAt)).toEqual([T0 + 40 * MIN]);
    expect(JSON.parse(readFileSync(file('a2.json'), 'utf8')).map((a: { type: string }) => a.type)).toEqual(['open_dispute', 'resolve_dispute', 'open_dispute', 'resolve_dispute', 'pause', 'resume']);
    expect((await cli('export', '--events', 'x', '--actions', 'y', '--criteria', 'z')).code).toBe(2);
    expect((await cli('export', '--portal', '1', '--events', 'x', '--actions', 'y')).err).toMatch(/export needs --criteria <file>/);
  });
});
