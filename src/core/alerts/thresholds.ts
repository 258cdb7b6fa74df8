// Budget alerts (contract §8): which thresholds a period's charge has reached, and the alerts a whole ledger fires, instant by instant (simulate's).
import type { CriteriaSet } from '../criteria/criteria-set.ts';
import type { Outcome } from '../engine/outcome.ts';
import { formatAmount } from '../money.ts';
import { isoUtc } from '../time.ts';
import { periodChargeMinor } from './charge-counts.ts';
import type { ChargeCounts, PriceOfVersion } from './charge-counts.ts';

/** The budget in force for alerts: `expected` (the 100 % mark) in minor units of `currency`, and the thresholds in percent. */
export interface AlertBudget {
  readonly expectedMinor: bigint;
  readonly alerts: readonly number[];
  readonly currency: string;
}

/** The budget of the id's version in force at `at`, or null when that version has none (or none is in force). */
export type BudgetAt = (criteriaId: string, at: number) => AlertBudget | null;

/** The budget in force for alerts: the version in force at the instant (contract §8), in its price's currency. */
export function budgetAtOf(criteria: CriteriaSet): BudgetAt {
  return (criteriaId, at) => {
    const v = criteria.inForce(criteriaId, at);
    return v?.budget ? { expectedMinor: v.budget.expectedMinor, alerts: v.budget.alerts, currency: v.price.currency } : null;
  };
}

/** Each version's price, as the charge needs it. */
export const priceOfVersions = (criteria: CriteriaSet) => (criteriaId: string): PriceOfVersion => (version) => criteria.get(criteriaId, version).price;

/** A threshold reached: it names the id, period, threshold, charge and expected amount (contract §8). */
export interface BudgetAlert {
  readonly criteriaId: string;
  readonly period: string;
  readonly threshold: number;
  readonly chargeMinor: bigint;
  readonly expectedMinor: bigint;
  readonly currency: string;
  /** The instant the charge reached it (event time, epoch ms). */
  readonly firedAt: number;
}

/**
 * The thresholds `chargeMinor` has reached (charge ≥ p % of expected, in integers) that have not fired
 * yet, lowest first. Whether one fired is all that matters afterwards: a credit that takes the charge
 * back below never re-arms it.
 */
export function thresholdsDue(chargeMinor: bigint, budget: Pick<AlertBudget, 'expectedMinor' | 'alerts'>, fired: ReadonlySet<number>): number[] {
  return budget.alerts.filter((p) => !fired.has(p) && chargeMinor * 100n >= BigInt(p) * budget.expectedMinor).sort((a, b) => a - b);
}

/** What changes a period's charge, at an instant: a settlement onto a charge line, or an upheld credit. */
interface ChargeChange {
  readonly at: number;
  readonly criteriaId: string;
  /** The period whose charge changes. */
  readonly period: string;
  readonly counter: 'charged' | 'credited';
  readonly key: string;
}

function changesOf(outcomes: readonly Outcome[]): ChargeChange[] {
  const changes: ChargeChange[] = [];
  for (const o of outcomes) {
    // A billing period is set when an outcome settles billable (credited ones keep it), a credit period when it is credited.
    if (o.billingPeriod === null || o.overLimit) continue;
    const base = { criteriaId: o.criteriaId };
    changes.push({ ...base, at: o.settledAt!, period: o.billingPeriod, counter: 'charged', key: `${o.billingPeriod}|${o.criteriaVersion}` });
    if (o.creditPeriod !== null) {
      changes.push({ ...base, at: o.creditedAt!, period: o.creditPeriod, counter: 'credited', key: `${o.creditPeriod}|${o.billingPeriod}|${o.criteriaVersion}` });
    }
  }
  return changes.sort((a, b) => a.at - b.at);
}

/**
 * Every alert a ledger fires, replayed in event time: at each instant where an outcome settles onto an
 * id's charge line of a period, once everything at that instant has happened, the thresholds of the budget in force
 * then that the charge has reached fire, each once per id and period. Sorted by instant, id, period
 * and threshold (a period's thresholds fire in ascending order, and the sort is stable). The live service checks the same way after each commit (src/app/budget-alerts.ts).
 */
export function budgetAlerts(outcomes: readonly Outcome[], priceOf: (criteriaId: string) => PriceOfVersion, budgetAt: BudgetAt): BudgetAlert[] {
  const counts = new Map<string, { charged: Map<string, number>; credited: Map<string, number> }>();
  const fired = new Map<string, Set<number>>();
  const alerts: BudgetAlert[] = [];
  const changes = changesOf(outcomes);
  for (let i = 0; i < changes.length; ) {
    const at = changes[i]!.at;
    const touched = new Map<string, { criteriaId: string; period: string }>();
    for (; i < changes.length && changes[i]!.at === at; i++) {
      const c = changes[i]!;
      let own = counts.get(c.criteriaId);
      if (own === undefined) counts.set(c.criteriaId, (own = { charged: new Map(), credited: new Map() }));
      own[c.counter].set(c.key, (own[c.counter].get(c.key) ?? 0) + 1);
      // A credit only lowers a charge: it fires nothing (as live, where only a raised charge is checked).
      if (c.counter === 'charged') touched.set(`${c.criteriaId}|${c.period}`, { criteriaId: c.criteriaId, period: c.period });
    }
    for (const [key, { criteriaId, period }] of touched) {
      const budget = budgetAt(criteriaId, at);
      if (budget === null) continue;
      const chargeMinor = periodChargeMinor(counts.get(criteriaId) as ChargeCounts, period, priceOf(criteriaId));
      const done = fired.get(key) ?? new Set<number>();
      fired.set(key, done);
      for (const threshold of thresholdsDue(chargeMinor, budget, done)) {
        done.add(threshold);
        alerts.push({ criteriaId, period, threshold, chargeMinor, expectedMinor: budget.expectedMinor, currency: budget.currency, firedAt: at });
      }
    }
  }
  return alerts.sort((a, b) => a.firedAt - b.firedAt || cmp(a.criteriaId, b.criteriaId) || cmp(a.period, b.period));
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** An alert as simulate prints it: amounts as decimal strings in the budget's currency, the instant in ISO 8601 UTC. */
export interface AlertView {
  readonly criteriaId: string;
  readonly period: string;
  readonly threshold: number;
  readonly charge: string;
  readonly expected: string;
  readonly currency: string;
  readonly at: string;
}

export function alertView(a: BudgetAlert): AlertView {
  return {
    criteriaId: a.criteriaId,
    period: a.period,
    threshold: a.threshold,
    charge: formatAmount(a.chargeMinor, a.currency),
    expected: formatAmount(a.expectedMinor, a.currency),
    currency: a.currency,
    at: isoUtc(a.firedAt),
  };
}
