// Test support: a real Redis connection with a key prefix of the test's own, cleaned up by prefix only (never FLUSHDB).
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testPrefix(name: string): string {
  return `ob-test-${name}-${randomBytes(4).toString('hex')}`;
}

export function connect(url = REDIS_URL): Redis {
  // BullMQ needs maxRetriesPerRequest: null on connections it blocks on.
  return new Redis(url, { maxRetriesPerRequest: null });
}

/** Deletes every key under the prefix: only what this test created. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
