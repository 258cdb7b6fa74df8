// The card's writes end to end (supertest, real v3 signatures): the app, hubspotSigned, the submit-action use case, the in-memory store.
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/adapters/http/app.ts';
import { DISPUTE_CATEGORIES } from '../../../src/adapters/http/ui-actions.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';
import { createLogger } from '../../../src/adapters/logging/logger.ts';
import { createMetrics } from '../../../src/adapters/metrics/metrics.ts';
import { createMemoryScheduler } from '../../../src/adapters/memory/scheduler.ts';
import { createMemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import { ingestBatch } from '../../../src/app/ingest-batch.ts';
import type { RecordRef } from '../../../src/app/ports.ts';
import { processRecord } from '../../../src/app/process-record.ts';
import { createOutcomeReader } from '../../../src/app/read-outcomes.ts';
import { submitAction } from '../../../src/app/submit-action.ts';
import { criteriaSet, T0 } from '../../support/scenario.ts';

const SECRET = 'client-secret-for-ui-tests-01';
const BASE = 'https://billing.example.com';
const PORTAL = 62515;
const NOW = Date.parse('2026-11-03T12:00:00Z');
const criteria = criteriaSet();
const record: RecordRef = { portalId: PORTAL, objectType: 'ticket', recordId: '5' };
const outcomeId = 'resolve:ticket:5:2026-11-03#1';
const ANN = { userId: 7, email: 'ann@example.com' };
const REX = { userId: 9, email: 'rex@example.com' };

let store: MemorySignalStore;
let clock = NOW;

function makeApp() {
  const scheduler = createMemoryScheduler();
  const metrics = createMetrics({ queueCounts: async () => ({}), outcomeCounts: () => store.outcomeCounts() });
  const deps = { store, scheduler, criteria: () => criteria, clock: () => clock, resolvers: { userIds: new Set([REX.userId]), emails: new Set<string>() } };
  return createHttpApp({
    config: { publicBaseUrl: BASE, hubspotClientSecret: SECRET, adminToken: 'admin-token-for-ui-tests-0123456', maxBodyBytes: 4096 },
    ingest: (batch) => ingestBatch({ store, scheduler }, batch),
    reader: createOutcomeReader(store),
    health: { ready: async () => ({ ok: true, checks: {} }) },
    metrics,
    logger: createLogger({ level: 'silent', name: 'test' }),
    clock: () => clock,
    submitAction: (r) => submitAction(deps, r),
  });
}

interface Call {
  user?: { userId: number; email: string };
  portalId?: number;
  timestamp?: number;
  secret?: string;
  unsigned?: boolean;
}

/** POSTs as `hubspot.fetch` does: HubSpot appends the portal and user to the URL and signs it all. */
function post(app: ReturnType<typeof makeApp>, path: string, body: unknown, c: Call = {}) {
  const user = c.user ?? ANN;
  const url = `${path}?portalId=${c.portalId ?? PORTAL}&userId=${user.userId}&userEmail=${encodeURIComponent(user.email)}&appId=4242`;
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = String(c.timestamp ?? clock);
  const signature = signHubSpotV3({ method: 'POST', url: BASE + url, rawBody: raw, timestamp, secret: c.secret ?? SECRET });
  const req = request(app).post(url).set('Content-Type', 'application/json');
  return (c.unsigned ? req : req.set(SIGNATURE_HEADER, signature).set(TIMESTAMP_HEADER, timestamp)).send(raw);
}

const dispute = (requestId = 'a6f1d9a2-0000-4000-8000-000000000001') => ({ requestId, outcomeId, category: 'wrong_record', note: 'the contact was already routed' });
const resolve = (requestId: string, resolution = 'upheld') => ({ requestId, outcomeId, resolution, note: 'checked the record' });
const pending = async () => (await store.load(record, Number.POSITIVE_INFINITY)).actions.map((a) => a.action);

beforeEach(async () => {
  store = createMemorySignalStore({ clock: () => clock });
  clock = NOW;
  // A billable outcome: pressed at 10:00, closed at 10:05, processed.
  await store.ingest(PORTAL, [
    { identity: 'p', signal: { kind: 'property', objectType: 'ticket', recordId: '5', at: T0, property: 'agent_started_at', value: 'x' } },
    { identity: 'c', signal: { kind: 'property', objectType: 'ticket', recordId: '5', at: T0 + 300_000, property: 'stage', value: 'closed' } },
  ]);
  await processRecord({ store, scheduler: createMemoryScheduler(), criteria: () => criteria, clock: () => NOW, holdMs: 0 }, record);
});

describe('POST /ui/disputes', () => {
  it('stores a dispute signed by HubSpot, with the signed user and the service’s time, and answers 202 with the action and the outcome after it', async () => {
    const res = await post(makeApp(), '/ui/disputes', dispute());
    expect(res.status).toBe(202);
    const action = { type: 'open_dispute', at: '2026-11-03T12:00:00.000Z', by: ANN, outcomeId, reason: 'Wrong record: the contact was already routed' };
    expect(res.body.action).toEqual(action);
    expect(res.body.outcome).toMatchObject({ outcomeId, status: 'billable', dispute: { state: 'open', openedBy: ANN, reason: action.reason } });
    expect(await pending()).toEqual([{ ...action, at: NOW }]);
  });

  it("stores the category in the words the card confirms (test/hubspot-app/card-words.test.ts pins the same five)", async () => {
    expect(Object.entries(DISPUTE_CATEGORIES)).toEqual([
      ['wrong_record', 'Wrong record'],
      ['not_achieved', 'Outcome not achieved'],
      ['duplicate', 'Duplicate'],
      ['reversed_later', 'Reversed later'],
      ['other', 'Other'],
    ]);
    const res = await post(makeApp(), '/ui/disputes', { ...dispute(), category: 'not_achieved', note: 'never routed' });
    expect(res.status).toBe(202);
    expect(res.body.action.reason).toBe('Outcome not achieved: never routed');
  });

  it('refuses an unsigned, a wrongly signed and a stale request with 401, storing nothing', async () => {
    const app = makeApp();
    for (const [call, failure] of [
      [{ unsigned: true }, 'required'],
      [{ secret: 'not-the-secret' }, 'invalid_value'],
      [{ timestamp: NOW - 6 * 60_000 }, 'invalid_value'],
    ] as const) {
      const res = await post(app, '/ui/disputes', dispute(), call);
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'invalid_signature', problems: [{ code: failure }] });
    }
    expect(await pending()).toEqual([]);
  });

  it('answers 403 for an outcome the calling portal does not have, saying nothing of other portals', async () => {
    const res = await post(makeApp(), '/ui/disputes', dispute(), { portalId: 777 });
    expect(res.status).toBe(403);
    expect(res.body.error).toEqual({ code: 'forbidden', message: expect.any(String), problems: [{ code: 'not_found', path: ['outcomeId'], message: 'is not an outcome of this HubSpot account' }] });
    expect(await pending()).toEqual([]);
  });

  it('answers a retried write with the first answer and stores one action; a request id reused for another body is a 409 conflict', async () => {
    const app = makeApp();
    const first = await post(app, '/ui/disputes', dispute());
    clock += 30_000;
    const again = await post(app, '/ui/disputes', dispute());
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(await pending()).toHaveLength(1);
    const reused = await post(app, '/ui/disputes', { ...dispute(), note: 'something else' });
    expect(reused.status).toBe(409);
    expect(reused.body.error).toMatchObject({ code: 'conflict', problems: [{ code: 'conflict', path: ['requestId'] }] });
  });

  it('answers 409 action_refused with the core’s reason when the dispute does not apply, storing nothing', async () => {
    const app = makeApp();
    expect((await post(app, '/ui/disputes', dispute('r-1'))).status).toBe(202);
    const second = await post(app, '/ui/disputes', dispute('r-2'));
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({
      code: 'action_refused',
      message: expect.stringContaining('already has an open dispute'),
      problems: [{ code: 'not_disputable', path: ['outcomeId'], message: `${outcomeId} already has an open dispute` }],
    });
    expect(await pending()).toHaveLength(1);
  });

  it('answers 400 invalid_request with every problem of a bad body, and for a body that is not JSON', async () => {
    const app = makeApp();
    const res = await post(app, '/ui/disputes', { requestId: '', outcomeId: 'nope', category: 'sloppy', note: '   ', portalId: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.problems.map((p: { code: string; path: unknown[] }) => [p.code, p.path])).toEqual([
      ['invalid_format', ['requestId']],
      ['invalid_format', ['outcomeId']],
      ['invalid_value', ['category']],
      ['too_small', ['note']],
      ['unknown_field', ['portalId']],
    ]);
    const notJson = await post(app, '/ui/disputes', '{"requestId":');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ code: 'invalid_request', problems: [{ code: 'syntax', path: [] }] });
    expect(await pending()).toEqual([]);
  });

  it('answers 503 store_unavailable when the store cannot take the action, so the card offers to try again', async () => {
    store.simulateOutage(true);
    const res = await post(makeApp(), '/ui/disputes', dispute());
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body.error.code).toBe('store_unavailable');
  });
});

