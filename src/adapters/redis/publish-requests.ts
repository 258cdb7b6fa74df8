// The settings page's publish request ids in Redis: a retried publish gets the first answer, never a second version.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import type { PublishRequests } from '../../app/request-once.ts';
import { portalKey } from './keys.ts';

/** A day: HubSpot's client retries within seconds; a page left open overnight makes a new id. */
const KEEP_SECONDS = 86_400;
/** A claim whose publish died with its process frees itself after this long. */
const PENDING_SECONDS = 60;

const entrySchema = z.union([z.strictObject({ pending: z.literal(true), fingerprint: z.string() }), z.strictObject({ fingerprint: z.string(), answer: z.string() })]);

export function createRedisPublishRequests(redis: RedisClient, prefix: string): PublishRequests {
  const key = (portalId: number, requestId: string) => portalKey(prefix, portalId, `criteria-publish-requests:${requestId}`);
  return {
    async claim(portalId, requestId, fingerprint) {
      const k = key(portalId, requestId);
      const set = await redis.set(k, JSON.stringify({ pending: true, fingerprint }), 'EX', PENDING_SECONDS, 'NX');
      if (set === 'OK') return { kind: 'claimed' };
      const raw = await redis.get(k);
      // Expired between the two calls: the first attempt is gone, so this one may go ahead.
      if (raw === null) return (await redis.set(k, JSON.stringify({ pending: true, fingerprint }), 'EX', PENDING_SECONDS, 'NX')) === 'OK' ? { kind: 'claimed' } : { kind: 'pending' };
      const entry = entrySchema.parse(JSON.parse(raw));
      return 'answer' in entry ? { kind: 'answered', fingerprint: entry.fingerprint, answer: entry.answer } : { kind: 'pending' };
    },
    async finish(portalId, requestId, fingerprint, answer) {
      await redis.set(key(portalId, requestId), JSON.stringify({ fingerprint, answer }), 'EX', KEEP_SECONDS);
    },
    async release(portalId, requestId) {
      await redis.del(key(portalId, requestId));
    },
  };
}
