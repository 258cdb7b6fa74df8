// Worker heartbeats and backlog in Redis: what /readyz reads to tell "workers making progress".
import type { RedisClient } from './connection.ts';
import { deploymentKey } from './keys.ts';

const workersKey = (prefix: string) => deploymentKey(prefix, 'workers');

/** Records that this worker process is alive; old entries are trimmed so the set stays small. */
export async function beat(redis: RedisClient, prefix: string, workerId: string, now: number): Promise<void> {
  await redis.multi().zadd(workersKey(prefix), now, workerId).zremrangebyscore(workersKey(prefix), '-inf', now - 3_600_000).exec();
}

export async function forget(redis: RedisClient, prefix: string, workerId: string): Promise<void> {
  await redis.zrem(workersKey(prefix), workerId);
}

export async function liveWorkers(redis: RedisClient, prefix: string, now: number, maxAgeMs: number): Promise<number> {
  return redis.zcount(workersKey(prefix), String(now - maxAgeMs), '+inf');
}

/** How far behind the most overdue record is, in ms (0 when none is due): a stuck pipeline shows here first. `dueAt`: the earliest due time of any portal's record. */
export function oldestOverdueMs(dueAt: number | null, watermark: number): number {
  return dueAt === null || dueAt > watermark ? 0 : watermark - dueAt;
}
