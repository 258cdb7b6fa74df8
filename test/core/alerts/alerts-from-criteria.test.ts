// Contract §8 alerts as simulate gives them: the budget of the version in force at each instant, each version's own price, the order alerts are listed in, and how one is printed.
import { describe, expect, it } from 'vitest';
import { alertView, budgetAlerts, budgetAtOf, priceOfVersions } from '../../../src/core/alerts/thresholds.ts';
import type { BudgetAt } from '../../../src/core/alerts/thresholds.ts';
import type { Outcome } from '../../../src/core/engine/outcome.ts';
import { outcomeFixture } from '../../support/hubspot-double.ts';
import { criteriaSet } from '../../support/scenario.ts';

const NOV = Date.parse('2026-11-01T00:00:00Z');
const hour = (h: number): number => NOV + h * 3_600_000;

let seq = 0;
function billed(settledAt: number, over: Partial<Outcome> = {}): Outcome {
  seq += 1;
  return { ...outcomeFixture({ recordId: String(seq), status: 'billable' }), settledAt, billingPeriod: new Date(settledAt).toISOString().slice(0, 7), ...over };
}

const V2_FROM = '2026-11-10T00:00:00Z';
const criteria = criteriaSet(
  { price: { currency: 'USD', model: 'flat', unit_amount: '2.00' }, budget: { expected: '10.00', alerts: [50, 100] } },
  { version: 2, change_notes: 'Euros, no budget.', effective_from: V2_FROM, price: { currency: 'EUR', model: 'flat', unit_amount: '3.00' } },
);

describe('budgetAtOf: the budget of the version in force at the instant', () => {
  it("gives expected, alerts and the price's currency of the version in force", () => {
    expect(budgetAtOf(criteria)('resolve', hour(1))).toEqual({ expectedMinor: 1000n, alerts: [50, 100], currency: 'USD' });
  });

  it('is null where the version in force has no budget, before any version, and for an unknown id', () => {
    const budgetAt = budgetAtOf(criteria);
    expect(budgetAt('resolve', Date.parse(V2_FROM))).toBeNull();
    expect(budgetAt('resolve', Date.parse('2025-01-01T00:00:00Z'))).toBeNull();
    expect(budgetAt('nope', hour(1))).toBeNull();
  });
});

describe('priceOfVersions: each outcome rated with its pinned version', () => {
  it("gives each version's own price", () => {
    const priceOf = priceOfVersions(criteria)('resolve');
    expect(priceOf(1)).toMatchObject({ currency: 'USD', unitMinor: 200n });
    expect(priceOf(2)).toMatchObject({ currency: 'EUR', unitMinor: 300n });
  });

  it("fires at the charge of v1's line: 2.00 an outcome against 10.00 expected", () => {
    const outcomes = [billed(hour(1)), billed(hour(2)), billed(hour(3)), billed(hour(4)), billed(hour(5))];
    const alerts = budgetAlerts(outcomes, priceOfVersions(criteria), budgetAtOf(criteria));
    expect(alerts.map((a) => [a.threshold, a.firedAt, a.chargeMinor])).toEqual([[50, hour(3), 600n], [100, hour(5), 1000n]]);
  });
});

describe('budgetAlerts: listed by instant, then id, period and threshold', () => {
  const always: BudgetAt = () => ({ expectedMinor: 100n, alerts: [100, 50], currency: 'USD' });
  // Every id rated as resolve's v1: 2.00 an outcome.
  const priceOf = priceOfVersions(criteria)('resolve');

  it('at one instant: ids in order, then periods, then thresholds', () => {
    const at = hour(5);
    // Outcomes given in the reverse order; pinned periods need not follow the instant (zones differ per version).
    const outcomes = [billed(at, { criteriaId: 'b' }), billed(at, { criteriaId: 'a', billingPeriod: '2026-12' }), billed(at, { criteriaId: 'a' })];
    const alerts = budgetAlerts(outcomes, () => priceOf, always);
    expect(alerts.map((a) => `${a.criteriaId} ${a.period} ${a.threshold}`)).toEqual(['a 2026-11 50', 'a 2026-11 100', 'a 2026-12 50', 'a 2026-12 100', 'b 2026-11 50', 'b 2026-11 100']);
  });

  it('many ids at one instant, given in any order, are listed by id', () => {
    const ids = Array.from({ length: 40 }, (_, i) => `id${String((i * 17) % 40).padStart(2, '0')}`);
    const alerts = budgetAlerts(ids.map((id) => billed(hour(5), { criteriaId: id })), () => priceOf, () => ({ expectedMinor: 100n, alerts: [100], currency: 'USD' }));
    expect(alerts.map((a) => a.criteriaId)).toEqual([...ids].sort());
  });

  it('by instant first, whatever the ids', () => {
    const outcomes = [billed(hour(9), { criteriaId: 'a' }), billed(hour(2), { criteriaId: 'b' })];
    const alerts = budgetAlerts(outcomes, () => priceOf, always);
    expect(alerts.map((a) => `${a.criteriaId} ${a.firedAt}`)).toEqual([`b ${hour(2)}`, `b ${hour(2)}`, `a ${hour(9)}`, `a ${hour(9)}`]);
  });

  it('counts a settlement in event time, whatever the order of the ledger', () => {
    // Listed out of order: 50 % (two outcomes) is reached at hour 2, when the second one in time settled.
    const outcomes = [billed(hour(2)), billed(hour(8)), billed(hour(1))];
    const budgetAt: BudgetAt = () => ({ expectedMinor: 800n, alerts: [50], currency: 'USD' });
    expect(budgetAlerts(outcomes, () => priceOf, budgetAt).map((a) => a.firedAt)).toEqual([hour(2)]);
  });

  it('leaves out outcomes that charge nothing: not settled billable, or over limit', () => {
    const outcomes = [
      billed(hour(1), { overLimit: true }),
      billed(hour(1), { status: 'not_billable', reason: 'reversed', billingPeriod: null }),
      billed(hour(1), { status: 'in_review', settledAt: null, billingPeriod: null }),
    ];
    expect(budgetAlerts(outcomes, () => priceOf, always)).toEqual([]);
  });
});

describe('alertView: as simulate prints an alert', () => {
  it("gives the amounts as decimals of the budget's currency and the instant in ISO 8601 UTC", () => {
    const view = alertView({ criteriaId: 'resolve', period: '2026-11', threshold: 75, chargeMinor: 75_050n, expectedMinor: 100_000n, currency: 'USD', firedAt: Date.parse('2026-11-03T10:01:02.003Z') });
    expect(view).toEqual({ criteriaId: 'resolve', period: '2026-11', threshold: 75, charge: '750.50', expected: '1000.00', currency: 'USD', at: '2026-11-03T10:01:02.003Z' });
    expect(alertView({ criteriaId: 'r', period: '2026-11', threshold: 50, chargeMinor: 500n, expectedMinor: 1000n, currency: 'JPY', firedAt: 0 })).toMatchObject({ charge: '500', expected: '1000', currency: 'JPY', at: '1970-01-01T00:00:00.000Z' });
  });
});
