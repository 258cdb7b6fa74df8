// The webhook quarantine in memory, with the Redis store's semantics (one set per portal, bounded, each event once): for tests.
import { StoreUnavailableError } from '../../app/ports.ts';
import type { QuarantineStore } from '../../app/quarantine-ports.ts';
import { decodeQuarantineMember, quarantineMember } from '../redis/quarantine-store.ts';
import type { QuarantineBounds } from '../redis/quarantine-store.ts';
import { SortedSet } from './sorted-set.ts';

export interface MemoryQuarantineStore extends QuarantineStore {
  /** While on, every call fails with StoreUnavailableError, as while Redis is down. */
  simulateOutage(on: boolean): void;
}

export function createMemoryQuarantineStore(bounds: QuarantineBounds = { maxEntries: 1_000, retentionMs: 30 * 24 * 3_600_000 }): MemoryQuarantineStore {
  const sets = new Map<string, SortedSet>();
  let down = false;
  const setOf = (portalId: number | null) => {
    const name = String(portalId);
    const set = sets.get(name) ?? new SortedSet();
    sets.set(name, set);
    return set;
  };
  const check = () => {
    if (down) throw new StoreUnavailableError('memory quarantine: simulated outage');
  };
  return {
    simulateOutage(on) {
      down = on;
    },
    async add(portalId, events, receivedAt) {
      check();
      const set = setOf(portalId);
      for (const e of events) set.addNew(quarantineMember(e), receivedAt);
      const all = set.upTo(Number.POSITIVE_INFINITY);
      const expired = all.filter(([, at]) => at < receivedAt - bounds.retentionMs);
      const excess = all.slice(0, Math.max(0, all.length - bounds.maxEntries));
      for (const [member] of [...expired, ...excess]) set.delete(member);
    },
    async list(portalId, limit, now) {
      check();
      const live = setOf(portalId).upTo(Number.POSITIVE_INFINITY).filter(([, at]) => at >= now - bounds.retentionMs).reverse();
      return { entries: live.slice(0, limit).map(([member, at]) => decodeQuarantineMember(member, at)), total: live.length };
    },
  };
}
