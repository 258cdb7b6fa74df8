// The webhook quarantine in Redis: one sorted set per portal (score: when first received), bounded in count and age.
import type { QuarantineEntry, QuarantineStore, QuarantinedEvent } from '../../app/quarantine-ports.ts';
import type { RedisClient } from './connection.ts';
import { readAll } from './action-store.ts';
import { deploymentKey, portalKey } from './keys.ts';

export interface QuarantineBounds {
  /** Entries kept per portal: the newest. */
  readonly maxEntries: number;
  /** An entry older than this is dropped (and not listed). */
  readonly retentionMs: number;
}

/** The key of a portal's quarantine; `unknown` holds deliveries in which no event named a portal. */
export const quarantineKey = (prefix: string, portalId: number | null): string => portalId === null ? deploymentKey(prefix, 'quarantine:unknown') : portalKey(prefix, portalId, 'quarantine');

/**
 * The member is the entry without its time, and without HubSpot's `attemptNumber`: a delivery
 * HubSpot sends again (after a 503, or a lost answer) adds nothing, and the first time is kept (NX).
 */
export function quarantineMember(event: QuarantinedEvent): string {
  const raw = event.event;
  const withoutAttempt = typeof raw === 'object' && raw !== null && !Array.isArray(raw) && 'attemptNumber' in raw ? { ...raw, attemptNumber: undefined } : raw;
  return JSON.stringify({ reason: event.reason, problems: event.problems, event: withoutAttempt });
}

export function decodeQuarantineMember(member: string, receivedAt: number): QuarantineEntry {
  const { reason, problems, event } = JSON.parse(member) as QuarantinedEvent;
  return { receivedAt, reason, problems, event };
}

export function createRedisQuarantineStore(redis: RedisClient, prefix: string, bounds: QuarantineBounds): QuarantineStore {
  return {
    async add(portalId, events, receivedAt) {
      if (events.length === 0) return;
      const key = quarantineKey(prefix, portalId);
      const scored = events.flatMap((e) => [receivedAt, quarantineMember(e)]);
      // One key, one MULTI: the bounds hold after every write, whatever the order of concurrent deliveries.
      await readAll(
        redis
          .multi()
          .zadd(key, 'NX', ...scored)
          .zremrangebyscore(key, '-inf', `(${receivedAt - bounds.retentionMs}`)
          .zremrangebyrank(key, 0, -(bounds.maxEntries + 1))
          .pexpire(key, bounds.retentionMs),
      );
    },
    async list(portalId, limit, now) {
      const key = quarantineKey(prefix, portalId);
      const oldest = now - bounds.retentionMs;
      const [members, total] = (await readAll(
        redis.pipeline().zrevrangebyscore(key, '+inf', oldest, 'WITHSCORES', 'LIMIT', 0, limit).zcount(key, oldest, '+inf'),
      )) as [string[], number];
      const entries: QuarantineEntry[] = [];
      for (let i = 0; i < members.length; i += 2) entries.push(decodeQuarantineMember(members[i]!, Number(members[i + 1])));
      return { entries, total };
    },
  };
}
