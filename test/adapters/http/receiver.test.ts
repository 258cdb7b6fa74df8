// The HTTP edge end to end (supertest): every receiver answer over the in-memory store (the Redis store passes the same conformance suite), the read API, health, metrics, logs.
import { createHmac } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../../src/adapters/http/app.ts';
import type { HealthProbe } from '../../../src/adapters/http/app.ts';
import { createLogger } from '../../../src/adapters/logging/logger.ts';
import { createMetrics } from '../../../src/adapters/metrics/metrics.ts';
import type { Metrics } from '../../../src/adapters/metrics/metrics.ts';
import { createMemoryQuarantineStore } from '../../../src/adapters/memory/quarantine-store.ts';
import type { MemoryQuarantineStore } from '../../../src/adapters/memory/quarantine-store.ts';
import { createMemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import type { MemorySignalStore } from '../../../src/adapters/memory/signal-store.ts';
import { ingestBatch } from '../../../src/app/ingest-batch.ts';
import type { RecordRef, RecordScheduler } from '../../../src/app/ports.ts';
import { createOutcomeReader } from '../../../src/app/read-outcomes.ts';
import { run } from '../../support/scenario.ts';

const SECRET = 'client-secret-for-tests-0001';
const ADMIN = 'admin-token-for-tests-0123456789';
const BASE = 'https://billing.example.com';
const PORTAL = 62515;
const T = Date.parse('2026-11-03T12:00:00Z');
const PERSONAL = 'jane.doe+private@example.com';
const MAX_BODY = 4096;

// -------------------------------------------------------------------------------------------------
// Wiring: the real ingest use case and reader over the in-memory store
// -------------------------------------------------------------------------------------------------

let store: MemorySignalStore;
let quarantine: MemoryQuarantineStore;
let clock = T;
const wakes: { record: RecordRef; at: number }[] = [];
const logLines: Record<string, unknown>[] = [];
const health: { result: Awaited<ReturnType<HealthProbe['ready']>> | Error } = { result: { ok: true, checks: { redis: { ok: true } } } };
let metrics: Metrics;
let app: ReturnType<typeof createHttpApp>;

const scheduler: RecordScheduler = {
  async wake(record, at) {
    wakes.push({ record, at });
  },
  async wakeMany(items) {
    wakes.push(...items);
  },
};

const logger = createLogger({
  level: 'debug',
  name: 'test',
  destination: { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
});

const config = { publicBaseUrl: BASE, hubspotClientSecret: SECRET, adminToken: ADMIN, maxBodyBytes: MAX_BODY };

function makeApp(over: Partial<Parameters<typeof createHttpApp>[0]> = {}) {
  return createHttpApp({
    config,
    ingest: (batch) => ingestBatch({ store, scheduler, quarantine, clock: () => clock }, batch),
    reader: createOutcomeReader(store),
    quarantine,
    health: {
      ready: async () => {
        if (health.result instanceof Error) throw health.result;
        return health.result;
      },
    },
    metrics,
    logger,
    clock: () => clock,
    ...over,
  });
}

beforeAll(async () => {
  store = createMemorySignalStore({ clock: () => clock });
  quarantine = createMemoryQuarantineStore();
  metrics = createMetrics({ queueCounts: async () => ({ waiting: 2, active: 1 }), outcomeCounts: () => store.outcomeCounts() });
  app = makeApp();
});

beforeEach(() => {
  clock = T;
  wakes.length = 0;
  health.result = { ok: true, checks: { redis: { ok: true } } };
});

// -------------------------------------------------------------------------------------------------
// Requests as HubSpot sends them
// -------------------------------------------------------------------------------------------------

let nextEventId = 1000;

function event(over: Record<string, unknown> = {}): Record<string, unknown> {
  nextEventId += 1;
  return {
    eventId: nextEventId,
    subscriptionId: 77,
    portalId: PORTAL,
    appId: 4242,
    occurredAt: T - 60_000,
    subscriptionType: 'contact.propertyChange',
    attemptNumber: 0,
    objectId: 501,
    propertyName: 'email',
    propertyValue: PERSONAL,
    changeSource: 'CRM',
    ...over,
  };
}

/** HubSpot's recipe, computed here independently of the module under test. */
function sign(method: string, url: string, body: string, timestamp: string, secret = SECRET): string {
  return createHmac('sha256', secret).update(`${method}${url}${body}${timestamp}`, 'utf8').digest('base64');
}

interface Delivery {
  path?: string;
  /** The URL the signature covers; the public URL by default. */
  signedUrl?: string;
  timestamp?: number;
  secret?: string;
  omit?: 'signature' | 'timestamp' | 'both';
  signature?: string;
}

function deliver(body: string, d: Delivery = {}, target = app) {
  const path = d.path ?? '/webhooks/hubspot';
  const timestamp = String(d.timestamp ?? clock);
  const signature = d.signature ?? sign('POST', d.signedUrl ?? `${BASE}${path}`, body, timestamp, d.secret);
  let req = request(target).post(path).set('Content-Type', 'application/json');
  if (d.omit !== 'signature' && d.omit !== 'both') req = req.set('X-HubSpot-Signature-v3', signature);
  if (d.omit !== 'timestamp' && d.omit !== 'both') req = req.set('X-HubSpot-Request-Timestamp', timestamp);
  return req.send(body);
}

const ref = (recordId: string, objectType: RecordRef['objectType'] = 'contact'): RecordRef => ({ portalId: PORTAL, objectType, recordId });

/** Every error answer's body: `{ error: { code, message, problems } }`. */
const errorBody = (code: string, message: unknown = expect.any(String), problems: unknown[] = []) => ({ error: { code, message, problems } });

/** A 401 for a signature failure: its one problem names the header at fault and what is wrong with it. */
const SIGNATURE_FAULTS = {
  missing_signature: { code: 'required', path: ['x-hubspot-signature-v3'] },
  missing_timestamp: { code: 'required', path: ['x-hubspot-request-timestamp'] },
  stale_timestamp: { code: 'invalid_value', path: ['x-hubspot-request-timestamp'] },
  bad_signature: { code: 'invalid_value', path: ['x-hubspot-signature-v3'] },
} as const;
const signatureRefused = (failure: keyof typeof SIGNATURE_FAULTS) =>
  errorBody('invalid_signature', expect.any(String), [{ ...SIGNATURE_FAULTS[failure], message: expect.any(String) }]);

async function pendingCount(record: RecordRef): Promise<number> {
  return (await store.load(record, Number.POSITIVE_INFINITY)).pending.length;
}

const metricsText = async () => (await request(app).get('/metrics')).text;

// -------------------------------------------------------------------------------------------------
// POST /webhooks/hubspot
// -------------------------------------------------------------------------------------------------

describe('POST /webhooks/hubspot', () => {
  it('200: stores the signals of a signed batch, wakes their records, and counts a redelivery once', async () => {
    const batch = [
      event({ objectId: 601, propertyName: 'agent_started_at', propertyValue: '2026-11-03T11:59:00Z' }),
      event({ subscriptionType: 'deal.creation', objectId: 602, propertyName: undefined, propertyValue: undefined }),
    ];
    const body = JSON.stringify(batch);
    const first = await deliver(body);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toMatch(/^application\/json/);
    expect(first.body).toEqual({ accepted: 2, stored: 2, duplicates: 0, ignored: 0, quarantined: 0 });
    expect(await pendingCount(ref('601'))).toBe(1);
    expect(await pendingCount(ref('602', 'deal'))).toBe(1);
    expect(wakes.map((w) => `${w.record.objectType}:${w.record.recordId}`).sort()).toEqual(['contact:601', 'deal:602']);

    // HubSpot's retry: the same events with a higher attemptNumber, signed anew.
    const retry = JSON.stringify(batch.map((e) => ({ ...e, attemptNumber: 1 })));
    const second = await deliver(retry);
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ accepted: 2, stored: 0, duplicates: 2, ignored: 0, quarantined: 0 });
    expect(await pendingCount(ref('601'))).toBe(1);
  });

  it('200: answers a batch of events it deliberately ignores, and stores nothing', async () => {
    const body = JSON.stringify([
      event({ subscriptionType: 'company.propertyChange', objectId: 701 }),
      event({ subscriptionType: 'contact.associationChange', objectId: undefined, propertyName: undefined, propertyValue: undefined, fromObjectId: 1, toObjectId: 2 }),
      event({ subscriptionType: 'object.propertyChange', objectTypeId: '2-123', objectId: 702 }),
    ]);
    const res = await deliver(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 0, stored: 0, duplicates: 0, ignored: 3, quarantined: 0 });
    expect(wakes).toEqual([]);
    const text = await metricsText();
    expect(text).toMatch(/ob_webhook_events_total\{result="ignored",reason="unsupported_object_type"\} 2/);
    expect(text).toMatch(/ob_webhook_events_total\{result="ignored",reason="association_change"\} 1/);
  });

  it('200: an empty batch', async () => {
    const res = await deliver('[]');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 0, stored: 0, duplicates: 0, ignored: 0, quarantined: 0 });
  });

  it('200: verifies against the configured public URL with its query, decoding only the listed escapes', async () => {
    const body = JSON.stringify([event({ objectId: 611 })]);
    const path = '/webhooks/hubspot?source=crm%3Aprod&note=a%20b';
    const res = await deliver(body, { path, signedUrl: `${BASE}/webhooks/hubspot?source=crm:prod&note=a%20b` });
    expect(res.status).toBe(200);
    expect(res.body.stored).toBe(1);
  });

  it('401: a request without signature, without timestamp, or with neither', async () => {
    const body = JSON.stringify([event({ objectId: 621 })]);
    for (const [omit, reason] of [
      ['signature', 'missing_signature'],
      ['timestamp', 'missing_timestamp'],
      ['both', 'missing_signature'],
    ] as const) {
      const res = await deliver(body, { omit });
      expect(res.status, omit).toBe(401);
      expect(res.body).toEqual(signatureRefused(reason));
    }
    expect(await pendingCount(ref('621'))).toBe(0);
  });

  it('401: a wrong signature: another secret, a tampered body, the internal URL instead of the public one', async () => {
    const body = JSON.stringify([event({ objectId: 622 })]);
    const wrongSecret = await deliver(body, { secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body).toEqual(signatureRefused('bad_signature'));

    const signature = sign('POST', `${BASE}/webhooks/hubspot`, body, String(clock));
    const tampered = await deliver(body.replace('"objectId":622', '"objectId":623'), { signature });
    expect(tampered.body).toEqual(signatureRefused('bad_signature'));

    const internal = await deliver(body, { signedUrl: 'http://127.0.0.1:3000/webhooks/hubspot' });
    expect(internal.status).toBe(401);
    expect(internal.body).toEqual(signatureRefused('bad_signature'));
    expect(await pendingCount(ref('622'))).toBe(0);
    expect(await pendingCount(ref('623'))).toBe(0);
  });

  it('401: a signed request older than 5 minutes, or more than 5 minutes ahead', async () => {
    const body = JSON.stringify([event({ objectId: 624 })]);
    const old = await deliver(body, { timestamp: T - 5 * 60_000 - 1 });
    expect(old.status).toBe(401);
    expect(old.body).toEqual(signatureRefused('stale_timestamp'));
    const ahead = await deliver(body, { timestamp: T + 5 * 60_000 + 1 });
    expect(ahead.body).toEqual(signatureRefused('stale_timestamp'));
    const notANumber = await request(app)
      .post('/webhooks/hubspot')
      .set('X-HubSpot-Signature-v3', sign('POST', `${BASE}/webhooks/hubspot`, body, 'yesterday'))
      .set('X-HubSpot-Request-Timestamp', 'yesterday')
      .send(body);
    expect(notANumber.body).toEqual(signatureRefused('stale_timestamp'));
    expect(await pendingCount(ref('624'))).toBe(0);
  });

  it('401: a captured request replayed byte for byte more than 5 minutes later', async () => {
    const body = JSON.stringify([event({ objectId: 625 })]);
    const timestamp = String(T);
    const signature = sign('POST', `${BASE}/webhooks/hubspot`, body, timestamp);
    const replay = () =>
      request(app)
        .post('/webhooks/hubspot')
        .set('Content-Type', 'application/json')
        .set('X-HubSpot-Signature-v3', signature)
        .set('X-HubSpot-Request-Timestamp', timestamp)
        .send(body);

    expect((await replay()).status).toBe(200);
    clock = T + 5 * 60_000 + 1_000;
    const replayed = await replay();
    expect(replayed.status).toBe(401);
    expect(replayed.body).toEqual(signatureRefused('stale_timestamp'));
    expect(await pendingCount(ref('625'))).toBe(1);
  });

  it('400: a signed body that is not JSON, with where it breaks', async () => {
    const notJson = await deliver('not json');
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual(errorBody('invalid_json', 'invalid JSON at line 1, column 1 (position 0): unexpected character'));

    const broken = await deliver('[\n  {"eventId": 1,}\n]');
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual(errorBody('invalid_json', expect.stringMatching(/^invalid JSON at line 2, column 17 \(position 18\): expected a property name/)));

    const empty = await deliver('');
    expect(empty.status).toBe(400);
    expect(empty.body).toEqual(errorBody('invalid_json', expect.stringContaining('empty')));
  });

  it('400: a body that is not UTF-8', async () => {
    // Sent as octet-stream: supertest would serialise a Buffer under a JSON content type, and the receiver reads any type.
    const res = await request(app)
      .post('/webhooks/hubspot')
      .set('Content-Type', 'application/octet-stream')
      .set('X-HubSpot-Signature-v3', createHmac('sha256', SECRET).update(`POST${BASE}/webhooks/hubspot`).update(Buffer.from([0x5b, 0xff, 0x5d])).update(String(T)).digest('base64'))
      .set('X-HubSpot-Request-Timestamp', String(T))
      .send(Buffer.from([0x5b, 0xff, 0x5d]));
    expect(res.status).toBe(400);
    expect(res.body).toEqual(errorBody('invalid_json', 'the body is not UTF-8 text'));
  });

  it('400: JSON that is not an array of events; nothing stored', async () => {
    const notArray = await deliver(JSON.stringify({ events: [event({ objectId: 631 })] }));
    expect(notArray.status).toBe(400);
    expect(notArray.body).toEqual(
      errorBody('invalid_batch', expect.any(String), [{ code: 'invalid_type', path: ['events'], message: 'expected a JSON array of HubSpot webhook events' }]),
    );
    expect(await pendingCount(ref('631'))).toBe(0);
  });

  it('200: a signed batch with a malformed event stores the good ones and quarantines the bad one (it was 400, losing all)', async () => {
    const body = JSON.stringify([event({ objectId: 633 }), event({ eventId: 'x', occurredAt: undefined, objectId: 634 })]);
    const res = await deliver(body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, stored: 1, duplicates: 0, ignored: 0, quarantined: 1 });
    expect(await pendingCount(ref('633'))).toBe(1);
    expect(await pendingCount(ref('634'))).toBe(0);
    const { entries } = await quarantine.list(PORTAL, 10, clock);
    expect(entries[0]).toMatchObject({
      reason: 'invalid_event',
      receivedAt: T,
      problems: [
        { code: 'invalid_type', path: ['eventId'], message: 'expected an integer event id' },
        { code: 'required', path: ['occurredAt'], message: 'is required' },
      ],
      event: { eventId: 'x', objectId: 634 },
    });
  });

  it('413: a body above the limit, before any signature check', async () => {
    const big = JSON.stringify([event({ propertyValue: 'x'.repeat(MAX_BODY) })]);
    const signed = await deliver(big);
    expect(signed.status).toBe(413);
    expect(signed.body).toEqual(
      errorBody('payload_too_large', expect.stringContaining(String(MAX_BODY)), [{ code: 'too_big', path: [], message: expect.stringContaining(String(MAX_BODY)) }]),
    );

    const unsigned = await deliver(big, { omit: 'both' });
    expect(unsigned.status).toBe(413);
    expect(unsigned.body.error.code).toBe('payload_too_large');
  });

  it('503 with Retry-After: the store cannot take the signals, so HubSpot retries', async () => {
    // The Redis store's own refusal while Redis is unreachable is in the store conformance suite.
    const downStore = createMemorySignalStore();
    downStore.simulateOutage(true);
    const downApp = makeApp({ ingest: (batch) => ingestBatch({ store: downStore, scheduler }, batch) });
    const res = await deliver(JSON.stringify([event({ objectId: 641 })]), {}, downApp);
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).toEqual(errorBody('store_unavailable'));
    expect(wakes).toEqual([]);
    expect(await metricsText()).toMatch(/ob_webhook_rejected_requests_total\{reason="store_unavailable"\} 1/);
  });

  it('500 JSON, logged with its stack, when ingest fails unexpectedly', async () => {
    const broken = makeApp({
      ingest: async () => {
        throw new Error('boom in ingest');
      },
    });
    const res = await deliver(JSON.stringify([event()]), {}, broken);
    expect(res.status).toBe(500);
    expect(res.body).toEqual(errorBody('internal'));
    const line = logLines.find((l) => l['status'] === 500 && l['path'] === '/webhooks/hubspot');
    expect((line?.['err'] as { stack?: string } | undefined)?.stack).toContain('boom in ingest');
  });

  it('405 for another method on the webhook path', async () => {
    const res = await request(app).get('/webhooks/hubspot');
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('POST');
    expect(res.body).toEqual(errorBody('method_not_allowed', '/webhooks/hubspot takes POST only'));
  });

  it('counts requests by status and events by result', async () => {
    const text = await metricsText();
    expect(text).toMatch(/ob_webhook_requests_total\{status="200"\} \d+/);
    expect(text).toMatch(/ob_webhook_requests_total\{status="401"\} \d+/);
    expect(text).toMatch(/ob_webhook_requests_total\{status="413"\} 2/);
    expect(text).toMatch(/ob_webhook_events_total\{result="received"\} \d+/);
    expect(text).toMatch(/ob_webhook_events_total\{result="accepted"\} \d+/);
    expect(text).toMatch(/ob_webhook_events_total\{result="duplicate"\} 2/);
    expect(text).toMatch(/ob_webhook_events_total\{result="quarantined",reason="invalid_event"\} 1/);
    expect(text).toMatch(/ob_webhook_rejected_requests_total\{reason="invalid_batch"\} 1/);
    expect(text).toMatch(/ob_webhook_rejected_requests_total\{reason="invalid_signature:stale_timestamp"\} 4/);
    expect(text).toMatch(/ob_webhook_rejected_requests_total\{reason="payload_too_large"\} 2/);
  });
});

