// Budget alerts in Redis: the charge counters the commit keeps, the once-only claim, the fired alerts per portal and period, and the leased delivery queue.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import { alertIdOf } from '../../app/alert-ports.ts';
import type { AlertDelivery, AlertStore, ChargeCheck, FiredAlert } from '../../app/alert-ports.ts';
import { readAll } from './action-store.ts';
import { SCRIPTS, runScript } from './scripts.ts';
import { deploymentKey, portalKey } from './keys.ts';
import { scoredPage, sharedLowest } from './portal-walk.ts';
import { alertCheckMember, alertRevisionField, redisKeys } from './signal-store.ts';

/** Every key is the portal's (the claim writes them together), but the backfill mark, which is the deployment's. */
export interface AlertKeys {
  /** Fired alerts of a portal and period (hash: `criteria id|threshold` -> alert JSON). */
  fired(portalId: number, period: string): string;
  /** The portal's delivery JSON by alert id, with `a|id` (takes) and `l|id` (announced). */
  deliveries(portalId: number): string;
  /** The portal's alert id -> due time or lease end. */
  queue(portalId: number): string;
  charges(portalId: number): string;
  checks(portalId: number): string;
  readonly portals: string;
  /** Set once a backfill of the counters has gone through every record. */
  readonly backfilled: string;
}

function alertKeys(prefix: string): AlertKeys {
  const keys = redisKeys(prefix);
  return {
    fired: (portalId, period) => portalKey(prefix, portalId, `alerts:${period}`),
    deliveries: (portalId) => portalKey(prefix, portalId, 'alert-deliveries'),
    queue: (portalId) => portalKey(prefix, portalId, 'alert-queue'),
    charges: keys.charges,
    checks: keys.alertChecks,
    portals: keys.portals,
    backfilled: deploymentKey(prefix, 'charges-backfilled'),
  };
}

/** The portal of an alert id (`alertIdOf`: `<portal>:<criteria id>:<period>:<threshold>`). */
const alertPortal = (alertId: string): number => Number(alertId.slice(0, alertId.indexOf(':')));

/** Stored alerts outlive deploys: versioned and checked when read. */
const storedAlertSchema = z.strictObject({
  v: z.literal(1),
  portalId: z.number().int(),
  alertId: z.string(),
  criteriaId: z.string(),
  period: z.string(),
  threshold: z.number().int(),
  chargeMinor: z.string().regex(/^-?\d+$/),
  expectedMinor: z.string().regex(/^\d+$/),
  currency: z.string(),
  firedAt: z.number(),
});

function encode(portalId: number, a: FiredAlert): string {
  return JSON.stringify({ v: 1, portalId, alertId: alertIdOf(portalId, a), criteriaId: a.criteriaId, period: a.period, threshold: a.threshold, chargeMinor: String(a.chargeMinor), expectedMinor: String(a.expectedMinor), currency: a.currency, firedAt: a.firedAt });
}

function decode(json: string): { portalId: number; alertId: string; alert: FiredAlert } {
  const s = storedAlertSchema.parse(JSON.parse(json));
  return { portalId: s.portalId, alertId: s.alertId, alert: { criteriaId: s.criteriaId, period: s.period, threshold: s.threshold, chargeMinor: BigInt(s.chargeMinor), expectedMinor: BigInt(s.expectedMinor), currency: s.currency, firedAt: s.firedAt } };
}

