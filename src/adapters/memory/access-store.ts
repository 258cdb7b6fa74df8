// The editors and resolvers added on the settings page, in memory: for tests and the demo.
import { NO_ACCESS } from '../../app/access-lists.ts';
import type { AccessStore, StoredAccess } from '../../app/access-lists.ts';

export function createMemoryAccessStore(): AccessStore {
  const byPortal = new Map<number, StoredAccess>();
  return {
    async read(portalId) {
      return byPortal.get(portalId) ?? NO_ACCESS;
    },
    async update(portalId, change) {
      const current = byPortal.get(portalId) ?? NO_ACCESS;
      const next = change(current);
      if (next !== null) byPortal.set(portalId, next);
      return next ?? current;
    },
  };
}
