// A command's one connection to the service's Redis: made once, and a failure told as what was tried, why it failed and what to do.
import { connectOnce, redisWhere } from '../adapters/redis/connection.ts';
import type { RedisClient } from '../adapters/redis/connection.ts';

const CONNECT_TIMEOUT_MS = 3000;

export type CliRedis = { ok: true; redis: RedisClient } | { ok: false; message: string };

/** Connects without retrying: a command answers now, it does not wait for Redis to come back. `clusterNodes`: a Redis Cluster's seed nodes. */
export async function connectCliRedis(url: string, hint: string, clusterNodes: readonly string[] = []): Promise<CliRedis> {
  const connected = await connectOnce(url, clusterNodes, CONNECT_TIMEOUT_MS, 1);
  return connected.ok ? connected : { ok: false, message: `cannot reach ${redisWhere(url, clusterNodes)} (${connected.reason}): ${hint}` };
}
