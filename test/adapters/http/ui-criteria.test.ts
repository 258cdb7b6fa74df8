// The settings page's /ui/criteria calls end to end (supertest) with real v3 signatures: the list, draft checks, publishing (403, 400, 409, a retried request), published versions in real Redis.
import type { Redis } from 'ioredis';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { createHttpApp } from '../../../src/adapters/http/app.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';
import { createLogger } from '../../../src/adapters/logging/logger.ts';
import { createMemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import { createMetrics } from '../../../src/adapters/metrics/metrics.ts';
import { createRedisPublishRequests } from '../../../src/adapters/redis/publish-requests.ts';
import { createPublishedCriteriaStore } from '../../../src/adapters/redis/published-criteria.ts';
import type { CriteriaSettingsDeps } from '../../../src/app/criteria-settings.ts';
import type { WebhooksComponent } from '../../../src/app/hubspot-subscriptions.ts';
import { combine } from '../../../src/app/published-criteria.ts';
import type { SourcedVersion } from '../../../src/core/criteria/criteria-set.ts';
import { parseCriteriaText } from '../../../src/core/criteria/parse-file.ts';
import type { PauseAction } from '../../../src/core/engine/input.ts';
import { createOutcomeReader } from '../../../src/app/read-outcomes.ts';
import { criteriaListSchema, draftCheckSchema, publishedSchema } from '../../../hubspot-app/src/app/settings/api/schema.ts';
import { connect, deletePrefix, testPrefix } from '../../support/redis.ts';
import { BASE_CRITERIA } from '../../support/scenario.ts';

const SECRET = 'client-secret-for-criteria-tests-01';
const BASE = 'https://billing.example.com';
const PORTAL = 62515;
const NOW = Date.parse('2026-12-03T10:00:00Z');
const EDITOR = { userId: 7, email: 'ed@example.com' };
const STRANGER = { userId: 99, email: 'rep@example.com' };

const FILES: SourcedVersion[] = (() => {
  const parsed = parseCriteriaText(stringify({ criteria: [BASE_CRITERIA, { ...BASE_CRITERIA, version: 2, change_notes: 'later', effective_from: '2027-01-01T00:00:00Z', within: '3h' }] }));
  if (!parsed.ok) throw new Error('test criteria');
  return parsed.versions.map((v) => ({ ...v, source: 'criteria/resolve.yaml' }));
})();

const covering = (...properties: string[]): WebhooksComponent => ({
  uid: 'w',
  type: 'webhooks',
  config: {
    settings: { targetUrl: 'https://x/webhooks/hubspot', maxConcurrentRequests: 10 },
    subscriptions: { crmObjects: properties.map((p) => ({ subscriptionType: 'object.propertyChange', objectType: 'ticket', propertyName: p, active: true })) },
  },
});

let redis: Redis;
let prefix: string;
let pauses: PauseAction[];

beforeAll(() => {
  redis = connect();
});
afterAll(async () => {
  await redis.quit();
});
beforeEach(async () => {
  if (prefix) await deletePrefix(redis, prefix);
  prefix = testPrefix('ui-criteria');
  pauses = [];
});

function settings(): CriteriaSettingsDeps {
  const store = createPublishedCriteriaStore(redis, prefix);
  let loaded: readonly SourcedVersion[] = FILES;
  return {
    store,
    requests: createRedisPublishRequests(redis, prefix),
    // The process's set: files plus what was published, as the running source would hold after a refresh.
    loaded: () => loaded,
    refresh: async () => {
      const c = combine(FILES, await store.readAll());
      if (c.ok) loaded = c.versions;
    },
    pauses: async (portalId) => (portalId === PORTAL ? pauses : []),
    editors: new Set([EDITOR.userId]),
    resolvers: { userIds: new Set([EDITOR.userId]), emails: new Set() },
    subscriptions: async () => covering('agent_started_at', 'stage'),
    clock: () => NOW,
  };
}

function makeApp(s = settings()) {
  const signals = createMemorySignalStore({ clock: () => NOW });
  return createHttpApp({
    config: { publicBaseUrl: BASE, hubspotClientSecret: SECRET, adminToken: 'admin-token-for-tests-0123456789', maxBodyBytes: 200_000 },
    ingest: async () => {
      throw new Error('these tests send no webhooks');
    },
    reader: createOutcomeReader(signals),
    criteriaSettings: s,
    health: { ready: async () => ({ ok: true, checks: {} }) },
    metrics: createMetrics({ defaultMetrics: false }),
    logger: createLogger({ level: 'silent', name: 'test' }),
    clock: () => NOW,
  });
}

type App = ReturnType<typeof makeApp>;

function call(app: App, method: 'GET' | 'POST', path: string, body?: unknown, user = EDITOR, signed = true) {
  const url = `${path}?portalId=${PORTAL}&userId=${user.userId}&userEmail=${encodeURIComponent(user.email)}&appId=4242`;
  const raw = body === undefined ? '' : JSON.stringify(body);
  const timestamp = String(NOW);
  const signature = signHubSpotV3({ method, url: BASE + url, rawBody: raw, timestamp, secret: SECRET });
  const req = method === 'GET' ? request(app).get(url) : request(app).post(url).set('Content-Type', 'application/json');
  const withSig = signed ? req.set(SIGNATURE_HEADER, signature).set(TIMESTAMP_HEADER, timestamp) : req;
  return method === 'GET' ? withSig : withSig.send(raw);
}

const draft = (o: Record<string, unknown> = {}) => {
  const d: Record<string, unknown> = { ...BASE_CRITERIA, ...o };
  for (const k of ['version', 'effective_from', 'change_notes']) if (!(k in o)) delete d[k];
  return stringify(d);
};

describe('GET /ui/criteria', () => {
  it('lists each id with its versions in force, scheduled and past, newest first, with source, text and the next draft', async () => {
    pauses = [{ type: 'pause', at: NOW - 60_000, by: EDITOR, criteriaId: 'resolve', note: 'holiday freeze' }];
    const res = await call(makeApp(), 'GET', '/ui/criteria');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ now: '2026-12-03T10:00:00.000Z', canPublish: true, canPause: true });
    // The settings page reads this answer with its own schema: the two must agree.
    expect(criteriaListSchema.safeParse(res.body).success).toBe(true);
    const [resolve] = res.body.criteria;
    expect(resolve).toMatchObject({ id: 'resolve', name: 'Ticket resolved', object: 'ticket', nextVersion: 3, paused: { since: '2026-12-03T09:59:00.000Z', by: EDITOR, note: 'holiday freeze' } });
    expect(resolve.versions.map((v: { version: number; state: string; source: string }) => [v.version, v.state, v.source])).toEqual([
      [2, 'scheduled', 'file'],
      [1, 'in_force', 'file'],
    ]);
    expect(resolve.versions[1]).toMatchObject({ owner: 'ops@example.com', file: 'criteria/resolve.yaml', publishedBy: null, effectiveFrom: '2026-01-01T00:00:00.000Z' });
    expect(resolve.versions[0].text).toMatch(/^within: 3h$/m);
    expect(resolve.draft).toMatch(/^within: 3h$/m);
    expect(resolve.draft).not.toMatch(/^(version|effective_from|change_notes):/m);
  });

  it('refuses an unsigned request', async () => {
    expect((await call(makeApp(), 'GET', '/ui/criteria', undefined, EDITOR, false)).status).toBe(401);
  });
});

