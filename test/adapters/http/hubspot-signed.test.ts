// hubspotSigned() alone: real v3 signatures in, verified facts (body, portal, user) on the request or a refusal out.
import { deflateSync, gzipSync } from 'node:zlib';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/adapters/http/errors.ts';
import { InvalidSignatureError, hubspotSigned, signedRequest } from '../../../src/adapters/http/hubspot-signed.ts';
import type { HubSpotSignedOptions } from '../../../src/adapters/http/hubspot-signed.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';

const SECRET = 'client-secret-for-signed-tests';
const BASE = 'https://billing.example.com/prefix';
const NOW = Date.parse('2026-11-03T12:00:00Z');
const MAX_BODY = 1024;

/** A bare app: the middleware, a route echoing what it verified, and an error handler that shows what reached `next`. */
function appWith(caller: HubSpotSignedOptions['caller']) {
  const app = express();
  app.all('/hook', hubspotSigned({ publicBaseUrl: BASE, secret: SECRET, clock: () => NOW, maxBodyBytes: MAX_BODY, caller }), (_req, res) => {
    const { body, caller: who } = signedRequest(res);
    res.json({ body: body.toString('utf8'), caller: who });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof HttpError) {
      res.status(error.status).json({ ...error.body, failure: error instanceof InvalidSignatureError ? error.failure : null });
      return;
    }
    const e = error as { status?: number; type?: string };
    res.status(e.status ?? 500).json({ raw: e.type ?? 'unknown' });
  });
  return app;
}

interface Send {
  method?: 'GET' | 'POST';
  path?: string;
  body?: string;
  timestamp?: number;
  secret?: string;
  /** The URL the signature covers; the public URL of `path` by default. */
  signedUrl?: string;
  unsigned?: boolean;
}

/** Sends as HubSpot would, signing with the module's own signer (its recipe is checked against vectors elsewhere). */
function send(app: express.Express, s: Send = {}) {
  const method = s.method ?? 'POST';
  const path = s.path ?? '/hook';
  const body = s.body ?? (method === 'GET' ? '' : '[{"eventId":1}]');
  const timestamp = String(s.timestamp ?? NOW);
  const signature = signHubSpotV3({ method, url: s.signedUrl ?? BASE + path, rawBody: body, timestamp, secret: s.secret ?? SECRET });
  let req = method === 'GET' ? request(app).get(path) : request(app).post(path).set('Content-Type', 'application/json');
  if (!s.unsigned) req = req.set(SIGNATURE_HEADER, signature).set(TIMESTAMP_HEADER, timestamp);
  return method === 'GET' ? req : req.send(body);
}

