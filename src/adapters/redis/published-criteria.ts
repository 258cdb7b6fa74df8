// Criteria versions published from HubSpot, in Redis: immutable entries, the next number taken atomically, a revision every process watches.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import type { PublishedStore, PublishedVersion } from '../../app/published-criteria.ts';
import { runScript, SCRIPTS } from './scripts.ts';
import { criteriaVersionsKey } from './criteria-registry.ts';
import { deploymentKey } from './keys.ts';

const entrySchema = z.strictObject({
  id: z.string(),
  version: z.number().int().positive(),
  text: z.string(),
  effectiveFrom: z.number(),
  changeNotes: z.string(),
  publishedBy: z.strictObject({ userId: z.number().int(), email: z.string().nullable() }),
  publishedAt: z.number(),
  answers: z.array(z.strictObject({ portalId: z.number().int(), outcomeId: z.string() })).optional(),
});

function publishedCriteriaKeys(prefix: string) {
  return {
    versions: deploymentKey(prefix, 'criteria-published'),
    highest: deploymentKey(prefix, 'criteria-published:highest'),
    // The criteria registry's hash (criteria-registry.ts): a published version is known to the ledger from the moment it is stored.
    known: criteriaVersionsKey(prefix),
    revision: deploymentKey(prefix, 'criteria-published:revision'),
  };
}

export function createPublishedCriteriaStore(redis: RedisClient, prefix: string): PublishedStore {
  const keys = publishedCriteriaKeys(prefix);
  return {
    async readAll() {
      const raw = await redis.hvals(keys.versions);
      const all: PublishedVersion[] = raw.map((json) => entrySchema.parse(JSON.parse(json)));
      return all.sort((a, b) => (a.id === b.id ? a.version - b.version : a.id < b.id ? -1 : 1));
    },
    async insert(entry, known) {
      const taken = await runScript(redis, SCRIPTS.criteriaPublish, [keys.versions, keys.highest, keys.known, keys.revision], [
        entry.id,
        entry.version,
        JSON.stringify(entry),
        JSON.stringify({ canonical: known.canonical, effectiveFrom: known.effectiveFrom }),
      ]);
      return taken === 0 ? { ok: true } : { ok: false, taken };
    },
    async revision() {
      return (await redis.get(keys.revision)) ?? '0';
    },
  };
}
