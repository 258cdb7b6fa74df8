// Contract §8 alerts, pure: the period charge from counts equals the invoice's lines, and each threshold fires once per id and period at the first instant it is reached.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counterDelta, counterFields, countsOf, periodChargeMinor } from '../../src/core/alerts/charge-counts.ts';
import { budgetAlerts, thresholdsDue } from '../../src/core/alerts/thresholds.ts';
import type { AlertBudget, BudgetAt } from '../../src/core/alerts/thresholds.ts';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { lineMinor } from '../../src/core/invoice/adjustments.ts';
import type { Price } from '../../src/core/price.ts';
import { buildInvoice } from '../../src/core/rating.ts';

const NOV = Date.parse('2026-11-01T00:00:00Z');
const DEC = Date.parse('2026-12-01T00:00:00Z');
const hour = (h: number, from = NOV): number => from + h * 3_600_000;
const periodAt = (t: number): string => new Date(t).toISOString().slice(0, 7);

const flat = (unit: bigint): Price => ({ model: 'flat', currency: 'USD', digits: 2, unitMinor: unit }) as Price;
const graduated: Price = { model: 'graduated', currency: 'USD', digits: 2, tiers: [{ upTo: 2, unitMinor: 300n }, { upTo: null, unitMinor: 100n }] } as Price;
const volume: Price = { model: 'volume', currency: 'USD', digits: 2, tiers: [{ upTo: 2, unitMinor: 300n }, { upTo: null, unitMinor: 100n }] } as Price;

let seq = 0;
/** A billable outcome settled at `settledAt`, credited at `creditedAt` when given. */
function billed(settledAt: number, opts: { creditedAt?: number; version?: number; id?: string; overLimit?: boolean } = {}): Outcome {
  seq++;
  return {
    outcomeId: `o${seq}#1`, idempotencyKey: `o${seq}`, seq: 1, criteriaId: opts.id ?? 'resolve', criteriaVersion: opts.version ?? 1,
    objectType: 'ticket', recordId: String(seq), status: opts.creditedAt === undefined ? 'billable' : 'credited', reason: null, label: null,
    tries: 1, suppressed: 0, duplicates: 0, openedAt: settledAt, lastPressAt: settledAt, deadline: settledAt, succeededAt: settledAt, reviewEndsAt: null,
    settledAt, billingPeriod: periodAt(settledAt), dispute: null, agentId: null, costCentre: null, overLimit: opts.overLimit ?? false,
    creditedAt: opts.creditedAt ?? null, creditPeriod: opts.creditedAt === undefined ? null : periodAt(opts.creditedAt), trail: [],
  };
}

const budget = (expected: bigint, alerts = [50, 75, 90]): AlertBudget => ({ expectedMinor: expected, alerts, currency: 'USD' });
const always = (b: AlertBudget): BudgetAt => () => b;
const pricesOf = (p: Price) => () => () => p;

/** The charge the invoice gives a period: its lines' amounts for the id (rating.ts, the reference). */
function invoiceCharge(outcomes: readonly Outcome[], period: string, priceOf: (v: number) => Price): bigint {
  const items = outcomes
    .filter((o) => !o.overLimit)
    .map((o) => ({ criteriaId: o.criteriaId, criteriaVersion: o.criteriaVersion, billingPeriod: o.billingPeriod!, credit: o.creditedAt === null ? null : { period: o.creditPeriod!, at: o.creditedAt } }));
  return buildInvoice(items, (_id, v) => priceOf(v))
    .filter((l) => l.period === period)
    .reduce((sum, l) => sum + lineMinor(l.amount, l.currency), 0n);
}

const chargeOf = (outcomes: readonly Outcome[], period: string, priceOf: (v: number) => Price): bigint =>
  periodChargeMinor(countsOf('resolve', Object.fromEntries(counterFields(outcomes))), period, priceOf);

