// The card's GET routes end to end (supertest) with real v3 signatures, over the in-memory stores: signatures, portals, parameters, paging, advice, resolvers, log links, trails, logs.
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/adapters/http/app.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';
import { createLogger } from '../../../src/adapters/logging/logger.ts';
import { createMemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import { createMemoryWritebackStore } from '../../../src/adapters/memory/writeback-store.ts';
import type { MemoryWritebackStore } from '../../../src/adapters/memory/writeback-store.ts';
import { createMetrics } from '../../../src/adapters/metrics/metrics.ts';
import { createCardView, verificationLogIds } from '../../../src/app/card-view.ts';
import { createOutcomeReader } from '../../../src/app/read-outcomes.ts';
import { writtenMark, writtenOutcomeField } from '../../../src/app/writeback-plan.ts';
import type { Outcome } from '../../../src/core/engine/outcome.ts';
import type { RecordState } from '../../../src/core/engine/record-state.ts';
import { T0, outcomeFixture, stateWith } from '../../support/hubspot-double.ts';
import { criteriaSet, run } from '../../support/scenario.ts';

const SECRET = 'client-secret-for-card-tests-01';
const BASE = 'https://billing.example.com/prefix';
const PORTAL = 62515;
const OTHER_PORTAL = 777;
const CRITERIA = criteriaSet({ cooldown: '2m', retry_window: '30m' });
const PERSONAL = 'jane.doe+private@example.com';

let now: number;
let signals: MemorySignalStore;
let writeback: MemoryWritebackStore;
let logLines: Record<string, unknown>[];
let app: ReturnType<typeof createHttpApp>;

beforeEach(() => {
  now = T0 + 60_000;
  signals = createMemorySignalStore({ clock: () => now });
  writeback = createMemoryWritebackStore(signals);
  logLines = [];
  const logger = createLogger({ level: 'debug', name: 'test', destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) } });
  const cards = createCardView({
    store: signals,
    criteria: () => CRITERIA,
    logs: verificationLogIds(writeback),
    paused: { pausedNow: async () => [] },
    resolvers: { userIds: new Set([7]), emails: new Set(['boss@example.com']) },
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
    logger,
    clock: () => now,
  });
});

interface As {
  portalId?: number;
  userId?: number;
  userEmail?: string | null;
  /** Replaces HubSpot's identity parameters as a whole. */
  identity?: string;
  secret?: string;
  timestamp?: number;
  unsigned?: boolean;
}

/** A GET as `hubspot.fetch` sends it: HubSpot appends the caller's identity to the URL and signs it. */
function get(path: string, as: As = {}) {
  const email = as.userEmail === undefined ? PERSONAL : as.userEmail;
  const identity = as.identity ?? `portalId=${as.portalId ?? PORTAL}&userId=${as.userId ?? 5}${email === null ? '' : `&userEmail=${encodeURIComponent(email)}`}&appId=99`;
  const url = `${path}${path.includes('?') ? '&' : '?'}${identity}`;
  const timestamp = String(as.timestamp ?? now);
  const req = request(app).get(url);
  if (as.unsigned) return req;
  const signature = signHubSpotV3({ method: 'GET', url: BASE + url, rawBody: '', timestamp, secret: as.secret ?? SECRET });
  return req.set(SIGNATURE_HEADER, signature).set(TIMESTAMP_HEADER, timestamp);
}

async function save(state: RecordState, portalId = PORTAL): Promise<void> {
  const ref = { portalId, objectType: state.objectType, recordId: state.recordId };
  const loaded = await signals.load(ref, Number.POSITIVE_INFINITY);
  expect((await signals.commit({ record: ref, version: loaded.version, state, applied: [], nextTimerAt: null, writeDueAt: null, statusesBefore: [] })).ok).toBe(true);
}
const commit = (recordId: string, outcomes: readonly Outcome[], portalId = PORTAL) => save(stateWith('ticket', recordId, outcomes), portalId);

const outcomesPath = (recordId: string, query = '') => `/ui/records/0-5/${recordId}/outcomes${query}`;
const trailPath = (outcomeId: string, query = '') => `/ui/outcomes/${encodeURIComponent(outcomeId)}/trail${query}`;
const billable = (seq: number, recordId = '11') => outcomeFixture({ recordId, seq, status: 'billable' });

