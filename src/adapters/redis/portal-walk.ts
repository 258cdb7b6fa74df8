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

/** (score, member) order, as a sorted set keeps it. */
const byScore = (a: { readonly at: number; readonly key: string }, b: { readonly at: number; readonly key: string }): number => a.at - b.at || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** A portal's entries from `offset` on, at most `count`, in (score, member) order. */
export type PortalPage<T> = (portalId: number, offset: number, count: number) => Promise<T[]>;

/**
 * About the `limit` lowest entries over every portal, each portal read in shares rather than whole: a
 * round asks each portal that filled its last share for an equal share of what is left of `limit`, so
 * a call reads about `limit` entries however many portals there are (reading each portal's first
 * `limit` made a backlog on 1,000 portals a read of millions, sorted on the worker's event loop), and a
 * portal with fewer entries leaves its share to the others for the next round. The answer is the lowest
 * `limit` of what was read, in (at, key) order, each key once: the oldest of each portal, shared fairly
 * among portals rather than strictly oldest overall, which is what a sweep or a drain run needs.
 */
export async function sharedLowest<T extends { readonly at: number; readonly key: string }>(redis: RedisClient, portalsKey: string, limit: number, page: PortalPage<T>): Promise<T[]> {
  let open = await portalIds(redis, portalsKey);
  const offsets = new Map<number, number>();
  const read = new Map<string, T>();
  while (open.length > 0 && read.size < limit) {
    const share = Math.ceil((limit - read.size) / open.length);
    const pages = await Promise.all(open.map((p) => page(p, offsets.get(p) ?? 0, share)));
    const full: number[] = [];
    pages.forEach((entries, i) => {
      const portalId = open[i]!;
      // A page read while entries come and go may repeat one an earlier round read: kept once.
      for (const e of entries) read.set(e.key, e);
      offsets.set(portalId, (offsets.get(portalId) ?? 0) + entries.length);
      if (entries.length === share) full.push(portalId);
    });
    open = full;
  }
  return [...read.values()].sort(byScore).slice(0, limit);
}

/** A sorted set's members scored up to `max`, from `offset` on, at most `count`, with their scores. */
export async function scoredPage(redis: RedisClient, key: string, max: number, offset: number, count: number): Promise<{ key: string; at: number; score: string }[]> {
  const raw = await redis.zrangebyscore(key, '-inf', Number.isFinite(max) ? String(max) : '+inf', 'WITHSCORES', 'LIMIT', offset, count);
  const out: { key: string; at: number; score: string }[] = [];
  for (let i = 0; i < raw.length; i += 2) out.push({ key: raw[i]!, at: Number(raw[i + 1]), score: raw[i + 1]! });
  return out;
}