// -------------------------------------------------------------------------------------------------
// Issue 10: bounded deliveries, signatures over the bytes as sent, quarantine
// -------------------------------------------------------------------------------------------------

/** A delivery signed over exactly these bytes, with a Content-Encoding if given. */
function deliverBytes(bytes: Buffer, encoding: string | null, target = app, signedBytes: Buffer = bytes) {
  const timestamp = String(clock);
  const signature = createHmac('sha256', SECRET).update(`POST${BASE}/webhooks/hubspot`).update(signedBytes).update(timestamp).digest('base64');
  let req = request(target)
    .post('/webhooks/hubspot')
    .set('Content-Type', 'application/json')
    .set('X-HubSpot-Signature-v3', signature)
    .set('X-HubSpot-Request-Timestamp', timestamp);
  if (encoding !== null) req = req.set('Content-Encoding', encoding);
  // Sent as they are: superagent would serialise a Buffer under a JSON content type.
  return req.serialize((b: unknown) => b as string).send(bytes);
}

const contactEvent = (objectId: number, over: Record<string, unknown> = {}) =>
  event({ subscriptionType: 'contact.creation', objectId, propertyName: undefined, propertyValue: undefined, changeSource: undefined, appId: undefined, ...over });

describe('POST /webhooks/hubspot: events per delivery', () => {
  const bigBodies = { ...config, maxBodyBytes: 1_048_576 };

  it('413 with a JSON reason for more than 100 events by default; nothing of it is stored', async () => {
    const target = makeApp({ config: bigBodies });
    const over = Array.from({ length: 101 }, (_, i) => contactEvent(20_000 + i));
    const res = await deliver(JSON.stringify(over), {}, target);
    expect(res.status).toBe(413);
    expect(res.body).toEqual(
      errorBody('payload_too_large', 'the delivery holds 101 events, more than 100: nothing of it was stored', [
        { code: 'too_big', path: ['events'], message: 'must hold at most 100 events (MAX_BATCH_EVENTS)' },
      ]),
    );
    expect(await pendingCount(ref('20000'))).toBe(0);
    expect(await metricsText()).toMatch(/ob_webhook_rejected_requests_total\{reason="too_many_events"\} 1/);

    const exactly = await deliver(JSON.stringify(over.slice(0, 100)), {}, target);
    expect(exactly.status).toBe(200);
    expect(exactly.body.stored).toBe(100);
  });

  it('takes the limit from the configuration (MAX_BATCH_EVENTS)', async () => {
    const target = makeApp({ config: { ...bigBodies, maxBatchEvents: 2 } });
    const res = await deliver(JSON.stringify([contactEvent(20_201), contactEvent(20_202), contactEvent(20_203)]), {}, target);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toContain('more than 2');
    expect(await pendingCount(ref('20201'))).toBe(0);
  });
});

