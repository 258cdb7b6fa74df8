// A command's one connection to the service's Redis: made once, and a failure told as what was tried, why it failed and what to do.
import { Redis } from 'ioredis';
import { redisFailureReason, redisTarget } from '../adapters/redis/connection.ts';

const CONNECT_TIMEOUT_MS = 3000;

export type CliRedis = { ok: true; redis: Redis } | { ok: false; message: string };

/** Connects without retrying: a command answers now, it does not wait for Redis to come back. */
export async function connectCliRedis(url: string, hint: string): Promise<CliRedis> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null });
  // ioredis rejects connect() with "Connection is closed."; the reason came first, as an error event.
  let cause: unknown = null;
  redis.on('error', (e) => {
    cause ??= e;
  });
  try {
    await redis.connect();
    return { ok: true, redis };
  } catch (e) {
    redis.disconnect();
    return { ok: false, message: `cannot reach Redis at ${redisTarget(url)} (${redisFailureReason(cause ?? e, CONNECT_TIMEOUT_MS)}): ${hint}` };
  }
}