export function createRedisAlertStore(redis: RedisClient, prefix: string): AlertStore & { readonly keys: AlertKeys } {
  const keys = alertKeys(prefix);
  const stateKey = redisKeys(prefix).state;
  return {
    keys,
    async snapshot(check) {
      // One round trip: the counters (with their revision) and what has fired for the id and period.
      const [counters, fired] = (await readAll(redis.pipeline().hgetall(keys.charges(check.portalId)).hkeys(keys.fired(check.portalId, check.period)))) as [Record<string, string>, string[]];
      const own = fired.filter((f) => f.startsWith(`${check.criteriaId}|`)).map((f) => Number(f.slice(check.criteriaId.length + 1)));
      return { counters, revision: counters[alertRevisionField(check.criteriaId, check.period)] ?? '', fired: new Set(own) };
    },
    async claim(check, revision, alerts, now) {
      const args: (string | number)[] = [now, revision, alertCheckMember(check.portalId, check.criteriaId, check.period), alertRevisionField(check.criteriaId, check.period)];
      for (const a of alerts) args.push(`${a.criteriaId}|${a.threshold}`, alertIdOf(check.portalId, a), encode(check.portalId, a));
      const p = check.portalId;
      const ks = [keys.fired(p, check.period), keys.deliveries(p), keys.queue(p), keys.charges(p), keys.checks(p)];
      const ids = new Set(await runScript(redis, SCRIPTS.alertClaim, ks, args));
      return alerts.filter((a) => ids.has(alertIdOf(check.portalId, a)));
    },
    // The oldest checks, up to `limit`, shared among the portals (portal-walk.ts).
    async staleChecks(before, limit) {
      const page = (portalId: number, offset: number, count: number) => scoredPage(redis, keys.checks(portalId), before, offset, count);
      return (await sharedLowest(redis, keys.portals, limit, page)).flatMap(({ key, at }): ChargeCheck[] => {
        const [portal, criteriaId, period] = key.split('|');
        return portal && criteriaId && period ? [{ portalId: Number(portal), criteriaId, period, at }] : [];
      });
    },
    take: (now, leaseUntil, limit) => take(redis, keys, now, leaseUntil, limit),
    async announced(alertId) {
      await redis.hset(keys.deliveries(alertPortal(alertId)), `l|${alertId}`, '1');
    },
    async finish(alertId) {
      const p = alertPortal(alertId);
      await redis.multi().zrem(keys.queue(p), alertId).hdel(keys.deliveries(p), alertId, `a|${alertId}`, `l|${alertId}`).exec();
    },
    async retryAt(alertId, at) {
      await redis.zadd(keys.queue(alertPortal(alertId)), 'XX', at, alertId);
    },
    countRecord: (record, version, counts) => runScript(redis, SCRIPTS.chargesBackfill, [stateKey(record), keys.charges(record.portalId)], [version, JSON.stringify(counts)]),
    backfilled: async () => (await redis.exists(keys.backfilled)) === 1,
    async markBackfilled() {
      await redis.set(keys.backfilled, '1');
    },
    async listFiredAlerts(portalId, period) {
      const all = Object.values(await redis.hgetall(keys.fired(portalId, period))).map((json) => decode(json).alert);
      return all.sort((a, b) => a.firedAt - b.firedAt || (a.criteriaId < b.criteriaId ? -1 : a.criteriaId > b.criteriaId ? 1 : 0) || a.threshold - b.threshold);
    },
  };
}

/**
 * The deliveries due, oldest first and shared among the portals (portal-walk.ts), up to `limit`, each
 * portal's leased by its own script: a lease is a promise to deliver. A portal's script takes its oldest
 * due, which are those chosen unless one was delivered or added in between (then the next run sees it).
 */
async function take(redis: RedisClient, keys: AlertKeys, now: number, leaseUntil: number, limit: number): Promise<AlertDelivery[]> {
  const chosen = await sharedLowest(redis, keys.portals, limit, (portalId, offset, count) => scoredPage(redis, keys.queue(portalId), now, offset, count));
  const perPortal = new Map<number, number>();
  for (const { key } of chosen) perPortal.set(alertPortal(key), (perPortal.get(alertPortal(key)) ?? 0) + 1);
  // The portals' scripts sent together (each to its portal's master on a cluster), their leases in the portals' order.
  const taken = await Promise.all([...perPortal].map(([portalId, count]) => runScript(redis, SCRIPTS.alertTake, [keys.queue(portalId), keys.deliveries(portalId)], [now, leaseUntil, count])));
  return taken.flat().map((t): AlertDelivery => ({ ...decode(t.json), attempts: t.takes, announced: t.announced }));
}
