// Deployment-wide reads over per-portal keys: each portal's keys sit in its own hash slot, so such a read asks every portal in turn.
import type { RedisClient } from './connection.ts';

/**
 * Lists a portal in the deployment's set (idempotent). Every write that gives a reader something of a
 * portal to walk to calls this first, as a command of its own: the set sits in another slot than the
 * portal's keys. A crash in between leaves a listed portal with nothing new, which readers take as it
 * is; the other order could store what no reader walks to.
 */
export async function listPortal(redis: RedisClient, portalsKey: string, portalId: number): Promise<void> {
  await redis.sadd(portalsKey, String(portalId));
}

/** How long a process takes a portal it listed to be listed still (the set is only ever added to). */
export const RELIST_MS = 60_000;

/**
 * `listPortal` for the receiver's hot path: a portal this process listed less than `RELIST_MS` ago is not
 * listed again, which saves a round trip per delivery. Should the set lose a member (a failover that
 * drops an unreplicated write), the next delivery after `RELIST_MS` lists it again, and readers then
 * find everything stored meanwhile: it sits in the portal's own keys.
 */
export function portalLister(redis: RedisClient, portalsKey: string, clock: () => number = Date.now): (portalId: number) => Promise<void> {
  const listedAt = new Map<number, number>();
  return async (portalId) => {
    const now = clock();
    const last = listedAt.get(portalId);
    if (last !== undefined && now - last < RELIST_MS) return;
    await listPortal(redis, portalsKey, portalId);
    listedAt.set(portalId, now);
  };
}

/** The portals that ever had a signal, in ascending order. */
export async function portalIds(redis: RedisClient, portalsKey: string): Promise<number[]> {
  return (await redis.smembers(portalsKey)).map(Number).sort((a, b) => a - b);
}

/**
 * One read per portal, sent together (ioredis writes them without waiting for each answer, and on a
 * cluster each goes to its portal's master); the answers in the portals' order.
 */
export async function acrossPortals<T>(redis: RedisClient, portalsKey: string, read: (portalId: number) => Promise<T>): Promise<T[]> {
  return Promise.all((await portalIds(redis, portalsKey)).map(read));
}

/** The `limit` entries with the lowest scores of several per-portal lists, each already in (score, member) order. */
export function lowest<T extends { readonly at: number; readonly key: string }>(lists: readonly (readonly T[])[], limit: number): T[] {
  return lists
    .flat()
    .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .slice(0, limit);
}
