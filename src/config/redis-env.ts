// Where the service's Redis is: REDIS_URL for one Redis, REDIS_CLUSTER_NODES for a Redis Cluster, and the key prefix each needs.
import { z } from 'zod';
import type { Problem } from '../core/problems.ts';

// As in env.ts: an empty variable (`FOO=`) means "not set".
const unsetIfEmpty = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const isRedisUrl = (url: URL | null): url is URL => url !== null && (url.protocol === 'redis:' || url.protocol === 'rediss:');

export const redisUrl = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .default('redis://127.0.0.1:6379')
    .transform((raw, ctx): string => {
      if (!isRedisUrl(URL.parse(raw.trim()))) {
        // The value may carry a password: never echo it.
        ctx.addIssue({ code: 'custom', message: 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379' });
        return z.NEVER;
      }
      return raw.trim();
    }),
);

/** `REDIS_CLUSTER_NODES`: seed nodes separated by commas, each a redis:// or rediss:// URL or host:port; unset: one Redis. */
export const redisClusterNodes = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .default('')
    .transform((raw, ctx): string[] => {
      const nodes = raw.split(',').map((x) => x.trim()).filter((x) => x !== '');
      const urls = nodes.map((node) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(node) ? node : `redis://${node}`));
      urls.forEach((text, i) => {
        const url = URL.parse(text);
        if (!isRedisUrl(url) || url.hostname === '') {
          // The value may carry a password: never echo it.
          ctx.addIssue({ code: 'custom', message: `node ${i + 1} must be a redis:// or rediss:// URL or host:port, e.g. redis://10.0.0.1:7000,redis://10.0.0.2:7000` });
        }
      });
      return urls;
    }),
);

/** `REDIS_PREFIX`: its default depends on REDIS_CLUSTER_NODES (see redisSettings). */
export const redisPrefix = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .regex(/^[A-Za-z0-9_.:{}-]+$/, { error: 'must be letters, digits, and _ . : - { } only (it starts every Redis key)' })
    .optional(),
);

/** Whether every key that starts with `prefix` hashes by the prefix alone: it holds a non-empty `{...}`, the first braces in the key. */
export function isHashTagged(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open >= 0 && prefix.indexOf('}', open + 1) > open + 1;
}

export type RedisSettings = { readonly ok: true; readonly url: string; readonly prefix: string } | { readonly ok: false; readonly problem: Problem };

/**
 * One Redis or a cluster, never both. On a cluster the prefix must be a hash tag (default `{ob}`): every
 * key then sits in one slot, so each Lua script's keys, each MULTI's and BullMQ's are together
 * (docs/decisions.md, "Redis Cluster"). The URL is then the first seed node's, for messages.
 */
export function redisSettings(e: { REDIS_URL: string; REDIS_CLUSTER_NODES: readonly string[]; REDIS_PREFIX?: string | undefined }, urlWasSet: boolean): RedisSettings {
  const nodes = e.REDIS_CLUSTER_NODES;
  if (nodes.length === 0) return { ok: true, url: e.REDIS_URL, prefix: e.REDIS_PREFIX ?? 'ob' };
  if (urlWasSet) {
    return { ok: false, problem: { code: 'conflict', path: ['REDIS_CLUSTER_NODES'], message: 'is set together with REDIS_URL: set REDIS_URL for one Redis, or REDIS_CLUSTER_NODES for a Redis Cluster, not both' } };
  }
  const prefix = e.REDIS_PREFIX ?? '{ob}';
  if (!isHashTagged(prefix)) {
    const message = `must hold a hash tag on a Redis Cluster, e.g. {${prefix}}: every key then sits in one hash slot, as the Lua scripts and BullMQ need (docs/running.md, "Redis Cluster")`;
    return { ok: false, problem: { code: 'invalid_value', path: ['REDIS_PREFIX'], message } };
  }
  return { ok: true, url: nodes[0]!, prefix };
}
