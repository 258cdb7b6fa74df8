// The service's Redis connections, to one Redis or to a Redis Cluster: how they are made, probed, waited for and described.
import { setTimeout as delay } from 'node:timers/promises';
import { Cluster, Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import type { Logger } from '../logging/logger.ts';

/**
 * A connection the adapters use: one Redis or a Redis Cluster. They use only what both offer: commands
 * on keys, Lua scripts with their keys declared, MULTI and pipelines whose keys share one hash slot
 * (one hash tag per portal and one for the deployment, never mixed in a call: docs/decisions.md, "Redis Cluster").
 */
export type RedisClient = Redis | Cluster;

/** A connection attempt that has no answer within this is a failed one. */
export const CONNECT_TIMEOUT_MS = 2_000;

/** The seed nodes' shared user, password and TLS, from the first one: the nodes the cluster names later get them too. */
export function clusterCredentials(nodes: readonly string[]): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const first = URL.parse(nodes[0] ?? '');
  if (first === null) return {};
  return {
    ...(first.username === '' ? {} : { username: decodeURIComponent(first.username) }),
    ...(first.password === '' ? {} : { password: decodeURIComponent(first.password) }),
    ...(first.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function connect(url: string, clusterNodes: readonly string[], options: RedisOptions): RedisClient {
  if (clusterNodes.length === 0) return new Redis(url, options);
  const { enableOfflineQueue, ...perNode } = options;
  return new Cluster([...clusterNodes], { ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }), redisOptions: { ...perNode, ...clusterCredentials(clusterNodes) } });
}

/** Fails fast while Redis is down: a request answers 503 at once and HubSpot retries. `clusterNodes`: a cluster's seed nodes (empty: one Redis at `url`). */
export function createFastRedis(url: string, clusterNodes: readonly string[] = []): RedisClient {
  return connect(url, clusterNodes, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: CONNECT_TIMEOUT_MS });
}

/** Waits for Redis instead (BullMQ's blocking calls need maxRetriesPerRequest null): workers ride out a blip. */
export function createWorkerRedis(url: string, clusterNodes: readonly string[] = []): RedisClient {
  return connect(url, clusterNodes, { maxRetriesPerRequest: null });
}

/** Where the service's Redis is, as it may be printed: `Redis at <url>` or `Redis Cluster at <node>, <node>`. */
export function redisWhere(url: string, clusterNodes: readonly string[] = []): string {
  return clusterNodes.length === 0 ? `Redis at ${redisTarget(url)}` : `Redis Cluster at ${clusterNodes.map(redisTarget).join(', ')}`;
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

export type RedisOnce = { readonly ok: true; readonly redis: RedisClient } | { readonly ok: false; readonly reason: string };

/**
 * Connects once, without retrying: the connection, or why it failed in a few words (ioredis rejects with
 * "Connection is closed."; the reason came first, as an error event). A cluster is connected once a seed
 * node has named the nodes of every slot. `maxRetriesPerRequest` is for the commands sent on it after.
 */
export async function connectOnce(url: string, clusterNodes: readonly string[], connectTimeoutMs: number, maxRetriesPerRequest: number): Promise<RedisOnce> {
  const once = { lazyConnect: true, maxRetriesPerRequest, enableOfflineQueue: false, connectTimeout: connectTimeoutMs, retryStrategy: () => null };
  const redis: RedisClient =
    clusterNodes.length === 0
      ? new Redis(url, once)
      : new Cluster([...clusterNodes], { lazyConnect: true, enableOfflineQueue: false, clusterRetryStrategy: () => null, slotsRefreshTimeout: connectTimeoutMs, redisOptions: { ...once, ...clusterCredentials(clusterNodes) } });
  let cause: unknown = null;
  redis.on('error', (e) => {
    cause ??= e;
  });
  try {
    await redis.connect();
    return { ok: true, redis };
  } catch (e) {
    redis.disconnect();
    return { ok: false, reason: clusterNodes.length > 0 ? await clusterFailureReason(clusterNodes, e, connectTimeoutMs) : redisFailureReason(cause ?? e, connectTimeoutMs) };
  }
}

/** Connects once and pings, without retrying, then disconnects: whether Redis answers now, and why not. */
export async function probeRedis(url: string, connectTimeoutMs = CONNECT_TIMEOUT_MS, clusterNodes: readonly string[] = []): Promise<RedisProbe> {
  const connected = await connectOnce(url, clusterNodes, connectTimeoutMs, 0);
  if (!connected.ok) return connected;
  try {
    await connected.redis.ping();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: clusterNodes.length > 0 ? await clusterFailureReason(clusterNodes, e, connectTimeoutMs) : redisFailureReason(e, connectTimeoutMs) };
  } finally {
    connected.redis.disconnect();
  }
}

/**
 * Why a cluster could not be reached. ioredis says only "Connection is closed." when no seed node
 * answers (it drops each node's own error), so the seeds are asked one by one for theirs; when some
 * answer, the cluster itself is not ready (slots not all served, or CLUSTERDOWN) and its error says so.
 */
export async function clusterFailureReason(clusterNodes: readonly string[], e: unknown, connectTimeoutMs = CONNECT_TIMEOUT_MS): Promise<string> {
  const probes = await Promise.all(clusterNodes.map((node) => probeRedis(node, connectTimeoutMs)));
  const reasons = [...new Set(probes.flatMap((p) => (p.ok ? [] : [p.reason])))];
  if (reasons.length > 0 && probes.every((p) => !p.ok)) return reasons.join('; ');
  return `the nodes answer but the cluster is not ready: ${redisFailureReason(e, connectTimeoutMs)}`;
}

export interface WaitForRedisOptions {
  readonly logger: Logger;
  /** Told of each failed attempt (readiness shows the last one). */
  readonly onAttempt?: (attempt: number, reason: string) => void;
  /** Stops waiting (shutdown): the wait then resolves false. */
  readonly signal?: AbortSignal;
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
  /** A cluster's seed nodes; empty or absent: one Redis at the URL. */
  readonly clusterNodes?: readonly string[];
}

/**
 * Tries Redis until it answers, doubling the pause between attempts up to `maxDelayMs`, with one log
 * line per failed attempt: a service started before its Redis waits for it instead of hanging silently
 * or giving up. Resolves true once Redis answered, false when `signal` stopped the wait.
 */
export async function waitForRedis(url: string, o: WaitForRedisOptions): Promise<boolean> {
  const nodes = o.clusterNodes ?? [];
  const target = nodes.length === 0 ? redisTarget(url) : nodes.map(redisTarget).join(', ');
  let pause = o.firstDelayMs ?? 250;
  for (let attempt = 1; !o.signal?.aborted; attempt++) {
    const probe = await probeRedis(url, CONNECT_TIMEOUT_MS, nodes);
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
