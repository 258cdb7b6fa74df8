// The service's Redis connections: how they are made, probed, waited for and described (a Redis Cluster would change only this file).
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../logging/logger.ts';

/** A connection attempt that has no answer within this is a failed one. */
export const CONNECT_TIMEOUT_MS = 2_000;

/** Fails fast while Redis is down: a request answers 503 at once and HubSpot retries. */
export function createFastRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: CONNECT_TIMEOUT_MS });
}

/** Waits for Redis instead (BullMQ's blocking calls need maxRetriesPerRequest null): workers ride out a blip. */
export function createWorkerRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** The URL as it may be printed: a password, or a user name that may be one (`redis://secret@host`), left out. */
export function redisTarget(raw: string): string {
  const url = URL.parse(raw);
  if (url === null) return '(an unreadable URL)';
  if (url.password === '') url.username = '';
  url.password = '';
  return url.toString();
}

/** Why a connection failed, in a few words; never "Connection is closed.", which ioredis says after the real reason. */
export function redisFailureReason(e: unknown, connectTimeoutMs = CONNECT_TIMEOUT_MS): string {
  const code = (e as { code?: string } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'no such host';
  if (code === 'ETIMEDOUT' || /ETIMEDOUT/.test(message)) return `no answer within ${connectTimeoutMs / 1000} s`;
  if (/WRONGPASS|NOAUTH|invalid password/i.test(message)) return 'the password or user was refused';
  return message;
}

export type RedisProbe = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Connects once and pings, without retrying, then disconnects: whether Redis answers now, and why not. */
export async function probeRedis(url: string, connectTimeoutMs = CONNECT_TIMEOUT_MS): Promise<RedisProbe> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: connectTimeoutMs, retryStrategy: () => null });
  // ioredis rejects with "Connection is closed."; the reason came first, as an error event.
  let cause: unknown = null;
  redis.on('error', (e) => {
    cause ??= e;
  });
  try {
    await redis.connect();
    await redis.ping();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: redisFailureReason(cause ?? e, connectTimeoutMs) };
  } finally {
    redis.disconnect();
  }
}

export interface WaitForRedisOptions {
  readonly logger: Logger;
  /** Told of each failed attempt (readiness shows the last one). */
  readonly onAttempt?: (attempt: number, reason: string) => void;
  /** Stops waiting (shutdown): the wait then resolves false. */
  readonly signal?: AbortSignal;
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Tries Redis until it answers, doubling the pause between attempts up to `maxDelayMs`, with one log
 * line per failed attempt: a service started before its Redis waits for it instead of hanging silently
 * or giving up. Resolves true once Redis answered, false when `signal` stopped the wait.
 */
export async function waitForRedis(url: string, o: WaitForRedisOptions): Promise<boolean> {
  const target = redisTarget(url);
  let pause = o.firstDelayMs ?? 250;
  for (let attempt = 1; !o.signal?.aborted; attempt++) {
    const probe = await probeRedis(url);
    if (probe.ok) {
      if (attempt > 1) o.logger.info({ redis: target, attempts: attempt }, 'Redis answers: starting');
      return true;
    }
    o.onAttempt?.(attempt, probe.reason);
    o.logger.warn({ redis: target, attempt, reason: probe.reason, retryInMs: pause }, 'Redis does not answer: retrying');
    try {
      await delay(pause, undefined, { signal: o.signal });
    } catch {
      return false;
    }
    pause = Math.min(pause * 2, o.maxDelayMs ?? 5_000);
  }
  return false;
}