describe('POST /webhooks/hubspot: signatures over the bytes as received', () => {
  it('200: a gzip body signed over its compressed bytes is verified, then inflated and stored', async () => {
    const json = Buffer.from(JSON.stringify([contactEvent(21_001)]));
    const res = await deliverBytes(gzipSync(json), 'gzip');
    expect(res.status).toBe(200);
    expect(res.body.stored).toBe(1);
    expect(await pendingCount(ref('21001'))).toBe(1);
  });

  it('401: a gzip body whose signature covers the inflated JSON, bytes HubSpot did not send', async () => {
    const json = Buffer.from(JSON.stringify([contactEvent(21_002)]));
    const res = await deliverBytes(gzipSync(json), 'gzip', app, json);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(signatureRefused('bad_signature'));
    expect(await pendingCount(ref('21002'))).toBe(0);
  });

  it('401 before any inflation for an unsigned gzip bomb; 413 for a signed one that inflates past MAX_BODY_BYTES', async () => {
    const bomb = gzipSync(Buffer.alloc(3 * 1_048_576, 0x20));
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const unsigned = await request(app).post('/webhooks/hubspot').set('Content-Encoding', 'gzip').set('Content-Type', 'application/octet-stream').send(bomb);
    expect(unsigned.status).toBe(401);
    expect(unsigned.body).toEqual(signatureRefused('missing_signature'));

    const signed = await deliverBytes(bomb, 'gzip');
    expect(signed.status).toBe(413);
    expect(signed.body).toEqual(errorBody('payload_too_large', expect.stringContaining(String(MAX_BODY)), [{ code: 'too_big', path: [], message: expect.any(String) }]));
  });

  it('400 for a signed body that is not the gzip it says; 415 for an encoding the service does not read', async () => {
    const broken = await deliverBytes(Buffer.from('[not gzip]'), 'gzip');
    expect(broken.status).toBe(400);
    expect(broken.body).toEqual(errorBody('bad_request', 'the body cannot be read as gzip', [{ code: 'invalid_format', path: [], message: 'is not valid gzip data' }]));
    const other = await deliverBytes(Buffer.from('[]'), 'compress');
    expect(other.status).toBe(415);
    expect(other.body.error).toMatchObject({ code: 'unsupported_media_type', problems: [{ code: 'invalid_value', path: ['content-encoding'] }] });
  });
});

