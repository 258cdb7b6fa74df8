// Reconcile's repair on the write-back's Redis keys: forget what was last written for an outcome and put its record back in the outbox, so the next drain writes its log again.
import type { RedisClient } from './connection.ts';
import { recordRefKey } from '../../app/ports.ts';
import type { RepairQueue } from '../../app/reconcile-ports.ts';
import { writtenMark, writtenOutcomeField } from '../../app/writeback-plan.ts';
import { listPortal } from './portal-walk.ts';
import { writebackKeys } from './writeback-store.ts';

/** A content hash no log ever has: the drain sees the log as changed and upserts it. */
const STALE = 'reconcile-repair';

/**
 * One MULTI per portal (a reconcile's items are one portal's; the marks and the outbox share its slot).
 * An outcome HubSpot has a log for keeps that log's id with a stale hash (the drain upserts it; the
 * association exists); one HubSpot has no log for loses its mark (the drain upserts and associates it as
 * new). The outbox score is set to `now` even over an earlier one (both are due): a drain already
 * running with the old marks then finds the score changed and keeps the entry for the next run, instead
 * of removing it with the repair unwritten.
 */
export function createRedisRepairQueue(redis: RedisClient, prefix: string): RepairQueue {
  const keys = writebackKeys(prefix);
  return {
    async requeue(items, now) {
      if (items.length === 0) return 0;
      for (const portalId of new Set(items.map((item) => item.record.portalId))) {
        await listPortal(redis, keys.portals, portalId);
        const multi = redis.multi();
        for (const item of items.filter((x) => x.record.portalId === portalId)) {
          const field = writtenOutcomeField(portalId, item.outcomeId);
          if (item.logId === null) multi.hdel(keys.writtenOutcomes(portalId), field);
          else multi.hset(keys.writtenOutcomes(portalId), field, writtenMark(item.logId, STALE));
          multi.zadd(keys.outbox(portalId), Math.floor(now), recordRefKey(item.record));
        }
        await multi.exec();
      }
      return items.length;
    },
  };
}
