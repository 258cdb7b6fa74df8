// The failures of a HubSpot call the use cases tell apart (wait, back off, split, dead-letter, ask a person): part of the HubSpot port, thrown by its adapters.
import { formatProblem } from '../core/problems.ts';
import type { Problem } from '../core/problems.ts';

export type HubSpotMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/** Every failure of a HubSpot call; the subclasses say what the caller can do about it. */
export class HubSpotError extends Error {
  override readonly name: string = 'HubSpotError';
  readonly method: HubSpotMethod;
  readonly path: string;
  constructor(method: HubSpotMethod, path: string, message: string, options?: ErrorOptions) {
    super(`HubSpot ${method} ${path}: ${message}`, options);
    this.method = method;
    this.path = path;
  }
}

/** 429: wait `retryAfterMs`, then try again (the service's global limiter decides when). */
export class HubSpotRateLimitedError extends HubSpotError {
  override readonly name = 'HubSpotRateLimitedError';
  readonly status = 429;
  /** `TEN_SECONDLY_ROLLING`, `SECONDLY`, `DAILY`, ... from the answer, or null. */
  readonly policyName: string | null;
  readonly retryAfterMs: number;
  constructor(method: HubSpotMethod, path: string, policyName: string | null, retryAfterMs: number, hubspotMessage: string | null) {
    super(method, path, `rate limited (${policyName ?? 'unknown policy'}); retry in ${retryAfterMs} ms${hubspotMessage ? `: ${hubspotMessage}` : ''}`);
    this.policyName = policyName;
    this.retryAfterMs = retryAfterMs;
  }
}

/** 5xx: HubSpot's side failed; the same request may succeed later. */
export class HubSpotServerError extends HubSpotError {
  override readonly name = 'HubSpotServerError';
  readonly status: number;
  readonly hubspotMessage: string | null;
  readonly correlationId: string | null;
  constructor(method: HubSpotMethod, path: string, status: number, hubspotMessage: string | null, correlationId: string | null) {
    super(method, path, `HubSpot answered ${status}${hubspotMessage ? `: ${hubspotMessage}` : ''}`);
    this.status = status;
    this.hubspotMessage = hubspotMessage;
    this.correlationId = correlationId;
  }
}

/**
 * 4xx other than 429: HubSpot refused this request as sent (missing scope, validation, not found, ...).
 * Repeating it unchanged fails the same way, except where `retryAfterMs` is set: 423 Locked (HubSpot
 * says wait 2 s or more) and 477 Migration in progress (its Retry-After).
 */
export class HubSpotRejectedError extends HubSpotError {
  override readonly name = 'HubSpotRejectedError';
  readonly status: number;
  /** HubSpot's `category`, e.g. `MISSING_SCOPES`, `VALIDATION_ERROR`, `OBJECT_NOT_FOUND`. */
  readonly category: string | null;
  readonly subCategory: string | null;
  readonly hubspotMessage: string | null;
  readonly correlationId: string | null;
  /** The detail messages of `errors[]`, when HubSpot gave any. */
  readonly details: readonly string[];
  readonly retryAfterMs: number | null;
  constructor(
    method: HubSpotMethod,
    path: string,
    fields: {
      status: number;
      category: string | null;
      subCategory: string | null;
      hubspotMessage: string | null;
      correlationId: string | null;
      details: readonly string[];
      retryAfterMs: number | null;
    },
  ) {
    const what = [fields.category, fields.subCategory].filter((s) => s !== null).join('/');
    super(method, path, `HubSpot refused it (${fields.status}${what ? ` ${what}` : ''})${fields.hubspotMessage ? `: ${fields.hubspotMessage}` : ''}`);
    this.status = fields.status;
    this.category = fields.category;
    this.subCategory = fields.subCategory;
    this.hubspotMessage = fields.hubspotMessage;
    this.correlationId = fields.correlationId;
    this.details = fields.details;
    this.retryAfterMs = fields.retryAfterMs;
  }
}

/** No answer: DNS, connection, TLS or timeout. Whether HubSpot applied a write is unknown. */
export class HubSpotUnavailableError extends HubSpotError {
  override readonly name = 'HubSpotUnavailableError';
  constructor(method: HubSpotMethod, path: string, reason: string, options?: ErrorOptions) {
    super(method, path, `no answer from HubSpot (${reason})`, options);
  }
}

/** A 2xx whose body is not what the call site expects: the API changed, or the path is wrong. */
export class HubSpotUnexpectedResponseError extends HubSpotError {
  override readonly name = 'HubSpotUnexpectedResponseError';
  readonly status: number;
  readonly problems: readonly Problem[];
  constructor(method: HubSpotMethod, path: string, status: number, problems: readonly Problem[]) {
    super(method, path, `unexpected answer (${status}): ${problems.map((p) => formatProblem(p, '(body)')).join('; ')}`);
    this.status = status;
    this.problems = problems;
  }
}
