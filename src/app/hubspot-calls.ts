// One HubSpot call as the drains make it: through the global limiter, with every failure sorted into what to do next (wait, back off, split, dead-letter).
import {
  HubSpotRateLimitedError,
  HubSpotRejectedError,
  HubSpotServerError,
  HubSpotUnavailableError,
  HubSpotUnexpectedResponseError,
} from './hubspot-errors.ts';

export type Grant = { readonly ok: true } | { readonly ok: false; readonly waitMs: number };

/** A limit on HubSpot calls shared by every process: HubSpot's burst limit is per app, not per worker. */
export interface RateLimiter {
  /** Counts a call made at `now` if the window has room, else says how long to wait. */
  acquire(now: number): Promise<Grant>;
  /** After a 429: nobody calls before `until` (a later block wins over an earlier one). */
  blockUntil(until: number): Promise<void>;
}

/** Exponential backoff after 5xx and network failures, shared by every process running the same drain. */
export interface Backoff {
  /** Epoch ms before which the drain must not call HubSpot (0: none). */
  until(): Promise<number>;
  /** Records a failure at `now`; returns the new `until` (at least `now + minMs` when given). */
  fail(now: number, minMs?: number): Promise<number>;
  reset(): Promise<void>;
}

/** One drain at a time across processes: two would send the same writes twice. */
export interface DrainLock {
  /** A token when taken, null when another process holds it. */
  take(ttlMs: number): Promise<string | null>;
  release(token: string): Promise<void>;
}

/** Runs a drain under its lock, or answers `busy` at once when another process is draining. */
export async function withDrainLock<T>(lock: DrainLock, ttlMs: number, busy: T, work: () => Promise<T>): Promise<T> {
  const token = await lock.take(ttlMs);
  if (token === null) return busy;
  try {
    return await work();
  } finally {
    await lock.release(token);
  }
}

/** What a call came to, for `ob_hubspot_calls_total{result}`. */
export type CallResult = 'ok' | 'partial' | 'rate_limited' | 'server_error' | 'unavailable' | 'unexpected' | 'rejected' | 'locked';

export type WriteKind = 'record' | 'verification_log' | 'association';

/** Counters the drains report to (the metrics adapter implements it). */
export interface HubSpotObserver {
  call(operation: string, result: CallResult): void;
  written(kind: WriteKind, n: number): void;
  deadLettered(kind: WriteKind, n: number): void;
  read(result: 'found' | 'not_found', n: number): void;
}

export const NO_OBSERVER: HubSpotObserver = { call: () => undefined, written: () => undefined, deadLettered: () => undefined, read: () => undefined };

/** The logger calls the drains make (pino's signature). */
export interface DrainLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const NO_LOG: DrainLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Why a drain stopped calling before its work was done; the work stays queued for the next run. */
export type StopReason =
  | 'throttled' // our own limiter said wait: no call was made
  | 'rate_limited' // HubSpot answered 429
  | 'server_error' // 5xx
  | 'unavailable' // no answer
  | 'unexpected' // a 2xx we could not read
  | 'locked' // 423 / 477: HubSpot said wait
  | 'not_authorized' // 401 / 403: a token or scope problem only a person can fix
  | 'refused' // a request refused as a whole that no split can help (a batch read)
  | 'backing_off' // an earlier failure's backoff is still running
  | 'time_budget'; // the drain ran long enough: let the lock go

/** Stops that start or extend the shared backoff: a drain that ends in one must not clear it. */
const BACKING_OFF: ReadonlySet<StopReason> = new Set(['server_error', 'unavailable', 'unexpected', 'locked', 'not_authorized', 'refused']);

/** True when a drain that made `okCalls` good calls and ended with `stop` may clear the backoff. */
export function clearsBackoff(okCalls: number, stop: Stop | null): boolean {
  return okCalls > 0 && (stop === null || !BACKING_OFF.has(stop.reason));
}

export interface Stop {
  readonly reason: StopReason;
  readonly waitMs: number;
  readonly message: string;
}

export type Attempt<T> =
  | { readonly kind: 'ok'; readonly value: T }
  | { readonly kind: 'stop'; readonly stop: Stop }
  /** HubSpot refused this request as sent (4xx other than 401/403/423/429/477): the caller splits it or dead-letters it. */
  | { readonly kind: 'rejected'; readonly error: HubSpotRejectedError };

