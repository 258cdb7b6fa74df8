// Start-up check that Redis will never evict keys: an evicted signal or record state would be lost money.
import type { Redis } from 'ioredis';

export type EvictionCheck = { ok: true } | { ok: false; policy: string } | { ok: 'unknown'; reason: string };

export async function checkEvictionPolicy(redis: Redis): Promise<EvictionCheck> {
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    const policy = reply[1];
    if (policy === undefined) return { ok: 'unknown', reason: 'CONFIG GET returned nothing' };
    return policy === 'noeviction' ? { ok: true } : { ok: false, policy };
  } catch (e) {
    // Managed Redis services often disable CONFIG; the operator must then check the setting themselves.
    return { ok: 'unknown', reason: e instanceof Error ? e.message : String(e) };
  }
}