describe('POST /ui/disputes/resolve', () => {
  it('lets a resolver resolve an open dispute, and forbids anyone else (403)', async () => {
    const app = makeApp();
    await post(app, '/ui/disputes', dispute());
    clock += 60_000;
    const byAnn = await post(app, '/ui/disputes/resolve', resolve('r-ann'));
    expect(byAnn.status).toBe(403);
    expect(byAnn.body.error).toEqual({ code: 'forbidden', message: expect.stringContaining('resolvers'), problems: [{ code: 'invalid_value', path: ['userId'], message: expect.stringContaining("is not one of this portal's dispute resolvers (DISPUTE_RESOLVERS)") }] });
    const byRex = await post(app, '/ui/disputes/resolve', resolve('r-rex'), { user: REX });
    expect(byRex.status).toBe(202);
    expect(byRex.body.action).toEqual({ type: 'resolve_dispute', at: '2026-11-03T12:01:00.000Z', by: REX, outcomeId, resolution: 'upheld', note: 'checked the record' });
    expect(byRex.body.outcome).toMatchObject({ status: 'credited', dispute: { state: 'upheld', resolvedBy: REX } });
    expect((await pending()).map((a) => a.type)).toEqual(['open_dispute', 'resolve_dispute']);
  });

  it('refuses resolving a dispute that is not open (409, no_open_dispute)', async () => {
    const res = await post(makeApp(), '/ui/disputes/resolve', resolve('r-1', 'rejected'), { user: REX });
    expect(res.status).toBe(409);
    expect(res.body.error.problems).toEqual([{ code: 'no_open_dispute', path: ['outcomeId'], message: expect.any(String) }]);
  });
});

