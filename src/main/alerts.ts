// Budget alerts in the worker role: a check after each commit that raised a charge, the repeating safety net and delivery, each alert announced as one log line and the metric.
import type { AlertDelivery } from '../app/alert-ports.ts';
import { backfillCounters, chargeNeedsLedger, checkCharges, deliverAlerts, recheckStale } from '../app/budget-alerts.ts';
import type { AlertCheckDeps, AlertDeliveryDeps } from '../app/budget-alerts.ts';
import { portalOutcomes } from '../app/ledger-outcomes.ts';
import type { RecordRef } from '../app/ports.ts';
import type { RaisedCharge } from '../core/alerts/charge-counts.ts';
import { alertPayload, createAlertWebhook } from '../adapters/http/alert-webhook.ts';
import { createRedisAlertStore } from '../adapters/redis/alert-store.ts';
import type { Runtime } from './runtime.ts';

export interface LiveAlerts {
  /** After a commit: checks the periods it raised (of ids without a limit), and starts delivering what that fired. Never throws: a failed check is left to the safety net. */
  afterCommit(record: RecordRef, checks: readonly RaisedCharge[]): Promise<void>;
  /** The repeating job: checks that a dead worker left marked, then the deliveries that are due. */
  run(): Promise<{ recovered: number; delivered: number }>;
  /** Counts the records written before the charge counters existed (once per deployment); logs, never throws. */
  backfill(): Promise<void>;
}

/** What the alerts use of the runtime. */
export type AlertsRuntime = Pick<Runtime, 'config' | 'logger' | 'metrics' | 'clock' | 'workerRedis' | 'store' | 'criteria'>;

export function createLiveAlerts(rt: AlertsRuntime): LiveAlerts {
  const { config, logger, metrics, clock } = rt;
  const alerts = createRedisAlertStore(rt.workerRedis, config.redisPrefix);
  const checkDeps: AlertCheckDeps = { alerts, criteria: rt.criteria.current, clock, ledger: (portalId) => portalOutcomes(rt.store, portalId) };
  const deliveryDeps: AlertDeliveryDeps = {
    alerts,
    clock,
    ...(config.alertWebhook ? { webhook: createAlertWebhook({ ...config.alertWebhook, clock }) } : {}),
    announce: (d: AlertDelivery) => {
      metrics.budgetAlerts.inc({ criteria_id: d.alert.criteriaId, threshold: String(d.alert.threshold) });
      const { text, ...fields } = alertPayload(d);
      logger.warn({ alert: fields }, text as string);
    },
    failed: (d, error, final) =>
      (final ? logger.error.bind(logger) : logger.warn.bind(logger))({ alertId: d.alertId, attempt: d.attempts, error }, final ? 'budget alert webhook: giving up on this alert' : 'budget alert webhook failed: will retry'),
  };
  // The safety net must not race a live worker's own check: marks younger than the hold plus this are left alone.
  const graceMs = config.signalHoldMs + 5_000;
  const deliverSoon = () => void deliverAlerts(deliveryDeps).catch((e: unknown) => logger.warn({ err: String(e) }, 'budget alert delivery failed: the repeating job tries again'));
  return {
    async afterCommit(record, raised) {
      // An id with a limit needs its whole ledger: the repeating job checks it, once a run per portal.
      const criteria = rt.criteria.current();
      const checks = raised.filter((c) => !chargeNeedsLedger(criteria, c.criteriaId)).map((c) => ({ portalId: record.portalId, ...c }));
      if (checks.length === 0) return;
      try {
        const fired = await checkCharges(checkDeps, checks);
        if (fired.length > 0) deliverSoon();
      } catch (e) {
        logger.warn({ record, err: e instanceof Error ? e.message : String(e) }, 'budget alert check failed: the repeating job checks again');
      }
    },
    async backfill() {
      try {
        const counted = await backfillCounters({ store: rt.store, alerts });
        if (counted > 0) logger.info({ records: counted }, 'charge counters: counted the records written before they existed');
      } catch (e) {
        logger.warn({ err: e instanceof Error ? e.message : String(e) }, 'charge counters backfill failed: the next worker start tries again');
      }
    },
    async run() {
      const recovered = (await recheckStale(checkDeps, graceMs)).length;
      const delivered = await deliverAlerts(deliveryDeps);
      return { recovered, delivered };
    },
  };
}
