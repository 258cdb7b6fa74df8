// The criteria versions the ledger has run with, in memory: the registry port (KnownVersions) for tests that need no Redis.
import type { KnownVersion } from '../../app/criteria-changes.ts';
import type { KnownVersions } from '../../app/criteria-source.ts';
import { versionKey } from '../../core/criteria/criteria-set.ts';

/** One registry: every load given this object checks against it, as every process and restart checks against the Redis hash. */
export function createMemoryCriteriaRegistry(): KnownVersions {
  // JSON by "id@version", as Redis keeps them: each reader gets its own copy, a later write of a version replaces it.
  const entries = new Map<string, string>();
  return {
    async read() {
      return [...entries.values()].map((json) => JSON.parse(json) as KnownVersion);
    },
    async write(versions) {
      for (const v of versions) {
        entries.set(versionKey(v.id, v.version), JSON.stringify({ id: v.id, version: v.version, canonical: v.canonical, effectiveFrom: v.effectiveFrom }));
      }
    },
  };
}