describe('POST /webhooks/hubspot: quarantine', () => {
  it('quarantines an event more than 24 h ahead of the clock instead of storing it; one 23 h ahead is stored', async () => {
    const res = await deliver(JSON.stringify([contactEvent(22_001, { occurredAt: T + 25 * 3_600_000 }), contactEvent(22_002, { occurredAt: T + 23 * 3_600_000 })]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, stored: 1, duplicates: 0, ignored: 0, quarantined: 1 });
    expect(await pendingCount(ref('22001'))).toBe(0);
    expect(await pendingCount(ref('22002'))).toBe(1);
    expect(wakes.map((w) => w.record.recordId)).toEqual(['22002']);
    const { entries } = await quarantine.list(PORTAL, 100, clock);
    expect(entries.find((e) => e.reason === 'future_event')).toMatchObject({ problems: [{ code: 'invalid_value', path: ['occurredAt'], message: expect.stringContaining('more than 24 h in the future') }], event: { objectId: 22_001 } });
  });

  it('quarantines an event of another portal; keeps a delivery HubSpot sends again once', async () => {
    const batch = [contactEvent(22_101), contactEvent(22_102, { portalId: 999 }), contactEvent(22_103, { objectId: -5 })];
    const before = (await quarantine.list(PORTAL, 1, clock)).total;
    const first = await deliver(JSON.stringify(batch));
    expect(first.body).toEqual({ accepted: 1, stored: 1, duplicates: 0, ignored: 0, quarantined: 2 });
    clock += 60_000;
    const again = await deliver(JSON.stringify(batch.map((e) => ({ ...e, attemptNumber: 1 }))));
    expect(again.body).toEqual({ accepted: 1, stored: 0, duplicates: 1, ignored: 0, quarantined: 2 });
    const after = await quarantine.list(PORTAL, 100, clock);
    expect(after.total).toBe(before + 2);
    const ours = after.entries.filter((e) => [22_102, -5].includes((e.event as { objectId: number }).objectId));
    // Kept once, at the time first received.
    expect(ours.map((e) => [e.reason, e.receivedAt]).sort()).toEqual([
      ['invalid_event', T],
      ['portal_conflict', T],
    ]);
  });

  it('files events that name no portal under unknown', async () => {
    const res = await deliver(JSON.stringify([{ hello: 'world' }]));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 0, stored: 0, duplicates: 0, ignored: 0, quarantined: 1 });
    expect((await quarantine.list(null, 5, clock)).entries[0]).toMatchObject({ reason: 'invalid_event', event: { hello: 'world' } });
  });

  it('401 and nothing stored or quarantined for a wrongly signed delivery with bad events', async () => {
    const before = (await quarantine.list(PORTAL, 1, clock)).total;
    const res = await deliver(JSON.stringify([contactEvent(22_201), contactEvent(22_202, { eventId: 'x' })]), { secret: 'not-the-secret' });
    expect(res.status).toBe(401);
    expect(await pendingCount(ref('22201'))).toBe(0);
    expect((await quarantine.list(PORTAL, 1, clock)).total).toBe(before);
  });

  it('503 when the quarantine cannot be written, so HubSpot retries', async () => {
    quarantine.simulateOutage(true);
    try {
      const res = await deliver(JSON.stringify([contactEvent(22_301), contactEvent(22_302, { eventId: 'x' })]));
      expect(res.status).toBe(503);
      expect(res.body).toEqual(errorBody('store_unavailable'));
    } finally {
      quarantine.simulateOutage(false);
    }
  });

  it('counts quarantined events by reason, and logs their paths without their values', async () => {
    const text = await metricsText();
    expect(text).toMatch(/ob_webhook_events_total\{result="quarantined",reason="future_event"\} 1/);
    expect(text).toMatch(/ob_webhook_events_total\{result="quarantined",reason="portal_conflict"\} 2/);
    const line = logLines.find((l) => l['quarantined'] === 1 && (l['quarantinedReasons'] as Record<string, number> | undefined)?.['future_event'] === 1);
    expect(line).toMatchObject({ status: 200, quarantinedPaths: ['events[0].occurredAt'] });
  });
});

