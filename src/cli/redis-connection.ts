// A command's one connection to the service's Redis: made once, and a failure told as what was tried, why it failed and what to do.
import { Cluster, Redis } from 'ioredis';
import { clusterCredentials, clusterFailureReason, redisFailureReason, redisWhere } from '../adapters/redis/connection.ts';
import type { RedisClient } from '../adapters/redis/connection.ts';

const CONNECT_TIMEOUT_MS = 3000;

export type CliRedis = { ok: true; redis: RedisClient } | { ok: false; message: string };

/** Connects without retrying: a command answers now, it does not wait for Redis to come back. `clusterNodes`: a Redis Cluster's seed nodes. */
export async function connectCliRedis(url: string, hint: string, clusterNodes: readonly string[] = []): Promise<CliRedis> {
  const once = { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null };
  const redis: RedisClient =
    clusterNodes.length === 0
      ? new Redis(url, once)
      : new Cluster([...clusterNodes], { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null, redisOptions: { ...once, ...clusterCredentials(clusterNodes) } });
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
    const why = clusterNodes.length === 0 ? redisFailureReason(cause ?? e, CONNECT_TIMEOUT_MS) : await clusterFailureReason(clusterNodes, e, CONNECT_TIMEOUT_MS);
    return { ok: false, message: `cannot reach ${redisWhere(url, clusterNodes)} (${why}): ${hint}` };
  }
}

