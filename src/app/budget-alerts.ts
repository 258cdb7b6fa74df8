// Use case: budget alerts live (contract §8): check a period's thresholds after a commit raised its charge, claim each once across workers, and deliver it (log, metric, webhook) with retries.
import { countsOf, periodChargeMinor } from '../core/alerts/charge-counts.ts';
import { budgetAtOf, priceOfVersions, thresholdsDue } from '../core/alerts/thresholds.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { AlertDelivery, AlertStore, AlertWebhook, ChargeCheck, FiredAlert } from './alert-ports.ts';

export interface AlertCheckDeps {
  readonly alerts: AlertStore;
  readonly criteria: () => CriteriaSet;
  readonly clock: () => number;
}

/**
 * Checks each period against the budget in force at its instant, from the counters as committed: every
 * threshold reached and not fired yet is claimed (once across workers: the claim is atomic in the
 * store) and queued for delivery. Returns the alerts this call recorded.
 */
export async function checkCharges(deps: AlertCheckDeps, checks: readonly ChargeCheck[]): Promise<FiredAlert[]> {
  const recorded: FiredAlert[] = [];
  const criteria = deps.criteria();
  const budgetAt = budgetAtOf(criteria);
  for (const check of checks) {
    const snapshot = await deps.alerts.snapshot(check);
    const budget = budgetAt(check.criteriaId, check.at);
    const due: FiredAlert[] = [];
    if (budget !== null) {
      const chargeMinor = periodChargeMinor(countsOf(check.criteriaId, snapshot.counters), check.period, priceOfVersions(criteria)(check.criteriaId));
      for (const threshold of thresholdsDue(chargeMinor, budget, snapshot.fired)) {
        due.push({ criteriaId: check.criteriaId, period: check.period, threshold, chargeMinor, expectedMinor: budget.expectedMinor, currency: budget.currency, firedAt: check.at });
      }
    }
    // Claimed even with nothing due: that clears the check's mark.
    recorded.push(...(await deps.alerts.claim(check, snapshot.revision, due, deps.clock())));
  }
  return recorded;
}

/**
 * The safety net for a worker that died between its commit and its check: marks older than `graceMs`
 * (event time; every commit is at least the hold behind the clock) are checked again. Checking twice
 * is harmless: the claim fires nothing twice.
 */
export async function recheckStale(deps: AlertCheckDeps, graceMs: number, limit = 100): Promise<FiredAlert[]> {
  const stale = await deps.alerts.staleChecks(deps.clock() - graceMs, limit);
  return stale.length === 0 ? [] : checkCharges(deps, stale);
}

export interface AlertDeliveryDeps {
  readonly alerts: AlertStore;
  /** Absent without ALERT_WEBHOOK_URL: delivery is then the log line and the metric. */
  readonly webhook?: AlertWebhook;
  readonly clock: () => number;
  /** The log line and the metric, once per alert (at its first take that gets this far). */
  readonly announce: (delivery: AlertDelivery) => void;
  /** A webhook POST failed; `final` when no retry follows. */
  readonly failed: (delivery: AlertDelivery, error: string, final: boolean) => void;
}

/** A deliverer holds an alert this long; a webhook POST times out well before. */
export const ALERT_LEASE_MS = 30_000;
/** Retries back off from 1 s, doubling up to 10 min; after this many takes the alert is given up (and logged as such). */
export const ALERT_MAX_ATTEMPTS = 15;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 10 * 60_000;

export const alertBackoffMs = (attempts: number): number => Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));

/** Delivers the alerts that are due: each is announced once, then POSTed until the webhook takes it. Returns how many were finished. */
export async function deliverAlerts(deps: AlertDeliveryDeps, limit = 50): Promise<number> {
  const now = deps.clock();
  const taken = await deps.alerts.take(now, now + ALERT_LEASE_MS, limit);
  let finished = 0;
  for (const d of taken) {
    if (!d.announced) {
      deps.announce(d);
      await deps.alerts.announced(d.alertId);
    }
    const result = deps.webhook ? await deps.webhook.post(d) : ({ ok: true } as const);
    if (result.ok) {
      await deps.alerts.finish(d.alertId);
      finished++;
      continue;
    }
    const final = !result.retry || d.attempts >= ALERT_MAX_ATTEMPTS;
    deps.failed(d, result.error, final);
    if (final) await deps.alerts.finish(d.alertId);
    else await deps.alerts.retryAt(d.alertId, deps.clock() + alertBackoffMs(d.attempts));
  }
  return finished;
}