describe('GET /api/quarantine', () => {
  const get = (path: string, token: string | null = ADMIN) => {
    const req = request(app).get(path);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('401 without the bearer token', async () => {
    const res = await get(`/api/quarantine?portalId=${PORTAL}`, null);
    expect(res.status).toBe(401);
    expect(res.body).toEqual(errorBody('unauthorized'));
  });

  it("200: the portal's quarantined events, newest first, with their reason and problems, and the total kept", async () => {
    const res = await get(`/api/quarantine?portalId=${PORTAL}&limit=1`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      portalId: PORTAL,
      total: expect.any(Number),
      quarantined: [{ receivedAt: expect.stringMatching(/^2026-11-03T/), reason: expect.any(String), problems: expect.any(Array), event: expect.anything() }],
    });
    expect(res.body.total).toBeGreaterThan(1);
    const unknown = await get('/api/quarantine?portalId=unknown');
    expect(unknown.body).toMatchObject({ portalId: null, total: 1, quarantined: [{ event: { hello: 'world' } }] });
    const none = await get('/api/quarantine?portalId=1');
    expect(none.body).toEqual({ portalId: 1, total: 0, quarantined: [] });
  });

  it('400 for a missing or bad portalId, or a bad limit, naming the parameter', async () => {
    for (const [path, param] of [
      ['/api/quarantine', 'portalId'],
      ['/api/quarantine?portalId=abc', 'portalId'],
      [`/api/quarantine?portalId=${PORTAL}&limit=0`, 'limit'],
      [`/api/quarantine?portalId=${PORTAL}&limit=1&limit=2`, 'limit'],
    ] as const) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toEqual(errorBody('bad_request', expect.any(String), [{ code: expect.any(String), path: [param], message: expect.any(String) }]));
    }
  });
});

