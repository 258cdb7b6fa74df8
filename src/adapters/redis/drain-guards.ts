// What keeps the HubSpot drains orderly across processes: a lock so one drain runs at a time, and a shared backoff after failures.
import { randomUUID } from 'node:crypto';
import type { RedisClient } from './connection.ts';
import type { Backoff, DrainLock } from '../../app/hubspot-calls.ts';
import { SCRIPTS, runScript } from './scripts.ts';

export function createRedisDrainLock(redis: RedisClient, key: string): DrainLock {
  return {
    async take(ttlMs) {
      const token = randomUUID();
      return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : null;
    },
    async release(token) {
      await runScript(redis, SCRIPTS.unlock, [key], [token]);
    },
  };
}

export interface BackoffOptions {
  /** First wait; each further failure doubles it. Default 1 s. */
  readonly baseMs?: number;
  /** Longest wait. Default 60 s. */
  readonly maxMs?: number;
}

/** Failures are counted in Redis so that every process backs off together, and the count survives a restart. */
export function createRedisBackoff(redis: RedisClient, key: string, options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 1_000;
  const maxMs = options.maxMs ?? 60_000;
  return {
    async until() {
      return Number((await redis.hget(key, 'until')) ?? 0);
    },
    async fail(now, minMs = 0) {
      const failures = await redis.hincrby(key, 'failures', 1);
      const delay = Math.max(minMs, Math.min(maxMs, baseMs * 2 ** Math.min(30, failures - 1)));
      const until = now + delay;
      await redis.multi().hset(key, 'until', until).pexpire(key, 24 * 3_600_000).exec();
      return until;
    },
    async reset() {
      await redis.del(key);
    },
  };
}
