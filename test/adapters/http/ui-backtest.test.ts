// POST /ui/criteria/backtest end to end (supertest) with real v3 signatures: the portal from the signed URL, both sides, the draft's problems at their fields, the window's bound.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createHttpApp } from '../../../src/adapters/http/app.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';
import { createLogger } from '../../../src/adapters/logging/logger.ts';
import { createMetrics } from '../../../src/adapters/metrics/metrics.ts';
import { createBacktest } from '../../../src/app/backtest.ts';
import { StoreUnavailableError } from '../../../src/app/ports.ts';
import type { PortalLogEntry } from '../../../src/app/ports.ts';
import { createOutcomeReader } from '../../../src/app/read-outcomes.ts';
import { createMemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import type { Signal } from '../../../src/core/types.ts';
import { BASE_CRITERIA, criteriaSet } from '../../support/scenario.ts';

const SECRET = 'client-secret-for-backtest-tests-1';
const BASE = 'https://billing.example.com';
const PORTAL = 62515;
const DAY = 86_400_000;
const NOW = Date.parse('2026-12-03T00:00:00Z');
const prop = (at: number, recordId: string, property: string, value: string): Signal => ({ kind: 'property', objectType: 'ticket', recordId, at, property, value });

// Record 1 closes after 30 min (billable either way), record 2 after 2 h (billable only within 3 h).
const LOG: PortalLogEntry[] = [
  { entry: 'signal', signal: prop(NOW - 3 * DAY, '2', 'agent_started_at', 'x') },
  { entry: 'signal', signal: prop(NOW - 3 * DAY + 2 * 3_600_000, '2', 'stage', 'closed') },
  { entry: 'signal', signal: prop(NOW - 2 * DAY, '1', 'agent_started_at', 'x') },
  { entry: 'signal', signal: prop(NOW - 2 * DAY + 1_800_000, '1', 'stage', 'closed') },
];

function makeApp(opts: { down?: boolean; gate?: Promise<void> } = {}) {
  const asked: number[] = [];
  const store = {
    async *portalLog(portalId: number) {
      asked.push(portalId);
      if (opts.down) throw new StoreUnavailableError('Redis is down');
      if (opts.gate) await opts.gate;
      if (portalId === PORTAL) yield* LOG;
    },
  };
  const backtest = createBacktest({ store, criteria: () => criteriaSet(), retentionMs: 35 * DAY, clock: () => NOW });
  const app = createHttpApp({
    config: { publicBaseUrl: BASE, hubspotClientSecret: SECRET, adminToken: 'admin-token-for-backtest-tests-01', maxBodyBytes: 262_144 },
    ingest: async () => {
      throw new Error('these tests send no webhooks');
    },
    reader: createOutcomeReader(createMemorySignalStore()),
    backtest,
    health: { ready: async () => ({ ok: true, checks: {} }) },
    metrics: createMetrics({ defaultMetrics: false }),
    logger: createLogger({ level: 'silent', name: 'test' }),
    clock: () => NOW,
  });
  return { app, asked };
}

/** POSTs as `hubspot.fetch` does: HubSpot appends the portal and user to the URL and signs it all. */
function post(app: ReturnType<typeof makeApp>['app'], body: unknown, c: { portalId?: number; unsigned?: boolean } = {}) {
  const url = `/ui/criteria/backtest?portalId=${c.portalId ?? PORTAL}&userId=7&userEmail=ann%40example.com&appId=4242`;
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const timestamp = String(NOW);
  const req = request(app).post(url).set('Content-Type', 'application/json');
  if (c.unsigned) return req.send(raw);
  return req.set(SIGNATURE_HEADER, signHubSpotV3({ method: 'POST', url: BASE + url, rawBody: raw, timestamp, secret: SECRET })).set(TIMESTAMP_HEADER, timestamp).send(raw);
}

const draftYaml = (o: Record<string, unknown> = {}) => stringify({ ...BASE_CRITERIA, version: 2, change_notes: 'Looser.', within: '3h', ...o });

describe('POST /ui/criteria/backtest', () => {
  it('200: both sides of the last 30 days and the changed verdict, for the portal the signature names', async () => {
    const { app, asked } = makeApp();
    const res = await post(app, { text: draftYaml() });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(asked).toEqual([PORTAL]);
    expect(res.body).toMatchObject({
      window: { from: '2026-11-03T00:00:00.000Z', to: '2026-12-03T00:00:00.000Z' },
      draft: { criteriaId: 'resolve', version: 2 },
      asIs: { attempts: 2, billable: 1, charge: [{ currency: 'USD', amount: '1.00' }], yield: 0.5, notBillable: [{ reason: 'latency_breach', count: 1 }] },
      withDraft: { attempts: 2, billable: 2, charge: [{ currency: 'USD', amount: '2.00' }], yield: 1, notBillable: [] },
      changedCount: 1,
      changes: [{ recordId: '2', recordUrl: `https://app.hubspot.com/contacts/${PORTAL}/record/0-5/2`, before: { status: 'not_billable' }, after: { status: 'billable' } }],
    });
  });

  it('another portal’s signature reads that portal’s signals only', async () => {
    const { app, asked } = makeApp();
    const res = await post(app, { text: draftYaml() }, { portalId: 777 });
    expect(res.status).toBe(200);
    expect(asked).toEqual([777]);
    expect(res.body.asIs.attempts).toBe(0);
  });

  it('400: the draft’s problems, each at its field under text, a condition’s with its column', async () => {
    const { app } = makeApp();
    const res = await post(app, { text: draftYaml({ success: "stage = 'closed' AND" }) });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_request', message: 'the draft has 1 problem' });
    expect(res.body.error.problems).toEqual([{ code: expect.any(String), path: ['text', 'success'], message: expect.stringMatching(/at column \d+$/) }]);
  });

  it('400: a window that starts before the signals kept names from and the retention', async () => {
    const { app } = makeApp();
    const res = await post(app, { text: draftYaml(), from: '2026-10-01T00:00:00Z', to: '2026-10-15T00:00:00Z' });
    expect(res.status).toBe(400);
    expect(res.body.error.problems).toEqual([{ code: 'too_small', path: ['from'], message: expect.stringContaining('SIGNAL_RETENTION_MS') }]);
  });

  it('400: a body that is not as the API says, every problem listed', async () => {
    const { app } = makeApp();
    const res = await post(app, { from: 'yesterday', extra: 1 });
    expect(res.status).toBe(400);
    expect(res.body.error.problems.map((p: { path: unknown[] }) => p.path)).toEqual(expect.arrayContaining([['text'], ['from'], ['extra']]));
    expect((await post(app, '{not json')).status).toBe(400);
  });

  it('401 unsigned, and 503 with Retry-After while the store is out of reach', async () => {
    expect((await post(makeApp().app, { text: draftYaml() }, { unsigned: true })).status).toBe(401);
    const res = await post(makeApp({ down: true }).app, { text: draftYaml() });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('2');
  });

  it('429 while a backtest of the same account runs: one replay at a time per portal; the next one after it runs', async () => {
    let open!: () => void;
    const { app } = makeApp({ gate: new Promise<void>((resolve) => (open = resolve)) });
    const first = post(app, { text: draftYaml() }).then((r) => r);
    // Let the first request reach the store before the second arrives.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await post(app, { text: draftYaml() });
    expect(second.status).toBe(429);
    expect(second.body.error.code).toBe('too_many_requests');
    open();
    expect((await first).status).toBe(200);
    expect((await post(app, { text: draftYaml() })).status).toBe(200);
  });

  it('400 for a draft longer than the publish endpoint takes, at its field', async () => {
    const res = await post(makeApp().app, { text: 'x'.repeat(100_001) });
    expect(res.status).toBe(400);
    expect(res.body.error.problems[0]).toMatchObject({ path: ['text'], message: 'must be at most 100000 characters' });
  });
});