// -------------------------------------------------------------------------------------------------
// Read API
// -------------------------------------------------------------------------------------------------

describe('GET /api/outcomes', () => {
  let outcomeId: string;

  beforeAll(async () => {
    // A ticket press then success: one outcome, committed as a worker would.
    const sim = run([
      { at: 0, record: '9001', set: { agent_started_at: '2026-11-03T10:00:00Z' } },
      { at: 10, record: '9001', set: { stage: 'closed' } },
    ]);
    const state = sim.states.get('ticket:9001')!;
    outcomeId = state.outcomes[0]!.outcomeId;
    const committed = await store.commit({ record: { portalId: PORTAL, objectType: 'ticket', recordId: '9001' }, version: 0, state, applied: [], nextTimerAt: null, writeDueAt: clock, statusesBefore: [] });
    expect(committed.ok).toBe(true);
  });

  const get = (path: string, token: string | null = ADMIN) => {
    const req = request(app).get(path);
    return token === null ? req : req.set('Authorization', `Bearer ${token}`);
  };

  it('401 without a token, with a wrong one, or another scheme', async () => {
    const none = await get('/api/outcomes?objectType=ticket&recordId=9001', null);
    expect(none.status).toBe(401);
    expect(none.body).toEqual(errorBody('unauthorized'));
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);

    const wrong = await get('/api/outcomes?objectType=ticket&recordId=9001', 'admin-token-for-tests-0123456780');
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer/);

    const short = await get(`/api/outcomes/${encodeURIComponent(outcomeId)}`, 'x');
    expect(short.status).toBe(401);

    const basic = await request(app).get('/api/outcomes?objectType=ticket&recordId=9001').set('Authorization', `Basic ${ADMIN}`);
    expect(basic.status).toBe(401);
  });

  it('200: the outcomes of a record, in the simulate shape', async () => {
    const res = await get(`/api/outcomes?objectType=ticket&recordId=9001&portalId=${PORTAL}`);
    expect(res.status).toBe(200);
    expect(res.body.outcomes).toHaveLength(1);
    expect(res.body.outcomes[0]).toMatchObject({ outcomeId, status: 'billable', criteriaId: 'resolve' });
    expect(res.body.outcomes[0].trail).toBeUndefined();
  });

  it('200: an empty list for a record without outcomes', async () => {
    const res = await get(`/api/outcomes?objectType=ticket&recordId=424242&portalId=${PORTAL}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ outcomes: [] });
  });

  it('200: one outcome with its audit trail', async () => {
    const res = await get(`/api/outcomes/${encodeURIComponent(outcomeId)}?portalId=${PORTAL}`);
    expect(res.status).toBe(200);
    expect(res.body.outcomeId).toBe(outcomeId);
    expect(Array.isArray(res.body.trail)).toBe(true);
    expect(res.body.trail.length).toBeGreaterThan(0);
  });

  it('400 for bad parameters, naming the parameter', async () => {
    const cases: [string, string][] = [
      ['/api/outcomes?recordId=9001', 'objectType'],
      ['/api/outcomes?objectType=company&recordId=9001', 'objectType'],
      ['/api/outcomes?objectType=ticket&recordId=abc', 'recordId'],
      ['/api/outcomes?objectType=ticket&recordId=1&recordId=2', 'recordId'],
      ['/api/outcomes?objectType=ticket&recordId=9001&portalId=x', 'portalId'],
      ['/api/outcomes/not-an-outcome-id', 'outcomeId'],
    ];
    for (const [path, param] of cases) {
      const res = await get(path);
      expect(res.status, path).toBe(400);
      expect(res.body, path).toEqual(errorBody('bad_request', expect.any(String), [{ code: expect.any(String), path: [param], message: expect.any(String) }]));
    }
  });

  it('404 for an unknown outcome', async () => {
    const res = await get(`/api/outcomes/${encodeURIComponent('resolve:ticket:9001:2020-01-01#7')}?portalId=${PORTAL}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(
      errorBody('not_found', expect.stringContaining('no outcome'), [{ code: 'not_found', path: ['outcomeId'], message: expect.stringContaining('no outcome') }]),
    );
  });
});

