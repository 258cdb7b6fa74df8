// The editors and resolvers added on the settings page, in Redis: one JSON value per portal, changed by compare-and-set so two changes never lose one another.
import { z } from 'zod';
import { NO_ACCESS } from '../../app/access-lists.ts';
import type { AccessStore, StoredAccess } from '../../app/access-lists.ts';
import type { RedisClient } from './connection.ts';
import { portalKey } from './keys.ts';

const schema = z.strictObject({ editors: z.array(z.number().int()), resolverIds: z.array(z.number().int()), resolverEmails: z.array(z.string()) });

const MAX_TRIES = 50;

const COMPARE_AND_SET = "if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end redis.call('SET', KEYS[1], ARGV[2]) return 1";

const accessKey = (prefix: string, portalId: number): string => portalKey(prefix, portalId, 'access');

export function createRedisAccessStore(redis: RedisClient, prefix: string): AccessStore {
  const parse = (raw: string | null): StoredAccess => (raw === null ? NO_ACCESS : schema.parse(JSON.parse(raw)));
  return {
    async read(portalId) {
      return parse(await redis.get(accessKey(prefix, portalId)));
    },
    async update(portalId, change) {
      const key = accessKey(prefix, portalId);
      for (let i = 0; i < MAX_TRIES; i++) {
        const raw = await redis.get(key);
        const current = parse(raw);
        const next = change(current);
        if (next === null) return current;
        // Written only over the value the change was computed from (absent: the empty string stands for it).
        if ((await redis.eval(COMPARE_AND_SET, 1, key, raw ?? '', JSON.stringify(next))) === 1) return next;
      }
      throw new Error(`the access lists of portal ${portalId} kept changing (${MAX_TRIES} tries)`);
    },
  };
}
