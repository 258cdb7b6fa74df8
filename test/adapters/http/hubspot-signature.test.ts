// HubSpot v3 signatures: vectors computed independently (openssl, node:crypto), URI decoding, every failure reason.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { MAX_SIGNATURE_AGE_MS, signHubSpotV3, signedUri, verifyHubSpotV3 } from '../../../src/adapters/http/hubspot-signature.ts';

// Wrapped, not replaced: the verifier must still compare for real, and the test sees each call.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const NOW = 1762164000000; // 2025-11-03T10:00:00Z
const TS = String(NOW);
const TARGET = 'https://billing.example.com/webhooks/hubspot?portal=62515';
const BODY = '[{"eventId":1}]';

/** HubSpot's recipe, written out independently of the module under test. */
const reference = (method: string, uri: string, body: string, timestamp: string, secret = SECRET) =>
  createHmac('sha256', secret).update(`${method}${uri}${body}${timestamp}`, 'utf8').digest('base64');

const valid = (over: Partial<Parameters<typeof verifyHubSpotV3>[0]> = {}) => ({
  method: 'POST',
  url: TARGET,
  rawBody: Buffer.from(BODY),
  signature: reference('POST', TARGET, BODY, TS),
  timestamp: TS,
  secret: SECRET,
  now: NOW,
  ...over,
});

beforeEach(() => {
  vi.mocked(timingSafeEqual).mockClear();
});

describe('signHubSpotV3', () => {
  it('matches a vector computed with openssl', () => {
    // printf '%s' 'POSThttps://billing.example.com/webhooks/hubspot?portal=62515[{"eventId":1}]1762164000000' \
    //   | openssl dgst -sha256 -hmac 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy' -binary | base64
    expect(signHubSpotV3({ method: 'POST', url: TARGET, rawBody: BODY, timestamp: TS, secret: SECRET })).toBe(
      'KNtu2U9tmzl7Iy5eo+71VR0+fGclnXRUdJtqC75Qfc0=',
    );
  });

  it('matches node:crypto over method + URI + body + timestamp, for bodies as bytes or text', () => {
    const body = '[{"propertyValue":"Zoë Ångström ✓"}]';
    const expected = reference('POST', TARGET, body, TS);
    expect(signHubSpotV3({ method: 'POST', url: TARGET, rawBody: body, timestamp: TS, secret: SECRET })).toBe(expected);
    expect(signHubSpotV3({ method: 'POST', url: TARGET, rawBody: Buffer.from(body, 'utf8'), timestamp: TS, secret: SECRET })).toBe(expected);
  });

  it('signs an empty body (a GET card request) as method + URI + timestamp', () => {
    expect(signHubSpotV3({ method: 'get', url: TARGET, rawBody: '', timestamp: TS, secret: SECRET })).toBe(reference('GET', TARGET, '', TS));
  });

  it('signs the URI with only the listed escapes decoded (vector computed with openssl)', () => {
    // printf '%s' 'GEThttps://billing.example.com/cards/data?a=b:c/d&e=f%20g1762164000000' | openssl dgst ... | base64
    const url = 'https://billing.example.com/cards/data?a=b%3Ac%2Fd&e=f%20g';
    expect(signHubSpotV3({ method: 'GET', url, rawBody: '', timestamp: TS, secret: SECRET })).toBe('EOsfjIbQNYVxoUQPJ20anzITHHBQthb3X+XNyxW2Ht0=');
  });
});

