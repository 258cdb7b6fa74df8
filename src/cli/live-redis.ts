// What the commands that read the live service's Redis share: its URL and key prefix (option, environment, dev session, default) and the connection.
import type { DevSession } from '../adapters/files/dev-session.ts';
import type { RedisClient } from '../adapters/redis/connection.ts';
import { PREFIX_RULE, isValidPrefix, redisClusterNodes } from '../config/redis-env.ts';
import { DEV_SESSION_NOTE, given, readDevSessionFallback } from './dev-session-fallback.ts';
import type { CliIo } from './io.ts';
import { connectCliRedis } from './redis-connection.ts';

export interface LiveRedisSettings {
  readonly redisUrl: string;
  /** A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES, unless --redis-url names one Redis); empty: one Redis at `redisUrl`. */
  readonly clusterNodes: readonly string[];
  readonly prefix: string;
  /** The `npm run dev` session the values not given were taken from, or null. */
  readonly session: DevSession | null;
}

/**
 * Each setting from its option, else the environment, else `npm run dev`'s session (read only when a
 * value is missing, or `needSession` says another setting needs it), else the service's default.
 * Null after an invalid session file, which has been reported.
 */
export async function liveRedisSettings(values: Record<string, unknown>, env: NodeJS.ProcessEnv, cwd: string, io: CliIo, needSession = false): Promise<LiveRedisSettings | null> {
  const option = values['redis-url'] as string | undefined;
  const nodes = redisClusterNodes.safeParse(given(option) ? undefined : env.REDIS_CLUSTER_NODES);
  if (!nodes.success) {
    io.err(`REDIS_CLUSTER_NODES: ${nodes.error.issues[0]?.message ?? 'is not a list of Redis nodes'}`);
    return null;
  }
  const prefix = [values.prefix as string | undefined, env.REDIS_PREFIX].find(given);
  if (prefix !== undefined && !isValidPrefix(prefix)) {
    io.err(`the key prefix "${prefix}" ${PREFIX_RULE}`);
    return null;
  }
  if (nodes.data.length > 0) return { redisUrl: nodes.data[0]!, clusterNodes: nodes.data, prefix: prefix ?? 'ob', session: null };
  const redisUrl = [option, env.REDIS_URL].find(given);
  let session: DevSession | null = null;
  if (redisUrl === undefined || prefix === undefined || needSession) {
    const dev = await readDevSessionFallback(cwd, io);
    if (!dev.ok) return null;
    session = dev.session;
    if (session !== null) io.err(DEV_SESSION_NOTE);
  }
  return { redisUrl: redisUrl ?? session?.redisUrl ?? 'redis://127.0.0.1:6379', clusterNodes: [], prefix: prefix ?? session?.redisPrefix ?? 'ob', session };
}

/** A connection that fails fast; null (reported on io.err as what was tried, why it failed and `hint`) when Redis cannot be reached. */
export async function connectLiveRedis(live: Pick<LiveRedisSettings, 'redisUrl' | 'clusterNodes'>, io: CliIo, hint: string): Promise<RedisClient | null> {
  const connected = await connectCliRedis(live.redisUrl, hint, live.clusterNodes);
  if (connected.ok) return connected.redis;
  io.err(connected.message);
  return null;
}
