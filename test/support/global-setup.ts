// Vitest global setup: fail fast, with the fix, when the Redis the integration tests need does not answer.
import { Redis } from 'ioredis';
import { REDIS_URL } from './redis.ts';

export default async function setup(): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 2_000, retryStrategy: () => null });
  // The failure is reported below, with the fix; ioredis would also print it as unhandled.
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    throw new Error(
      `The tests need Redis at ${REDIS_URL} and it does not answer (${e instanceof Error ? e.message : String(e)}).\n` +
        `Start one: redis-server --daemonize yes --port 6379 --save '' --appendonly no --maxmemory-policy noeviction\n` +
        `or set REDIS_URL to one that runs.`,
      { cause: e },
    );
  } finally {
    redis.disconnect();
  }
}