// -------------------------------------------------------------------------------------------------
// Operations and fallbacks
// -------------------------------------------------------------------------------------------------

describe('operations', () => {
  it('GET /healthz: the process is alive', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz: 200 with the checks when ready, 503 when not, 503 when the check itself fails', async () => {
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { redis: { ok: true } } });

    health.result = { ok: false, checks: { redis: { ok: true }, workers: { ok: false, detail: 'no heartbeat for 120 s' } } };
    const notReady = await request(app).get('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ status: 'not_ready', checks: health.result.checks });

    health.result = new Error('redis ping timed out');
    const failing = await request(app).get('/readyz');
    expect(failing.status).toBe(503);
    expect(failing.body.status).toBe('not_ready');
  });

  it('GET /metrics: Prometheus text with the gauges read at scrape time and process metrics', async () => {
    const res = await request(app).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(/ob_queue_jobs\{state="waiting"\} 2/);
    expect(res.text).toMatch(/ob_outcomes\{status="billable"\} 1/);
    expect(res.text).toContain('# TYPE ob_decision_duration_seconds histogram');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('GET /metrics still answers when a scrape-time read fails, and counts the failure', async () => {
    const failing = createMetrics({
      defaultMetrics: false,
      queueCounts: async () => {
        throw new Error('redis down');
      },
    });
    failing.lateSignals.inc();
    const res = await request(makeApp({ metrics: failing })).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/ob_metrics_collect_failures_total\{gauge="ob_queue_jobs"\} 1/);
    expect(res.text).toMatch(/ob_late_signals_total 1/);
    expect(res.text).not.toMatch(/ob_queue_jobs\{/);
  });

  it('404 JSON for an unknown route, never an HTML page', async () => {
    const res = await request(app).get('/nope/unique-404-path');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(errorBody('not_found', 'no route GET /nope/unique-404-path'));
  });

  it('400 JSON for a malformed escape in a route parameter', async () => {
    const res = await request(app).get('/api/outcomes/%E0%A4%A').set('Authorization', `Bearer ${ADMIN}`);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(errorBody('bad_request'));
  });
});

