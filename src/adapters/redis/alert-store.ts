// Budget alerts in Redis: the charge counters the commit keeps, the once-only claim, the fired alerts per portal and period, and the leased delivery queue.
import { z } from 'zod';
import type { RedisClient } from './connection.ts';
import { alertIdOf } from '../../app/alert-ports.ts';
import type { AlertDelivery, AlertStore, ChargeCheck, FiredAlert } from '../../app/alert-ports.ts';
import { readAll } from './action-store.ts';
import { SCRIPTS, runScript } from './scripts.ts';
import { alertCheckMember, alertRevisionField, redisKeys } from './signal-store.ts';

export interface AlertKeys {
  /** Fired alerts of a portal and period (hash: `criteria id|threshold` -> alert JSON). */
  fired(portalId: number, period: string): string;
  /** Delivery JSON by alert id, with `a|id` (takes) and `l|id` (announced). */
  readonly deliveries: string;
  /** Alert id -> due time or lease end. */
  readonly queue: string;
  charges(portalId: number): string;
  readonly checks: string;
  /** Set once a backfill of the counters has gone through every record. */
  readonly backfilled: string;
}

export function alertKeys(prefix: string): AlertKeys {
  const keys = redisKeys(prefix);
  return {
    fired: (portalId, period) => `${prefix}:alerts:${portalId}:${period}`,
    deliveries: `${prefix}:alert-deliveries`,
    queue: `${prefix}:alert-queue`,
    charges: keys.charges,
    checks: keys.alertChecks,
    backfilled: `${prefix}:charges-backfilled`,
  };
}

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
      const ks = [keys.fired(check.portalId, check.period), keys.deliveries, keys.queue, keys.charges(check.portalId), keys.checks];
      const ids = new Set(await runScript(redis, SCRIPTS.alertClaim, ks, args));
      return alerts.filter((a) => ids.has(alertIdOf(check.portalId, a)));
    },
    async staleChecks(before, limit) {
      const raw = await redis.zrangebyscore(keys.checks, '-inf', String(before), 'WITHSCORES', 'LIMIT', 0, limit);
      const out: ChargeCheck[] = [];
      for (let i = 0; i < raw.length; i += 2) {
        const [portal, criteriaId, period] = raw[i]!.split('|');
        if (portal && criteriaId && period) out.push({ portalId: Number(portal), criteriaId, period, at: Number(raw[i + 1]) });
      }
      return out;
    },
    async take(now, leaseUntil, limit) {
      const taken = await runScript(redis, SCRIPTS.alertTake, [keys.queue, keys.deliveries], [now, leaseUntil, limit]);
      return taken.map((t): AlertDelivery => ({ ...decode(t.json), attempts: t.takes, announced: t.announced }));
    },
    async announced(alertId) {
      await redis.hset(keys.deliveries, `l|${alertId}`, '1');
    },
    async finish(alertId) {
      await redis.multi().zrem(keys.queue, alertId).hdel(keys.deliveries, alertId, `a|${alertId}`, `l|${alertId}`).exec();
    },
    async retryAt(alertId, at) {
      await redis.zadd(keys.queue, 'XX', at, alertId);
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
