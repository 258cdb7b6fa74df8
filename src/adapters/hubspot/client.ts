// HubSpot's REST API over @hubspot/api-client: date-versioned paths, the SDK's auth and transport, every failure turned into the HubSpot port's errors (app/hubspot-errors.ts).
import { Client } from '@hubspot/api-client';
import type { z } from 'zod';
import {
  HubSpotRateLimitedError,
  HubSpotRejectedError,
  HubSpotServerError,
  HubSpotUnavailableError,
  HubSpotUnexpectedResponseError,
} from '../../app/hubspot-errors.ts';
import type { HubSpotError, HubSpotMethod } from '../../app/hubspot-errors.ts';
import { problemsFromZod } from '../../core/zod-problems.ts';

/**
 * The one API version every call uses. Numbered paths (/crm/v3, /crm/v4) go unsupported in 2027, and a
 * date version is supported for 18 months after it ships: moving on means changing this constant.
 */
export const HUBSPOT_API_VERSION = '2026-09';

export const DEFAULT_HUBSPOT_API_BASE_URL = 'https://api.hubapi.com';

export interface HubSpotResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Parsed JSON; `undefined` for an empty body (204). Check it with `readBody` at the call site. */
  readonly body: unknown;
}

/** Resolves on 2xx only; every other outcome is one of the HubSpot*Error classes of app/hubspot-errors.ts. */
export type HubSpotRequest = (method: HubSpotMethod, path: string, body?: unknown) => Promise<HubSpotResponse>;

export interface HubSpotClientOptions {
  /** The static app's access token. Secret: it never appears in an error, a message or a log. */
  readonly accessToken: string;
  /** Default https://api.hubapi.com; a test double or proxy otherwise. */
  readonly baseUrl?: string;
  /** A request that has not answered by then is reported as unavailable. Default 30 s. */
  readonly timeoutMs?: number;
}

/**
 * `/{api}/{HUBSPOT_API_VERSION}/{segments...}` with each segment URL-encoded:
 * `versionedPath('crm/properties', 'contacts', 'groups')` is `/crm/properties/2026-09/contacts/groups`.
 */
export function versionedPath(api: string, ...segments: readonly string[]): string {
  const tail = segments.map((s) => `/${encodeURIComponent(s)}`).join('');
  return `/${api.replace(/^\/+|\/+$/g, '')}/${HUBSPOT_API_VERSION}${tail}`;
}

// ---------------------------------------------------------------------------------------------
// The request function
// ---------------------------------------------------------------------------------------------

/**
 * A request function on the SDK's `apiRequest`, which adds the bearer token and sends with fetch. The
 * SDK's own retries and limiter stay off (no `numberOfApiCallRetries`, no `limiterOptions`): the service
 * limits and retries globally, across workers. Note the SDK keeps its decorators in a process-wide
 * singleton that each `new Client` resets, so no other code in the process should build a Client with
 * retries or a limiter.
 */
export function createHubSpotRequest(options: HubSpotClientOptions): HubSpotRequest {
  const basePath = (options.baseUrl ?? DEFAULT_HUBSPOT_API_BASE_URL).replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client = new Client({ accessToken: options.accessToken, basePath, numberOfApiCallRetries: 0 });

  return async (method, path, body) => {
    let response: Response;
    try {
      // The SDK sends a body only when it is truthy, and JSON-encodes it itself.
      const sent = client.apiRequest(body === undefined ? { method, path } : { method, path, body });
      response = await withTimeout(sent, timeoutMs);
    } catch (e) {
      throw new HubSpotUnavailableError(method, path, describeNetworkError(e), { cause: e });
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name.toLowerCase()] = value;
    });
    let text: string;
    try {
      text = await withTimeout(response.text(), timeoutMs);
    } catch (e) {
      throw new HubSpotUnavailableError(method, path, `the answer broke off: ${describeNetworkError(e)}`, { cause: e });
    }
    const parsed = parseJson(text);
    const status = response.status;
    if (status >= 200 && status < 300) return { status, headers, body: parsed };
    throw errorFor(method, path, status, headers, parsed);
  };
}

/** Checks a 2xx body at the call site; a mismatch is a HubSpotUnexpectedResponseError naming every problem. */
export function readBody<T>(response: HubSpotResponse, schema: z.ZodType<T>, method: HubSpotMethod, path: string): T {
  const result = schema.safeParse(response.body, { reportInput: true });
  if (result.success) return result.data;
  throw new HubSpotUnexpectedResponseError(method, path, response.status, problemsFromZod(result.error, { wording: 'schema' }));
}

/** Sends and checks the body in one step: the common case. */
export async function requestJson<T>(request: HubSpotRequest, method: HubSpotMethod, path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
  return readBody(await request(method, path, body), schema, method, path);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(ms)), ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

function describeNetworkError(e: unknown): string {
  if (e instanceof TimeoutError) return e.message;
  // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a TLS error) is in its cause.
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const reason = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : null;
  const message = e instanceof Error ? e.message : String(e);
  return reason ? `${message}: ${reason}` : message;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

function errorFor(method: HubSpotMethod, path: string, status: number, headers: Readonly<Record<string, string>>, body: unknown): HubSpotError {
  const fields = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const hubspotMessage = str(fields['message']) ?? (typeof body === 'string' ? body.slice(0, 300) : null);
  const correlationId = str(fields['correlationId']);
  if (status === 429) {
    const policyName = str(fields['policyName']);
    return new HubSpotRateLimitedError(method, path, policyName, retryAfterMs(headers, policyName), hubspotMessage);
  }
  if (status >= 500) return new HubSpotServerError(method, path, status, hubspotMessage, correlationId);
  const errors = Array.isArray(fields['errors']) ? (fields['errors'] as unknown[]) : [];
  const details = errors.flatMap((d) => {
    const m = str((d as { message?: unknown } | null)?.message);
    return m === null ? [] : [m];
  });
  const retry = status === 423 ? Math.max(2000, headerSeconds(headers['retry-after']) ?? 0) : status === 477 ? (headerSeconds(headers['retry-after']) ?? 60_000) : null;
  return new HubSpotRejectedError(method, path, {
    status,
    category: str(fields['category']),
    subCategory: str(fields['subCategory']),
    hubspotMessage,
    correlationId,
    details,
    retryAfterMs: retry,
  });
}

/**
 * How long to wait after a 429. A Retry-After header wins; else the policy: the rolling window is the
 * `X-HubSpot-RateLimit-Interval-Milliseconds` header (10 s by default), a secondly limit 1 s. The daily
 * limit resets at midnight in the account's time zone, which this call does not know: wait an hour and
 * let the caller's limiter, which sees `policyName`, decide more.
 */
function retryAfterMs(headers: Readonly<Record<string, string>>, policyName: string | null): number {
  const explicit = headerSeconds(headers['retry-after']);
  if (explicit !== null) return explicit;
  if (policyName === 'DAILY') return 60 * 60 * 1000;
  if (policyName === 'SECONDLY') return 1000;
  const interval = Number(headers['x-hubspot-ratelimit-interval-milliseconds']);
  return Number.isFinite(interval) && interval > 0 ? interval : 10_000;
}

function headerSeconds(value: string | undefined): number | null {
  if (value === undefined || !/^\d+(\.\d+)?$/.test(value.trim())) return null;
  return Math.ceil(Number(value) * 1000);
}