export interface CallDeps {
  readonly limiter: RateLimiter;
  readonly backoff: Backoff;
  readonly clock: () => number;
  readonly observer: HubSpotObserver;
  readonly log: DrainLog;
}

/** A token or scope problem is not fixed by retrying soon: check again after a minute. */
const NOT_AUTHORIZED_WAIT_MS = 60_000;

/**
 * Makes one call through the limiter. Never throws for a HubSpot failure: a 429 blocks every process
 * as HubSpot says, a 5xx or a missing answer starts (or extends) the shared backoff, and the drain is
 * told to stop so that nothing is sent into a failing HubSpot. Writes are idempotent (update by id,
 * upsert by unique value, default association), so a call whose answer was lost is safe to repeat.
 */
export async function attempt<T extends { readonly status: number }>(deps: CallDeps, operation: string, call: () => Promise<T>): Promise<Attempt<T>> {
  const grant = await deps.limiter.acquire(deps.clock());
  if (!grant.ok) return stop('throttled', grant.waitMs, 'the shared HubSpot rate limit is used up for now');
  try {
    const value = await call();
    deps.observer.call(operation, value.status === 207 ? 'partial' : 'ok');
    return { kind: 'ok', value };
  } catch (e) {
    const now = deps.clock();
    if (e instanceof HubSpotRateLimitedError) {
      deps.observer.call(operation, 'rate_limited');
      await deps.limiter.blockUntil(now + e.retryAfterMs);
      deps.log.warn({ operation, policy: e.policyName, retryAfterMs: e.retryAfterMs }, 'HubSpot rate limit hit: every process waits as HubSpot says');
      return stop('rate_limited', e.retryAfterMs, e.message);
    }
    if (e instanceof HubSpotServerError || e instanceof HubSpotUnavailableError || e instanceof HubSpotUnexpectedResponseError) {
      const result: CallResult = e instanceof HubSpotServerError ? 'server_error' : e instanceof HubSpotUnavailableError ? 'unavailable' : 'unexpected';
      deps.observer.call(operation, result);
      const until = await deps.backoff.fail(now);
      const fields = { operation, retryInMs: until - now, err: e.message };
      if (result === 'unexpected') deps.log.error(fields, 'HubSpot answered in a shape this service does not read: backing off');
      else deps.log.warn(fields, 'HubSpot call failed: backing off, nothing is lost');
      return stop(result, until - now, e.message);
    }
    if (e instanceof HubSpotRejectedError) {
      if (e.retryAfterMs !== null) {
        deps.observer.call(operation, 'locked');
        const until = await deps.backoff.fail(now, e.retryAfterMs);
        deps.log.warn({ operation, status: e.status, retryInMs: until - now }, 'HubSpot asked to wait (locked or migrating)');
        return stop('locked', until - now, e.message);
      }
      deps.observer.call(operation, 'rejected');
      if (e.status === 401 || e.status === 403) {
        const until = await deps.backoff.fail(now, NOT_AUTHORIZED_WAIT_MS);
        deps.log.error(
          { operation, status: e.status, category: e.category, err: e.message },
          'HubSpot refused the token or its scopes: writes and reads wait until a person fixes the app (nothing is dropped)',
        );
        return stop('not_authorized', until - now, e.message);
      }
      return { kind: 'rejected', error: e };
    }
    throw e;
  }
}

function stop(reason: StopReason, waitMs: number, message: string): { kind: 'stop'; stop: Stop } {
  return { kind: 'stop', stop: { reason, waitMs: Math.max(0, waitMs), message } };
}

/** 207 error categories worth sending again; any other per-input error is HubSpot's final word. */
// CONFLICT: two upserts of one unique value racing; the second goes through when sent again.
const RETRYABLE_CATEGORIES = new Set(['RATE_LIMITS', 'LOCKED', 'CONFLICT', 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE', 'TIMEOUT', 'GATEWAY_TIMEOUT']);

export function isRetryableCategory(category: string | null): boolean {
  return category !== null && RETRYABLE_CATEGORIES.has(category);
}
