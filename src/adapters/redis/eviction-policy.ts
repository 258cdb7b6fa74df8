// Start-up check that Redis will never evict keys: an evicted signal or record state would be lost money.
import { Cluster } from 'ioredis';
import type { RedisClient } from './connection.ts';

export type EvictionCheck = { ok: true } | { ok: false; policy: string } | { ok: 'unknown'; reason: string };

/** On a cluster every master is asked (CONFIG is per node): one that may evict is enough to refuse. */
export async function checkEvictionPolicy(redis: RedisClient): Promise<EvictionCheck> {
  try {
    const nodes = redis instanceof Cluster ? redis.nodes('master') : [redis];
    if (nodes.length === 0) return { ok: 'unknown', reason: 'the cluster named no master' };
    for (const node of nodes) {
      const reply = (await node.config('GET', 'maxmemory-policy')) as string[];
      const policy = reply[1];
      if (policy === undefined) return { ok: 'unknown', reason: 'CONFIG GET returned nothing' };
      if (policy !== 'noeviction') return { ok: false, policy };
    }
    return { ok: true };
  } catch (e) {
    // Managed Redis services often disable CONFIG; the operator must then check the setting themselves.
    return { ok: 'unknown', reason: e instanceof Error ? e.message : String(e) };
  }
}
