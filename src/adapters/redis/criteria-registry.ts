// The criteria versions the ledger has run with, in Redis, so every process and every restart checks changes against them.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import { versionKey } from '../../core/criteria/criteria-set.ts';
import type { KnownVersion } from '../../app/criteria-changes.ts';
import { deploymentKey } from './keys.ts';

const entrySchema = z.strictObject({ canonical: z.string(), effectiveFrom: z.number() });

export interface CriteriaRegistry {
  read(): Promise<KnownVersion[]>;
  /** Records versions as known (a later edit of one not yet in force overwrites it). */
  write(versions: readonly KnownVersion[]): Promise<void>;
}

/** The versions the ledger knows (hash: id@version -> JSON): the publish script writes it too (published-criteria.ts). */
export const criteriaVersionsKey = (prefix: string): string => deploymentKey(prefix, 'criteria-versions');

export function createCriteriaRegistry(redis: RedisClient, prefix: string): CriteriaRegistry {
  const key = criteriaVersionsKey(prefix);
  return {
    async read() {
      const raw = await redis.hgetall(key);
      return Object.entries(raw).map(([field, json]) => {
        const at = field.lastIndexOf('@');
        const entry = entrySchema.parse(JSON.parse(json));
        return { id: field.slice(0, at), version: Number(field.slice(at + 1)), ...entry };
      });
    },
    async write(versions) {
      if (versions.length === 0) return;
      await redis.hset(key, Object.fromEntries(versions.map((v) => [versionKey(v.id, v.version), JSON.stringify({ canonical: v.canonical, effectiveFrom: v.effectiveFrom })])));
    },
  };
}
