// Where the service's Redis is: REDIS_URL for one Redis, REDIS_CLUSTER_NODES for a Redis Cluster, and the key prefix each needs.
import { z } from 'zod';
import type { Problem } from '../core/problems.ts';
import { unsetIfEmpty } from './env-text.ts';

// As in env.ts: an empty variable (`FOO=`) means "not set".

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

/** Why a prefix is refused: braces would make a hash tag of their own and take every key into one slot. */
export const PREFIX_RULE = 'must be letters, digits, and _ . : - only (it starts every Redis key; no { }: the service puts the hash tags in itself, one per portal, docs/running.md "Redis Cluster")';

export const isValidPrefix = (prefix: string): boolean => /^[A-Za-z0-9_.:-]+$/.test(prefix);

/** `REDIS_PREFIX`, default `ob` (see redisSettings). */
export const redisPrefix = z.preprocess(unsetIfEmpty, z.string().refine(isValidPrefix, { error: PREFIX_RULE }).optional());

export type RedisSettings = { readonly ok: true; readonly url: string; readonly prefix: string } | { readonly ok: false; readonly problem: Problem };

/**
 * One Redis or a cluster, never both; the keys are named the same on both (src/adapters/redis/keys.ts:
 * one hash tag per portal, one for the deployment; docs/decisions.md, "Redis Cluster"). On a cluster the
 * URL is the first seed node's, for messages.
 */
export function redisSettings(e: { REDIS_URL: string; REDIS_CLUSTER_NODES: readonly string[]; REDIS_PREFIX?: string | undefined }, urlWasSet: boolean): RedisSettings {
  const nodes = e.REDIS_CLUSTER_NODES;
  if (nodes.length === 0) return { ok: true, url: e.REDIS_URL, prefix: e.REDIS_PREFIX ?? 'ob' };
  if (urlWasSet) {
    return { ok: false, problem: { code: 'conflict', path: ['REDIS_CLUSTER_NODES'], message: 'is set together with REDIS_URL: set REDIS_URL for one Redis, or REDIS_CLUSTER_NODES for a Redis Cluster, not both' } };
  }
  return { ok: true, url: nodes[0]!, prefix: e.REDIS_PREFIX ?? 'ob' };
}
