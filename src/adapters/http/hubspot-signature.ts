// HubSpot's v3 request signature (webhooks and CRM card requests): pure signing and verification, no framework.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** HubSpot's replay window: a request older than this is rejected. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60 * 1000;

export type SignatureFailure = 'missing_signature' | 'missing_timestamp' | 'stale_timestamp' | 'bad_signature';
export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly reason: SignatureFailure };

export interface SignHubSpotV3Input {
  readonly method: string;
  /** The full public URL as HubSpot called it (scheme, host, path, query): the configured base URL + the request's original URL. */
  readonly url: string;
  /** The body bytes exactly as received; a string is taken as its UTF-8 bytes. */
  readonly rawBody: Buffer | string;
  /** The `X-HubSpot-Request-Timestamp` header as sent (epoch ms): it is signed as text. */
  readonly timestamp: string;
  readonly secret: string;
}

export interface VerifyHubSpotV3Input {
  readonly method: string;
  readonly url: string;
  readonly rawBody: Buffer | string;
  readonly signature: string | undefined | null;
  readonly timestamp: string | undefined | null;
  readonly secret: string;
  /** Epoch ms, the caller's clock. */
  readonly now: number;
  readonly maxAgeMs?: number;
}

// HubSpot signs the URI with exactly these escapes decoded; any other %XX (a space, a %25) stays encoded.
const DECODED_ESCAPES: Readonly<Record<string, string>> = {
  '3A': ':',
  '2F': '/',
  '3F': '?',
  '40': '@',
  '21': '!',
  '24': '$',
  '27': "'",
  '28': '(',
  '29': ')',
  '2A': '*',
  '2C': ',',
  '3B': ';',
};
// Hex digits are case-insensitive in an escape (RFC 3986 §2.1), so `%3a` is the same escape as `%3A`.
const ESCAPE = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/** The URI as it enters the signed string: only HubSpot's listed escapes decoded. */
export function signedUri(url: string): string {
  return url.replace(ESCAPE, (_match, hex: string) => DECODED_ESCAPES[hex.toUpperCase()] ?? _match);
}

function digest(input: SignHubSpotV3Input): Buffer {
  // Fed in parts so the body's own bytes are hashed: decoding and re-encoding could alter invalid UTF-8.
  return createHmac('sha256', input.secret)
    .update(input.method.toUpperCase(), 'utf8')
    .update(signedUri(input.url), 'utf8')
    .update(typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody)
    .update(input.timestamp, 'utf8')
    .digest();
}

/** The `X-HubSpot-Signature-v3` value HubSpot would send: base64 of HMAC-SHA256(secret, method + URI + body + timestamp). */
export function signHubSpotV3(input: SignHubSpotV3Input): string {
  return digest(input).toString('base64');
}

/**
 * Checks a request's v3 signature. The timestamp is checked first (cheap, and a replay is refused
 * whatever its signature), in both directions: a timestamp further than `maxAgeMs` in the future is
 * as suspect as an old one. A timestamp that is not epoch milliseconds is stale too: it can never be
 * inside the window. The comparison is constant-time over equal-length buffers.
 */
export function verifyHubSpotV3(input: VerifyHubSpotV3Input): SignatureCheck {
  const { signature, timestamp, now, maxAgeMs = MAX_SIGNATURE_AGE_MS } = input;
  if (signature === undefined || signature === null || signature === '') return { ok: false, reason: 'missing_signature' };
  if (timestamp === undefined || timestamp === null || timestamp === '') return { ok: false, reason: 'missing_timestamp' };
  const sentAt = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : Number.NaN;
  if (!Number.isSafeInteger(sentAt) || Math.abs(now - sentAt) > maxAgeMs) return { ok: false, reason: 'stale_timestamp' };

  const expected = Buffer.from(signHubSpotV3({ ...input, timestamp }), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  // timingSafeEqual needs equal lengths; comparing the expected value with itself keeps the work the same.
  const sameLength = given.length === expected.length;
  const equal = timingSafeEqual(sameLength ? given : expected, expected);
  // An empty secret would let anyone sign: never accept under it.
  return sameLength && equal && input.secret !== '' ? { ok: true } : { ok: false, reason: 'bad_signature' };
}