describe('signedUri', () => {
  it('decodes exactly %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B', () => {
    expect(signedUri('https://x.test/p?q=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe("https://x.test/p?q=:/?@!$'()*,;");
  });

  it('decodes lowercase hex the same way (an escape is case-insensitive)', () => {
    expect(signedUri('https://x.test/p?q=%3a%2f%2c')).toBe('https://x.test/p?q=:/,');
  });

  it('leaves every other escape encoded: space, %, &, =, +, #, non-ASCII', () => {
    const url = 'https://x.test/p?q=a%20b%25c%26d%3De%2Bf%23g%C3%A9';
    expect(signedUri(url)).toBe(url);
  });

  it('does not decode twice: %253A is a literal "%3A" and stays', () => {
    expect(signedUri('https://x.test/p?q=%253A')).toBe('https://x.test/p?q=%253A');
  });

  it('is what the verifier signs: a signature over the fully decoded TARGET does not verify', () => {
    const url = 'https://billing.example.com/webhooks/hubspot?src=crm%3Aprod&note=a%20b';
    const hubspot = reference('POST', 'https://billing.example.com/webhooks/hubspot?src=crm:prod&note=a%20b', BODY, TS);
    expect(verifyHubSpotV3(valid({ url, signature: hubspot }))).toEqual({ ok: true });
    const overDecoded = reference('POST', decodeURIComponent(url), BODY, TS);
    expect(verifyHubSpotV3(valid({ url, signature: overDecoded }))).toEqual({ ok: false, reason: 'bad_signature' });
    const undecoded = reference('POST', url, BODY, TS);
    expect(verifyHubSpotV3(valid({ url, signature: undecoded }))).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('verifyHubSpotV3', () => {
  it('accepts a request signed by the recipe', () => {
    expect(verifyHubSpotV3(valid())).toEqual({ ok: true });
  });

  it('accepts a request exactly 5 minutes old, and one 5 minutes ahead (clock skew)', () => {
    expect(verifyHubSpotV3(valid({ now: NOW + MAX_SIGNATURE_AGE_MS }))).toEqual({ ok: true });
    expect(verifyHubSpotV3(valid({ now: NOW - MAX_SIGNATURE_AGE_MS }))).toEqual({ ok: true });
  });

  it('rejects a missing signature first, then a missing timestamp', () => {
    expect(verifyHubSpotV3(valid({ signature: undefined, timestamp: undefined }))).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyHubSpotV3(valid({ signature: '' }))).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyHubSpotV3(valid({ timestamp: undefined }))).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verifyHubSpotV3(valid({ timestamp: null }))).toEqual({ ok: false, reason: 'missing_timestamp' });
  });

  it('rejects a request older than 5 minutes even with a correct signature (a replay)', () => {
    expect(verifyHubSpotV3(valid({ now: NOW + MAX_SIGNATURE_AGE_MS + 1 }))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyHubSpotV3(valid({ now: NOW + 24 * 3_600_000 }))).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('rejects a timestamp more than 5 minutes in the future', () => {
    const ahead = String(NOW + MAX_SIGNATURE_AGE_MS + 1);
    expect(verifyHubSpotV3(valid({ timestamp: ahead, signature: reference('POST', TARGET, BODY, ahead) }))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('rejects a timestamp that is not epoch milliseconds', () => {
    for (const ts of ['abc', '1762164000000.0', '-1762164000000', ' 1762164000000', '1e12', '99999999999999999999']) {
      expect(verifyHubSpotV3(valid({ timestamp: ts, signature: reference('POST', TARGET, BODY, ts) })), ts).toEqual({
        ok: false,
        reason: 'stale_timestamp',
      });
    }
  });

  it('rejects a timestamp changed after signing (it is part of the signed string)', () => {
    expect(verifyHubSpotV3(valid({ timestamp: String(NOW + 1) }))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a tampered body, even by one byte or one trailing newline', () => {
    expect(verifyHubSpotV3(valid({ rawBody: Buffer.from('[{"eventId":2}]') }))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyHubSpotV3(valid({ rawBody: Buffer.from(`${BODY}\n`) }))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects the wrong secret, another method, another TARGET', () => {
    expect(verifyHubSpotV3(valid({ secret: 'another-secret' }))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyHubSpotV3(valid({ method: 'PUT' }))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyHubSpotV3(valid({ url: 'http://10.0.0.5:3000/webhooks/hubspot?portal=62515' }))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a v1/v2-style hex digest and base64 that only decodes to the same bytes', () => {
    const hex = createHmac('sha256', SECRET).update(`POST${TARGET}${BODY}${TS}`).digest('hex');
    expect(verifyHubSpotV3(valid({ signature: hex }))).toEqual({ ok: false, reason: 'bad_signature' });
    // Node's base64 decoder skips junk; the comparison is over the text, so junk is not ignored.
    expect(verifyHubSpotV3(valid({ signature: `${reference('POST', TARGET, BODY, TS)}!` }))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('never accepts under an empty secret', () => {
    const signature = reference('POST', TARGET, BODY, TS, '');
    expect(verifyHubSpotV3(valid({ secret: '', signature }))).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('compares in constant time, over equal-length buffers, also when the lengths differ', () => {
    const compare = vi.mocked(timingSafeEqual);
    expect(verifyHubSpotV3(valid({ signature: 'short' }))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(compare).toHaveBeenCalledTimes(1);
    const [a, b] = compare.mock.calls[0]! as [Buffer, Buffer];
    expect(a.length).toBe(b.length);

    compare.mockClear();
    expect(verifyHubSpotV3(valid())).toEqual({ ok: true });
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('does not compute or compare anything for a stale request', () => {
    verifyHubSpotV3(valid({ now: NOW + MAX_SIGNATURE_AGE_MS + 1 }));
    expect(vi.mocked(timingSafeEqual)).not.toHaveBeenCalled();
  });
});