describe('card reads: signatures', () => {
  it('answers a validly signed request, not cached, logged with the portal but never the email', async () => {
    await commit('11', [billable(1)]);
    const res = await get(outcomesPath('11'));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ record: { objectType: 'ticket', recordId: '11' }, viewer: { userId: 5, canResolve: false }, nextCursor: null, paused: [] });
    expect(res.body.outcomes.map((o: { outcomeId: string }) => o.outcomeId)).toEqual(['resolve:ticket:11:2026-11-03#1']);
    const line = logLines.find((l) => l['msg'] === 'answered' && l['status'] === 200)!;
    expect(line).toMatchObject({ method: 'GET', portalId: PORTAL, outcomes: 1 });
    expect(JSON.stringify(logLines)).not.toContain('jane.doe');
  });

  it('refuses unsigned, wrongly signed and stale requests with 401 invalid_signature, on both routes', async () => {
    await commit('11', [billable(1)]);
    for (const path of [outcomesPath('11'), trailPath(billable(1).outcomeId)]) {
      const unsigned = await get(path, { unsigned: true });
      expect(unsigned.status).toBe(401);
      expect(unsigned.body.error).toMatchObject({ code: 'invalid_signature', problems: [{ code: 'required', path: [SIGNATURE_HEADER] }] });
      const wrong = await get(path, { secret: 'another-apps-secret' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.problems).toEqual([{ code: 'invalid_value', path: [SIGNATURE_HEADER], message: expect.any(String) }]);
      const stale = await get(path, { timestamp: now - 6 * 60_000 });
      expect(stale.status).toBe(401);
      expect(stale.body.error.problems).toEqual([{ code: 'invalid_value', path: [TIMESTAMP_HEADER], message: expect.any(String) }]);
    }
  });

  it('a signed URL that names no portal or user is a bad request', async () => {
    const res = await get(outcomesPath('11'), { identity: 'appId=99' });
    expect(res.status).toBe(400);
    expect(res.body.error.problems.map((p: { path: string[] }) => p.path)).toEqual([['portalId'], ['userId']]);
  });
});

describe('card reads: Redis out of reach', () => {
  it('answers 503 store_unavailable with Retry-After on both routes, and reads again once it is back', async () => {
    await commit('11', [outcomeFixture({ recordId: '11', status: 'billable' })]);
    signals.simulateOutage(true);
    for (const path of ['/ui/records/0-5/11/outcomes', '/ui/outcomes/resolve:ticket:11:2026-11-03%231/trail']) {
      const res = await get(path);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.body).toEqual({ error: { code: 'store_unavailable', message: expect.stringContaining('try again'), problems: [] } });
    }
    signals.simulateOutage(false);
    expect((await get('/ui/records/0-5/11/outcomes')).body.outcomes).toHaveLength(1);
  });
});

describe('card reads: portals', () => {
  it("a record of another portal gets nothing: 200 with no outcomes, and its outcome's trail is 404", async () => {
    await commit('11', [billable(1)], OTHER_PORTAL);
    const list = await get(outcomesPath('11'));
    expect(list.status).toBe(200);
    expect(list.body.outcomes).toEqual([]);
    const trail = await get(trailPath(billable(1).outcomeId));
    expect(trail.status).toBe(404);
    expect(trail.body.error).toMatchObject({ code: 'not_found', problems: [{ code: 'not_found', path: ['outcomeId'] }] });
    // The portal that has it sees it.
    expect((await get(trailPath(billable(1).outcomeId), { portalId: OTHER_PORTAL })).status).toBe(200);
  });
});

describe('card reads: parameters', () => {
  const problemsOf = async (path: string) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    return res.body.error.problems.map((p: { code: string; path: unknown[] }) => [p.code, p.path]);
  };

  it('names the parameter at fault: object type, record id, limit, cursor, outcome id', async () => {
    expect(await problemsOf('/ui/records/0-2/11/outcomes')).toEqual([['invalid_value', ['objectTypeId']]]);
    expect(await problemsOf('/ui/records/0-1/abc/outcomes')).toEqual([['invalid_format', ['recordId']]]);
    expect(await problemsOf(outcomesPath('11', '?limit=0'))).toEqual([['too_small', ['limit']]]);
    expect(await problemsOf(outcomesPath('11', '?limit=51'))).toEqual([['too_big', ['limit']]]);
    expect(await problemsOf(outcomesPath('11', '?limit=ten'))).toEqual([['invalid_format', ['limit']]]);
    expect(await problemsOf(outcomesPath('11', '?limit=5&limit=6'))).toEqual([['invalid_type', ['limit']]]);
    expect(await problemsOf(outcomesPath('11', '?cursor=bogus'))).toEqual([['invalid_value', ['cursor']]]);
    expect(await problemsOf('/ui/records/0-9/x/outcomes?limit=99')).toEqual([
      ['invalid_value', ['objectTypeId']],
      ['invalid_format', ['recordId']],
      ['too_big', ['limit']],
    ]);
    expect(await problemsOf(trailPath('whatever'))).toEqual([['invalid_format', ['outcomeId']]]);
    expect(await problemsOf(trailPath(billable(1).outcomeId, '?limit=201'))).toEqual([['too_big', ['limit']]]);
  });

  it('takes each object type the card can be on', async () => {
    await save(stateWith('deal', '11', [outcomeFixture({ recordId: '11', objectType: 'deal', status: 'open' })]));
    const deal = await get('/ui/records/0-3/11/outcomes');
    expect(deal.body.record).toEqual({ objectType: 'deal', recordId: '11' });
    expect(deal.body.outcomes).toHaveLength(1);
    expect((await get('/ui/records/0-1/11/outcomes')).body.record).toEqual({ objectType: 'contact', recordId: '11' });
  });
});

