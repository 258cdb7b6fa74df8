// Outcomes settled billable without their HubSpot read, kept for a recent window in Redis: what /readyz reports as degraded, whichever process settled them.
import type { RedisClient } from './connection.ts';
import { deploymentKey } from './keys.ts';

/** How far back /readyz looks: an unverified settlement in the last hour makes the service degraded. */
export const UNVERIFIED_WINDOW_MS = 3_600_000;

const key = (prefix: string) => deploymentKey(prefix, 'unverified-settlements');

export interface UnverifiedNote {
  readonly portalId: number;
  readonly outcomeId: string;
}

/**
 * Notes each outcome at `now` (an outcome noted again keeps one entry) and drops the entries older than
 * the window, so the key holds one hour's settlements at most.
 */
export async function noteUnverified(redis: RedisClient, prefix: string, notes: readonly UnverifiedNote[], now: number): Promise<void> {
  if (notes.length === 0) return;
  const scored = notes.flatMap((n) => [now, `${n.portalId}:${n.outcomeId}`]);
  await redis.multi().zadd(key(prefix), ...scored).zremrangebyscore(key(prefix), '-inf', `(${now - UNVERIFIED_WINDOW_MS}`).exec();
}

/** How many outcomes settled unverified in the window before `now`. */
export async function recentUnverified(redis: RedisClient, prefix: string, now: number): Promise<number> {
  return redis.zcount(key(prefix), String(now - UNVERIFIED_WINDOW_MS), '+inf');
}