describe('hubspotSigned() for webhooks', () => {
  const app = appWith('webhook');

  it('passes a validly signed request on, with the body bytes as signed', async () => {
    const res = await send(app, { body: '[ {"eventId": 1} ]' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: '[ {"eventId": 1} ]', caller: { kind: 'webhook' } });
  });

  it('refuses an unsigned request: 401, the signature header required', async () => {
    const res = await send(app, { unsigned: true });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: { code: 'invalid_signature', message: expect.any(String), problems: [{ code: 'required', path: [SIGNATURE_HEADER], message: expect.any(String) }] },
      failure: 'missing_signature',
    });
  });

  it('refuses a wrong signature: another secret, or a body changed after signing', async () => {
    const wrongSecret = await send(app, { secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.failure).toBe('bad_signature');
    expect(wrongSecret.body.error.problems).toEqual([{ code: 'invalid_value', path: [SIGNATURE_HEADER], message: expect.any(String) }]);

    const signature = signHubSpotV3({ method: 'POST', url: `${BASE}/hook`, rawBody: '[1]', timestamp: String(NOW), secret: SECRET });
    const tampered = await request(app).post('/hook').set(SIGNATURE_HEADER, signature).set(TIMESTAMP_HEADER, String(NOW)).send('[2]');
    expect(tampered.body.failure).toBe('bad_signature');
  });

  it('refuses a stale request, signed correctly but more than 5 minutes old', async () => {
    const res = await send(app, { timestamp: NOW - 5 * 60_000 - 1 });
    expect(res.status).toBe(401);
    expect(res.body.failure).toBe('stale_timestamp');
    expect(res.body.error.problems).toEqual([{ code: 'invalid_value', path: [TIMESTAMP_HEADER], message: expect.any(String) }]);
  });

  it('verifies against the configured public URL, not the one the request reached', async () => {
    const res = await send(app, { signedUrl: 'http://127.0.0.1:3000/hook' });
    expect(res.body.failure).toBe('bad_signature');
  });

  it('verifies an encoded body over its bytes as received, then hands the route the decoded content', async () => {
    const json = Buffer.from('[{"eventId": 7}]');
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
    ] as const) {
      const timestamp = String(NOW);
      const signed = (over: Buffer) => signHubSpotV3({ method: 'POST', url: `${BASE}/hook`, rawBody: over, timestamp, secret: SECRET });
      const post = (signature: string) =>
        request(app)
          .post('/hook')
          .set('Content-Type', 'application/octet-stream')
          .set('Content-Encoding', encoding)
          .set(SIGNATURE_HEADER, signature)
          .set(TIMESTAMP_HEADER, timestamp)
          .send(bytes);
      const ok = await post(signed(bytes));
      expect(ok.status, encoding).toBe(200);
      expect(ok.body.body, encoding).toBe(json.toString('utf8'));
      // A signature over the decoded content is over bytes the sender did not send.
      const decodedSigned = await post(signed(json));
      expect(decodedSigned.body.failure, encoding).toBe('bad_signature');
    }
  });

  it('passes a body above the limit to next untouched, before any signature check', async () => {
    const res = await send(app, { body: JSON.stringify(['x'.repeat(MAX_BODY)]), unsigned: true });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ raw: 'entity.too.large' });
  });
});

describe('hubspotSigned() for UI extension calls (hubspot.fetch)', () => {
  const app = appWith('ui');
  const identity = 'portalId=62515&userId=7&userEmail=jane%40example.com&appId=4242';

  it('attaches the portal and user of the signed URL, whatever the body says', async () => {
    const res = await send(app, { path: `/hook?${identity}`, body: '{"portalId":999,"userId":1}' });
    expect(res.status).toBe(200);
    expect(res.body.caller).toEqual({ kind: 'ui', portalId: 62515, userId: 7, userEmail: 'jane@example.com', appId: 4242 });
  });

  it('verifies a GET without a body', async () => {
    const res = await send(app, { method: 'GET', path: `/hook?${identity}` });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ body: '', caller: expect.objectContaining({ portalId: 62515, userId: 7 }) });
  });

  it('refuses a URL whose portal was changed after signing', async () => {
    const res = await send(app, { path: '/hook?portalId=1&userId=7', signedUrl: `${BASE}/hook?portalId=62515&userId=7` });
    expect(res.status).toBe(401);
    expect(res.body.failure).toBe('bad_signature');
  });

  it('refuses a signed URL without the portal and user, or with one given twice (400, each parameter named)', async () => {
    const missing = await send(app, { path: '/hook?userEmail=jane%40example.com' });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toEqual({
      code: 'bad_request',
      message: expect.any(String),
      problems: [
        { code: 'required', path: ['portalId'], message: expect.any(String) },
        { code: 'required', path: ['userId'], message: expect.any(String) },
      ],
    });
    const twice = await send(app, { path: '/hook?portalId=1&portalId=2&userId=x' });
    expect(twice.body.error.problems).toEqual([
      { code: 'invalid_value', path: ['portalId'], message: 'must be given once' },
      { code: 'invalid_format', path: ['userId'], message: expect.any(String) },
    ]);
  });

  it('still refuses an unsigned call before looking at its parameters', async () => {
    const res = await send(app, { path: `/hook?${identity}`, unsigned: true });
    expect(res.status).toBe(401);
    expect(res.body.failure).toBe('missing_signature');
  });
});

describe('signedRequest()', () => {
  it('throws for a route that is not behind hubspotSigned()', async () => {
    const app = express();
    app.get('/open', (_req, res) => {
      res.json(signedRequest(res));
    });
    app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
      res.status(500).json({ message: error.message });
    });
    const res = await request(app).get('/open');
    expect(res.body.message).toMatch(/not behind hubspotSigned/);
  });
});