describe('card reads: paging', () => {
  it('the cursor walks every outcome once, newest first; 20 by default, the limit bounds each page', async () => {
    const all = Array.from({ length: 47 }, (_, i) => billable(i + 1));
    await commit('11', all);
    const first = await get(outcomesPath('11'));
    expect(first.body.outcomes).toHaveLength(20);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(outcomesPath('11', `?limit=15${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`));
      expect(res.status).toBe(200);
      expect(res.body.outcomes.length).toBeLessThanOrEqual(15);
      seen.push(...res.body.outcomes.map((o: { outcomeId: string }) => o.outcomeId));
      cursor = res.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(all.map((o) => o.outcomeId).reverse());
  });

  it('the trail route pages oldest first, 50 by default', async () => {
    const trail = Array.from({ length: 130 }, (_, i) => ({ at: T0 + i, version: 1, type: i === 0 ? ('opened' as const) : ('suppressed' as const) }));
    const o = outcomeFixture({ recordId: '11', trail });
    await commit('11', [o]);
    const first = await get(trailPath(o.outcomeId));
    expect(first.status).toBe(200);
    expect(first.body.outcomeId).toBe(o.outcomeId);
    expect(first.body.entries).toHaveLength(50);
    expect(first.body.entries[0]).toEqual({ at: '2026-11-03T10:00:00.000Z', version: 1, type: 'opened' });
    const rest = await get(trailPath(o.outcomeId, `?limit=200&cursor=${first.body.nextCursor}`));
    expect(rest.body.entries).toHaveLength(80);
    expect(rest.body.entries[0].at).toBe('2026-11-03T10:00:00.050Z');
    expect(rest.body.nextCursor).toBeNull();
  });
});

describe('card reads: advice, resolvers, log links', () => {
  it('press advice at the fixed service clock', async () => {
    await save(run([{ at: 0, set: { agent_started_at: 'x' } }], { criteria: CRITERIA, until: 0 }).states.get('ticket:1')!);
    now = T0 + 90_000;
    expect((await get(outcomesPath('1'))).body.pressAdvice).toEqual([{ criteriaId: 'resolve', criteriaName: 'Ticket resolved', kind: 'cooldown', until: '2026-11-03T10:02:00.000Z' }]);
    now = T0 + 10 * 60_000;
    expect((await get(outcomesPath('1'))).body.pressAdvice).toEqual([{ criteriaId: 'resolve', criteriaName: 'Ticket resolved', kind: 'retry', until: '2026-11-03T10:30:00.000Z' }]);
  });

  it('canResolve for a resolver by user id and by email, not for others', async () => {
    const viewer = async (as: As) => (await get(outcomesPath('11'), as)).body.viewer;
    expect(await viewer({ userId: 7, userEmail: null })).toEqual({ userId: 7, canResolve: true });
    expect(await viewer({ userId: 8, userEmail: 'BOSS@example.com' })).toEqual({ userId: 8, canResolve: true });
    expect(await viewer({ userId: 9, userEmail: 'someone@example.com' })).toEqual({ userId: 9, canResolve: false });
  });

  it('verificationLogUrl is null until the log is written, then the log record in the portal', async () => {
    const o = billable(1);
    await commit('11', [o]);
    expect((await get(outcomesPath('11'))).body.outcomes[0].verificationLogUrl).toBeNull();
    await writeback.finish({ outcomes: [[writtenOutcomeField(PORTAL, o.outcomeId), writtenMark('9001', 'hash')]], records: [], remove: [] });
    expect((await get(outcomesPath('11'))).body.outcomes[0].verificationLogUrl).toBe(`https://app.hubspot.com/contacts/${PORTAL}/record/p${PORTAL}_ob_verification_log/9001`);
  });
});
