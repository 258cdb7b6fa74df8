// The HubSpot client: auth and transport through @hubspot/api-client, one request per call (no SDK retries), and an error class per kind of failure.
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHubSpotRequest, HUBSPOT_API_VERSION, requestJson, versionedPath } from '../../../src/adapters/hubspot/client.ts';
import {
  HubSpotRateLimitedError,
  HubSpotRejectedError,
  HubSpotServerError,
  HubSpotUnavailableError,
  HubSpotUnexpectedResponseError,
} from '../../../src/app/hubspot-errors.ts';

const BASE = 'https://api.hubapi.com';
const TOKEN = 'pat-na1-client-test-token';
const request = createHubSpotRequest({ accessToken: TOKEN });

beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (e) {
    expect(String((e as Error).message)).not.toContain(TOKEN);
    return e as Error;
  }
  throw new Error('expected the call to fail');
}

describe('HubSpot client', () => {
  it('builds date-versioned paths from one constant', () => {
    expect(HUBSPOT_API_VERSION).toBe('2026-09');
    expect(versionedPath('crm/properties', 'contacts', 'groups')).toBe('/crm/properties/2026-09/contacts/groups');
    expect(versionedPath('/crm-object-schemas/', 'schemas', '2-1', 'associations')).toBe('/crm-object-schemas/2026-09/schemas/2-1/associations');
    expect(versionedPath('crm/objects', 'p1_a b')).toBe('/crm/objects/2026-09/p1_a%20b');
  });

  it('sends the bearer token and a JSON body, and returns status, lower-case headers and the parsed body', async () => {
    nock(BASE, { reqheaders: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } })
      .post('/crm/properties/2026-09/contacts', { name: 'ob_x' })
      .reply(201, { name: 'ob_x' }, { 'X-HubSpot-RateLimit-Remaining': '99' });
    const response = await request('POST', '/crm/properties/2026-09/contacts', { name: 'ob_x' });
    expect(response).toEqual({ status: 201, headers: expect.objectContaining({ 'x-hubspot-ratelimit-remaining': '99' }), body: { name: 'ob_x' } });
  });

  it('reads an empty 204 as no body', async () => {
    nock(BASE).delete('/crm/properties/2026-09/contacts/ob_x').reply(204);
    expect((await request('DELETE', '/crm/properties/2026-09/contacts/ob_x')).body).toBeUndefined();
  });

  it('checks a 2xx body with the call site schema', async () => {
    nock(BASE).get('/crm-object-schemas/2026-09/schemas').reply(200, { results: 'nope' });
    const e = await failure(requestJson(request, 'GET', '/crm-object-schemas/2026-09/schemas', z.object({ results: z.array(z.unknown()) })));
    expect(e).toBeInstanceOf(HubSpotUnexpectedResponseError);
    expect((e as HubSpotUnexpectedResponseError).problems[0]?.path).toEqual(['results']);
  });

  it('429: rate limited, with the policy and how long to wait (one request: the SDK does not retry)', async () => {
    nock(BASE)
      .get('/crm/properties/2026-09/deals')
      .once()
      .reply(429, { status: 'error', message: 'You have reached your ten_secondly_rolling limit.', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' }, {
        'X-HubSpot-RateLimit-Interval-Milliseconds': '10000',
      });
    const e = await failure(request('GET', '/crm/properties/2026-09/deals'));
    expect(e).toBeInstanceOf(HubSpotRateLimitedError);
    expect(e).toMatchObject({ status: 429, policyName: 'TEN_SECONDLY_ROLLING', retryAfterMs: 10_000 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('429: a Retry-After header wins; a daily limit waits an hour', async () => {
    nock(BASE).get('/a/2026-09/x').reply(429, { policyName: 'SECONDLY' }, { 'Retry-After': '3' });
    nock(BASE).get('/a/2026-09/y').reply(429, { policyName: 'DAILY' });
    expect(await failure(request('GET', '/a/2026-09/x'))).toMatchObject({ retryAfterMs: 3000 });
    expect(await failure(request('GET', '/a/2026-09/y'))).toMatchObject({ retryAfterMs: 3_600_000, policyName: 'DAILY' });
  });

  it('5xx: a server error, sent once', async () => {
    nock(BASE).get('/crm/properties/2026-09/tickets').once().reply(502, { message: 'Bad gateway', correlationId: 'c-1' });
    const e = await failure(request('GET', '/crm/properties/2026-09/tickets'));
    expect(e).toBeInstanceOf(HubSpotServerError);
    expect(e).toMatchObject({ status: 502, hubspotMessage: 'Bad gateway', correlationId: 'c-1' });
  });

  it("4xx: rejected, with HubSpot's message, category and details", async () => {
    nock(BASE)
      .post('/crm/properties/2026-09/contacts')
      .reply(400, {
        status: 'error',
        message: 'Property values were not valid',
        correlationId: 'c-2',
        category: 'VALIDATION_ERROR',
        subCategory: 'PropertyValidationError.INVALID_OPTION',
        errors: [{ message: 'bad option' }],
      });
    const e = await failure(request('POST', '/crm/properties/2026-09/contacts', { a: 1 }));
    expect(e).toBeInstanceOf(HubSpotRejectedError);
    expect(e).toMatchObject({ status: 400, category: 'VALIDATION_ERROR', subCategory: 'PropertyValidationError.INVALID_OPTION', hubspotMessage: 'Property values were not valid', details: ['bad option'], retryAfterMs: null });
    expect(e.message).toBe('HubSpot POST /crm/properties/2026-09/contacts: HubSpot refused it (400 VALIDATION_ERROR/PropertyValidationError.INVALID_OPTION): Property values were not valid');
  });

  it('423 Locked is rejected but says when to retry', async () => {
    nock(BASE).post('/crm/objects/2026-09/contacts/batch/upsert').reply(423, { message: 'locked' });
    expect(await failure(request('POST', '/crm/objects/2026-09/contacts/batch/upsert', { inputs: [] }))).toMatchObject({ status: 423, retryAfterMs: 2000 });
  });

  it('no answer: unavailable, whatever the cause', async () => {
    // No interceptor and no network: the connection itself fails.
    const e = await failure(request('GET', '/crm/properties/2026-09/contacts'));
    expect(e).toBeInstanceOf(HubSpotUnavailableError);
    expect(e.message).toMatch(/^HubSpot GET \/crm\/properties\/2026-09\/contacts: no answer from HubSpot/);
  });

  it('a slow answer times out as unavailable', async () => {
    const slow = createHubSpotRequest({ accessToken: TOKEN, timeoutMs: 50 });
    nock(BASE).get('/slow').delay(500).reply(200, {});
    const e = await failure(slow('GET', '/slow'));
    expect(e).toBeInstanceOf(HubSpotUnavailableError);
    expect(e.message).toContain('no answer within 50 ms');
  });

  it('uses another base URL when given one', async () => {
    nock('http://127.0.0.1:4011').get('/hs/crm/properties/2026-09/deals').reply(200, { results: [] });
    const local = createHubSpotRequest({ accessToken: TOKEN, baseUrl: 'http://127.0.0.1:4011/hs/' });
    expect((await local('GET', '/crm/properties/2026-09/deals')).body).toEqual({ results: [] });
  });
});