describe('POST /ui/pauses', () => {
  it('pauses and resumes a criteria id for resolvers, refusing a second pause (409) and anyone else (403)', async () => {
    const app = makeApp();
    const body = (requestId: string, action: string) => ({ requestId, criteriaId: 'resolve', action, note: 'the agent misroutes' });
    const notResolver = await post(app, '/ui/pauses', body('p-1', 'pause'));
    expect(notResolver.status).toBe(403);
    expect(notResolver.body.error.problems).toEqual([{ code: 'invalid_value', path: ['userId'], message: expect.stringContaining('pause or resume criteria') }]);
    const paused = await post(app, '/ui/pauses', body('p-2', 'pause'), { user: REX });
    expect(paused.status).toBe(202);
    expect(paused.body).toEqual({ action: { type: 'pause', at: '2026-11-03T12:00:00.000Z', by: REX, criteriaId: 'resolve', note: 'the agent misroutes' }, outcome: null });
    const twice = await post(app, '/ui/pauses', body('p-3', 'pause'), { user: REX });
    expect(twice.status).toBe(409);
    expect(twice.body.error.problems).toEqual([{ code: 'already_paused', path: ['criteriaId'], message: 'resolve is already paused' }]);
    clock += 1_000;
    expect((await post(app, '/ui/pauses', body('p-4', 'resume'), { user: REX })).status).toBe(202);
    expect((await store.pauses(PORTAL)).map((p) => p.type)).toEqual(['pause', 'resume']);
  });
});
