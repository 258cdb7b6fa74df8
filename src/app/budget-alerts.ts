// Use case: budget alerts live (contract §8): check a period's thresholds after a commit raised its charge, claim each once across workers, and deliver it (log, metric, webhook) with retries.
import { counterFields, countsOf, creditsAsOf, periodChargeMinor } from '../core/alerts/charge-counts.ts';
import { budgetAtOf, priceOfVersions, thresholdsDue } from '../core/alerts/thresholds.ts';
import type { CriteriaSet } from '../core/criteria/criteria-set.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import { lineMinor } from '../core/invoice/adjustments.ts';
import { ratedLinesByPeriod } from '../core/invoice/lines.ts';
import type { RatedLine } from '../core/invoice/lines.ts';
import type { AlertDelivery, AlertStore, AlertWebhook, ChargeCheck, FiredAlert } from './alert-ports.ts';
import type { SignalStore } from './ports.ts';

export interface AlertCheckDeps {
  readonly alerts: AlertStore;
  readonly criteria: () => CriteriaSet;
  readonly clock: () => number;
  /** The portal's whole ledger: read (once per call) for ids with a budget `limit` only. */
  readonly ledger: (portalId: number) => Promise<readonly Outcome[]>;
}

/**
 * Whether the id's charge must come from the whole ledger: with a `limit`, which outcomes are charged
 * depends on the settlement order of all of the period's outcomes (contract §8), which the counters
 * do not keep. Such checks are left to the repeating job, which reads each portal's ledger once a run.
 */
export function chargeNeedsLedger(criteria: CriteriaSet, criteriaId: string): boolean {
  return criteria.versions().some((v) => v.id === criteriaId && v.budget?.limitMinor != null);
}

/** The id's charge in the period as the invoice has it: its charge and credit lines (over-limit lines charge nothing). */
function ledgerChargeMinor(lines: ReadonlyMap<string, readonly RatedLine[]>, criteriaId: string, period: string): bigint {
  let total = 0n;
  for (const l of lines.get(period) ?? []) if (l.criteriaId === criteriaId) total += lineMinor(l.amount, l.currency);
  return total;
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
  // A portal's ledger is read once per call, however many of its checks need it; rated once too,
  // unless a credit was upheld after a check's instant (then that check rates the ledger without it).
  const ledgers = new Map<number, Promise<readonly Outcome[]>>();
  const rated = new Map<readonly Outcome[], Map<string, RatedLine[]>>();
  const linesOf = async (check: ChargeCheck) => {
    const read = ledgers.get(check.portalId) ?? ledgers.set(check.portalId, deps.ledger(check.portalId)).get(check.portalId)!;
    const outcomes = creditsAsOf(await read, check.at);
    return rated.get(outcomes) ?? rated.set(outcomes, ratedLinesByPeriod(outcomes, criteria)).get(outcomes)!;
  };
  for (const check of checks) {
    const snapshot = await deps.alerts.snapshot(check);
    const budget = budgetAt(check.criteriaId, check.at);
    const due: FiredAlert[] = [];
    if (budget !== null) {
      // As of the check's instant: credits upheld later in event time are not yet the charge's (as in simulate).
      const chargeMinor = chargeNeedsLedger(criteria, check.criteriaId)
        ? ledgerChargeMinor(await linesOf(check), check.criteriaId, check.period)
        : periodChargeMinor(countsOf(check.criteriaId, snapshot.counters, check.at), check.period, priceOfVersions(criteria)(check.criteriaId));
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
 * The repeating job's checks: those left to it (ids with a limit), and the safety net for a worker that
 * died between its commit and its check: marks older than `graceMs` (event time; every commit is at
 * least the hold behind the clock). Checking twice is harmless: the claim fires nothing twice.
 */
export async function recheckStale(deps: AlertCheckDeps, graceMs: number, limit = 500): Promise<FiredAlert[]> {
  const now = deps.clock();
  const criteria = deps.criteria();
  const marked = await deps.alerts.staleChecks(now, limit);
  const due = marked.filter((c) => c.at <= now - graceMs || chargeNeedsLedger(criteria, c.criteriaId));
  return due.length === 0 ? [] : checkCharges(deps, due);
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

/**
 * Counts every record last written before the charge counters existed, once (a record's commits count
 * it themselves from then on): run by each worker at start until one has gone through every record.
 * Safe beside live commits: each record is counted under its version, or read again. Returns how many
 * records it counted.
 */
export async function backfillCounters(deps: { readonly store: Pick<SignalStore, 'listRecords' | 'load'>; readonly alerts: AlertStore }): Promise<number> {
  if (await deps.alerts.backfilled()) return 0;
  let counted = 0;
  for await (const record of deps.store.listRecords()) {
    for (;;) {
      const { version, state } = await deps.store.load(record, Number.NEGATIVE_INFINITY);
      if (state === null) break;
      const result = await deps.alerts.countRecord(record, version, Object.fromEntries(counterFields(state.outcomes)));
      if (result === 'counted') counted++;
      if (result !== 'changed') break;
    }
  }
  await deps.alerts.markBackfilled();
  return counted;
}