describe('logs', () => {
  it('log every answer once, with method, path, status and duration', () => {
    const lines = logLines.filter((l) => l['path'] === '/nope/unique-404-path');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ method: 'GET', status: 404, msg: 'answered', durationMs: expect.any(Number) });
  });

  it('log the portal and event counts of an accepted batch', () => {
    const accepted = logLines.find((l) => l['path'] === '/webhooks/hubspot' && l['status'] === 200 && l['stored'] === 2);
    expect(accepted).toMatchObject({ portalId: PORTAL, events: 2, accepted: 2, duplicates: 0, ignored: 0 });
    const rejected = logLines.find((l) => l['reason'] === 'invalid_signature:bad_signature');
    expect(rejected).toMatchObject({ status: 401, level: 'warn' });
  });

  it('never log a signature, the secret, a token, the Authorization header or a property value', () => {
    const text = logLines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(ADMIN);
    expect(text).not.toContain(PERSONAL);
    expect(text).not.toMatch(/authorization/i);
    expect(text).not.toMatch(/x-hubspot-signature/i);
    expect(text).not.toMatch(/[A-Za-z0-9+/]{43}=/); // a base64 SHA-256 digest
  });

  it('redact secrets a caller passes by mistake', () => {
    const before = logLines.length;
    logger.info({ config: { adminToken: ADMIN, hubspotClientSecret: SECRET }, headers: { authorization: `Bearer ${ADMIN}` } }, 'oops');
    const written = JSON.stringify(logLines.slice(before));
    expect(written).not.toContain(ADMIN);
    expect(written).not.toContain(SECRET);
    expect(written).toContain('[redacted]');
  });
});