describe('the period charge from counts (contract §8: the sum of the id’s invoice lines, credits included)', () => {
  it('equals the invoice for flat, graduated and volume prices, with credits in the same and later periods', () => {
    const outcomes = [billed(hour(1)), billed(hour(2), { creditedAt: hour(3) }), billed(hour(4)), billed(hour(5), { creditedAt: hour(1, DEC) }), billed(hour(2, DEC))];
    for (const price of [flat(250n), graduated, volume]) {
      const priceOf = () => price;
      for (const period of ['2026-11', '2026-12']) expect(chargeOf(outcomes, period, priceOf)).toBe(invoiceCharge(outcomes, period, priceOf));
    }
    // Volume, hand-computed: 3 billed cost 3 × 1.00; a credit would give back amount(3) − amount(2) = 3.00 − 6.00, so 0 (§6).
    expect(chargeOf([billed(hour(1)), billed(hour(2), { creditedAt: hour(3) }), billed(hour(4))], '2026-11', () => volume)).toBe(300n);
  });

  it('keeps each version’s line apart and leaves over-limit outcomes out', () => {
    const outcomes = [billed(hour(1), { version: 1 }), billed(hour(2), { version: 2 }), billed(hour(3), { version: 2 }), billed(hour(4), { version: 2, overLimit: true })];
    const priceOf = (v: number) => (v === 1 ? flat(1000n) : graduated);
    expect(chargeOf(outcomes, '2026-11', priceOf)).toBe(1000n + 600n);
  });

  it('matches the invoice at every instant for random ledgers (fast-check)', () => {
    const arb = fc.array(fc.record({ settle: fc.integer({ min: 0, max: 1400 }), credit: fc.option(fc.integer({ min: 0, max: 1400 })), version: fc.integer({ min: 1, max: 2 }) }), { maxLength: 25 });
    fc.assert(
      fc.property(arb, fc.constantFrom(flat(199n), graduated, volume), (specs, price) => {
        const outcomes = specs.map((s) => billed(hour(s.settle), { version: s.version, ...(s.credit === null ? {} : { creditedAt: hour(s.settle + s.credit) }) }));
        const priceOf = (v: number) => (v === 1 ? price : flat(50n));
        for (const period of new Set(outcomes.flatMap((o) => [o.billingPeriod!, o.creditPeriod ?? o.billingPeriod!]))) {
          expect(chargeOf(outcomes, period, priceOf)).toBe(invoiceCharge(outcomes, period, priceOf));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('counter deltas are what a commit adds and takes away', () => {
    const before = [billed(hour(1))];
    const after = [{ ...before[0]!, status: 'credited' as const, creditedAt: hour(2), creditPeriod: '2026-11' }, billed(hour(3))];
    const upheldAt = `u|resolve|2026-11|2026-11|1|${hour(2)}`;
    expect(counterDelta(counterFields(before), counterFields(after))).toEqual({ 'n|resolve|2026-11|1': 1, 'k|resolve|2026-11|2026-11|1': 1, [upheldAt]: 1 });
    expect(counterDelta(counterFields(after), counterFields([]))).toEqual({ 'n|resolve|2026-11|1': -2, 'k|resolve|2026-11|2026-11|1': -1, [upheldAt]: -1 });
  });

  it('as of an instant, leaves out the credits upheld after it; a credit counted without its instant reads as upheld before', () => {
    const outcomes = [billed(hour(1), { creditedAt: hour(5) }), billed(hour(2), { creditedAt: hour(9) }), billed(hour(3))];
    const fields = Object.fromEntries(counterFields(outcomes));
    const at = (asOf: number) => periodChargeMinor(countsOf('resolve', fields, asOf), '2026-11', () => flat(100n));
    expect([at(hour(4)), at(hour(5)), at(hour(9))]).toEqual([300n, 200n, 100n]);
    const older = Object.fromEntries(Object.entries(fields).filter(([f]) => !f.startsWith('u|') || !f.endsWith(`|${hour(9)}`)));
    expect(periodChargeMinor(countsOf('resolve', older, hour(4)), '2026-11', () => flat(100n))).toBe(200n);
  });
});

describe('thresholds (contract §8)', () => {
  it('a threshold is reached at exactly p % of expected, in integers, and only once', () => {
    const b = budget(50_000n);
    expect(thresholdsDue(24_999n, b, new Set())).toEqual([]);
    expect(thresholdsDue(25_000n, b, new Set())).toEqual([50]);
    expect(thresholdsDue(45_000n, b, new Set([50]))).toEqual([75, 90]);
    expect(thresholdsDue(90_000n, b, new Set([50, 75, 90]))).toEqual([]);
  });

  it('fires each threshold at the first instant it is reached, naming id, period, threshold, charge and expected', () => {
    // Expected 10.00 at 1.00 each: 5 → 50 %, 8 → 80 % (75), 9 → 90 %.
    const outcomes = Array.from({ length: 10 }, (_, i) => billed(hour(i + 1)));
    const alerts = budgetAlerts(outcomes, pricesOf(flat(100n)), always(budget(1000n)));
    expect(alerts.map((a) => [a.threshold, a.firedAt, a.chargeMinor])).toEqual([[50, hour(5), 500n], [75, hour(8), 800n], [90, hour(9), 900n]]);
    expect(alerts[0]).toMatchObject({ criteriaId: 'resolve', period: '2026-11', expectedMinor: 1000n, currency: 'USD' });
  });

  it('is never repeated in the period, even when credits take the charge back below and it rises again', () => {
    const outcomes = [billed(hour(1)), billed(hour(2), { creditedAt: hour(3) }), billed(hour(4)), billed(hour(5))];
    const alerts = budgetAlerts(outcomes, pricesOf(flat(100n)), always(budget(400n, [50])));
    expect(alerts.map((a) => a.firedAt)).toEqual([hour(2)]);
  });

  it('checks once everything at the instant has happened: a credit and a settlement together do not fire', () => {
    // At hour 3 one settles and one is credited: 3.00 for a moment, 2.00 once both have happened; 60 % of 5.00 is 3.00.
    const outcomes = [billed(hour(1)), billed(hour(2), { creditedAt: hour(3) }), billed(hour(3)), billed(hour(4))];
    const alerts = budgetAlerts(outcomes, pricesOf(flat(100n)), always(budget(500n, [60])));
    expect(alerts.map((a) => [a.firedAt, a.chargeMinor])).toEqual([[hour(4), 300n]]);
  });

  it('uses the budget of the version in force at the instant', () => {
    const outcomes = Array.from({ length: 6 }, (_, i) => billed(hour(i + 1)));
    // v2 from hour 3.5 halves expected: 4 outcomes are then 100 % of 4.00, so 50 and 75 fire at hour 4 (2 of 10 before).
    const budgetAt: BudgetAt = (_id, t) => (t < hour(3.5) ? budget(1000n) : budget(400n));
    const alerts = budgetAlerts(outcomes, pricesOf(flat(100n)), budgetAt);
    expect(alerts.map((a) => [a.threshold, a.firedAt, a.expectedMinor])).toEqual([[50, hour(4), 400n], [75, hour(4), 400n], [90, hour(4), 400n]]);
  });

  it('a credit alone fires nothing, even under a budget the charge already exceeds', () => {
    // v2 from hour 2 lowers expected to 1.00: the charge (2.00) is past it, but only a credit (hour 3) changes it then.
    const outcomes = [billed(hour(1)), billed(hour(1.5)), billed(hour(1.6), { creditedAt: hour(3) })];
    const budgetAt: BudgetAt = (_id, t) => (t < hour(2) ? budget(1000n, [100]) : budget(100n, [100]));
    expect(budgetAlerts(outcomes, pricesOf(flat(100n)), budgetAt)).toEqual([]);
    // The next settlement fires it, at the charge then.
    const later = budgetAlerts([...outcomes, billed(hour(4))], pricesOf(flat(100n)), budgetAt);
    expect(later.map((a) => [a.firedAt, a.chargeMinor])).toEqual([[hour(4), 300n]]);
  });

  it('fires nothing without a budget in force', () => {
    expect(budgetAlerts([billed(hour(1))], pricesOf(flat(100n)), () => null)).toEqual([]);
  });

  it('fires again in each period and for each id on its own', () => {
    const outcomes = [billed(hour(1)), billed(hour(1, DEC)), billed(hour(2), { id: 'other' })];
    const alerts = budgetAlerts(outcomes, pricesOf(flat(100n)), always(budget(100n, [100])));
    expect(alerts.map((a) => `${a.criteriaId} ${a.period}`)).toEqual(['resolve 2026-11', 'other 2026-11', 'resolve 2026-12']);
  });
});

describe('thresholds due, in any listed order', () => {
  it('are given lowest first whatever order the budget lists them in', () => {
    expect(thresholdsDue(100_000n, budget(1000n, [90, 50, 75]), new Set())).toEqual([50, 75, 90]);
  });
});