describe('POST /ui/criteria/validate', () => {
  it('answers each problem at its field with validate\'s line, and the properties no subscription covers', async () => {
    const res = await call(makeApp(), 'POST', '/ui/criteria/validate', { text: draft({ success: "stage = 'closed' AND", priority: undefined }), changeNotes: '' });
    expect(res.status).toBe(200);
    expect(res.body.valid).toBe(false);
    expect(draftCheckSchema.safeParse(res.body).success).toBe(true);
    expect(res.body.problems.map((p: { field: string; line: string }) => [p.field, p.line])).toEqual([
      ['change_notes', 'change_notes: are required to publish: say what changed and why'],
      ['success', 'success: expected a value after AND at column 21'],
    ]);
    const uncovered = await call(makeApp(), 'POST', '/ui/criteria/validate', { text: draft({ success: "priority = 'HIGH'", effective_from: '2027-02-01T00:00:00Z' }), changeNotes: 'x' });
    expect(uncovered.body).toMatchObject({ valid: true, nextVersion: 3, uncovered: [{ object: 'ticket', property: 'priority' }], advice: expect.stringMatching(/outcome-billing hubspot subscriptions.*hs project upload/) });
  });
});

describe('POST /ui/criteria/publish', () => {
  const body = (o: Record<string, unknown> = {}) => ({ requestId: 'req-1', text: draft(), changeNotes: 'after v2', effectiveFrom: '2027-02-01T00:00:00Z', ...o });

  it('publishes the next version with who published it; a retry of the request gets the same answer, not a new version', async () => {
    const s = settings();
    const app = makeApp(s);
    const first = await call(app, 'POST', '/ui/criteria/publish', body());
    expect(first.status).toBe(201);
    expect(publishedSchema.safeParse(first.body).success).toBe(true);
    expect(first.body.version).toMatchObject({ id: 'resolve', version: 3, effectiveFrom: '2027-02-01T00:00:00.000Z', changeNotes: 'after v2', publishedBy: EDITOR, publishedAt: '2026-12-03T10:00:00.000Z' });
    const again = await call(app, 'POST', '/ui/criteria/publish', body());
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await s.store.readAll()).map((p) => p.version)).toEqual([3]);
    const other = await call(app, 'POST', '/ui/criteria/publish', body({ changeNotes: 'something else' }));
    expect(other.status).toBe(409);
    const listed = await call(app, 'GET', '/ui/criteria');
    expect(listed.body.criteria[0].versions[0]).toMatchObject({ version: 3, state: 'scheduled', source: 'hubspot', publishedBy: EDITOR, file: null });
  });

  it('answers 403 in JSON to a user who is not a criteria editor', async () => {
    const res = await call(makeApp(), 'POST', '/ui/criteria/publish', body(), STRANGER);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/^user 99 is not one of this portal's criteria editors/) });
  });

  it('answers 400 with the problems (an effective time in the past, no notes), and 409 for a version a file holds', async () => {
    const app = makeApp();
    const bad = await call(app, 'POST', '/ui/criteria/publish', body({ changeNotes: null, effectiveFrom: '2026-12-01T00:00:00Z' }));
    expect(bad.status).toBe(400);
    expect(bad.body.error.problems.map((p: { path: string[] }) => p.path[0])).toEqual(['change_notes', 'effective_from']);
    const clash = await call(app, 'POST', '/ui/criteria/publish', body({ requestId: 'req-2', text: draft({ version: 2 }) }));
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toBe('resolve@2 is already defined in criteria/resolve.yaml, so this draft cannot be it; the next version of resolve is v3');
  });
});
