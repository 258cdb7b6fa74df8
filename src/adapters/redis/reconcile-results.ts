// The latest reconcile of each period in Redis (one hash per portal, period -> summary JSON), for the home page to show next to the period's state.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import type { ReconcileResults, ReconcileSummary } from '../../app/reconcile-ports.ts';
import { portalKey } from './keys.ts';

export const reconcileResultsKey = (prefix: string, portalId: number): string => portalKey(prefix, portalId, 'reconciled');

const summary = z.object({
  at: z.string(),
  clean: z.boolean(),
  mismatches: z.number().int().min(0),
  byKind: z.record(z.string(), z.number().int()),
  repaired: z.object({ queued: z.number().int(), archived: z.number().int() }).nullable(),
});

export function createRedisReconcileResults(redis: RedisClient, prefix: string): ReconcileResults {
  return {
    async save(portalId, period, s) {
      await redis.hset(reconcileResultsKey(prefix, portalId), period, JSON.stringify(s));
    },
    async latest(portalId) {
      const out: Record<string, ReconcileSummary> = {};
      for (const [period, raw] of Object.entries(await redis.hgetall(reconcileResultsKey(prefix, portalId)))) {
        // An entry this version cannot read is left out rather than shown wrong.
        const parsed = summary.safeParse(JSON.parse(raw));
        if (parsed.success) out[period] = parsed.data;
      }
      return out;
    },
  };
}
