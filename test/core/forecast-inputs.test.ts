// Contract §8 "Forecast" read from a ledger: the current period, days in the criteria's time zone (a 25-hour day included), the trailing 28 days, the 90-day review window.
import { describe, expect, it } from 'vitest';
import type { Outcome, TrailEntry } from '../../src/core/engine/outcome.ts';
import { frac } from '../../src/core/forecast.ts';
import { dailyBillable, forecastsAt } from '../../src/core/forecast-inputs.ts';
import { invoiceOf } from '../../src/core/ledger-view.ts';
import type { Reason, Status } from '../../src/core/types.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const ZONE = 'America/New_York';
const CRITERIA = criteriaSet({ timezone: ZONE });
/** 1 November 2026, noon in New York: the day daylight saving ends there, 25 hours long. */
const NOW = Date.parse('2026-11-01T17:00:00Z');
const DAY = 86_400_000;

let seq = 0;
function settled(at: string, status: Status = 'billable', period = at.slice(0, 7)): Outcome {
  seq += 1;
  return outcomeFixture({ recordId: String(seq), status, settledAt: Date.parse(at), billingPeriod: status === 'billable' ? period : null });
}

/** An outcome that left review at `at` for `to` (with `reason` when not billable). */
function leftReviewAt(at: number, to: Status, reason: Reason | null = null): Outcome {
  seq += 1;
  const exit: TrailEntry = { at, version: 1, type: 'transition', from: 'in_review', to, cause: 'review_end', ...(reason ? { reason } : {}) };
  return outcomeFixture({ recordId: String(seq), status: to, reason, settledAt: at, billingPeriod: null, trail: [exit] });
}

const inReview = () => outcomeFixture({ recordId: String(++seq), status: 'in_review' });

describe('forecastsAt: a ledger read at one instant', () => {
  const outcomes = [
    // Settled today (in November, New York): charged this period, not one of the trailing days.
    settled('2026-11-01T15:00:00Z', 'billable', '2026-11'),
    // 23:30 on 30 October in New York; 00:30 on 4 October, the first trailing day; 23:30 on 3 October, before it.
    settled('2026-10-31T03:30:00Z', 'billable', '2026-10'),
    settled('2026-10-04T04:30:00Z', 'billable', '2026-10'),
    settled('2026-10-04T03:30:00Z', 'billable', '2026-10'),
    settled('2026-10-15T12:00:00Z', 'billable', '2026-10'),
    settled('2026-10-15T13:00:00Z', 'billable', '2026-10'),
    // Left review within 90 days: one billable, one reversed; one failed review 91 days ago; one excluded (not counted).
    leftReviewAt(NOW - 40 * DAY, 'billable'),
    leftReviewAt(NOW - 89 * DAY, 'not_billable', 'reversed'),
    leftReviewAt(NOW - 91 * DAY, 'not_billable', 'human_review_fail'),
    leftReviewAt(NOW - 5 * DAY, 'not_billable', 'excluded'),
    inReview(),
    inReview(),
  ];
  // The billable one that left review settled on 22 September: before the trailing days.
  outcomes[6] = { ...outcomes[6]!, billingPeriod: '2026-09' };
  const [f] = forecastsAt(outcomes, invoiceOf(outcomes, CRITERIA), CRITERIA, NOW);

  it('takes the period, the days left and the elapsed share in the criteria time zone', () => {
    expect(f!.period).toBe('2026-11');
    // 12 of the 25 hours of 1 November are left, then 29 whole days.
    expect(f!.daysLeft).toEqual(frac(29 * 25 + 12, 25));
  });

  it('counts the trailing 28 days before today, empty days as 0, each outcome on its local settlement day', () => {
    expect(f!.trailing).toHaveLength(28);
    expect(f!.trailing[0]).toEqual({ date: '2026-10-04', count: 1 });
    expect(f!.trailing.at(-1)).toEqual({ date: '2026-10-31', count: 0 });
    expect(f!.trailing.filter((d) => d.count > 0)).toEqual([
      { date: '2026-10-04', count: 1 },
      { date: '2026-10-15', count: 2 },
      { date: '2026-10-30', count: 1 },
    ]);
  });

  it('gives every figure as computed by hand', () => {
    // Left review in 90 days: 1 billable, 1 reversed → 1/2. Trailing days: 25 zeros, 1, 1, 2: p10 0, mean 4/28, p90 0.3.
    expect(f!.approvalRate).toEqual(frac(1, 2));
    expect(f!.rates.mean).toEqual(frac(1, 7));
    expect(f!.rates.high).toEqual(frac(3, 10));
    // mtd 1.00; run-rate 100 × 721 h / 13 h = 5546.15; accrual 100 + 1/2 × 2 × 100 = 200;
    // likely 200 + 29.48 × 1/7 × 100 = 621.14; high 200 + 29.48 × 0.3 × 100 = 1084.4.
    expect([f!.mtdMinor, f!.runRateMinor, f!.accrualMinor, f!.lowMinor, f!.likelyMinor, f!.highMinor]).toEqual([100n, 5546n, 200n, 200n, 621n, 1084n]);
  });

  it('a criteria id with no history at all: a period of zeros, 28 empty days, approval rate 1', () => {
    const [empty] = forecastsAt([], [], CRITERIA, NOW);
    expect(empty).toMatchObject({ criteriaId: 'resolve', period: '2026-11', mtdMinor: 0n, runRateMinor: 0n, accrualMinor: 0n, lowMinor: 0n, likelyMinor: 0n, highMinor: 0n, approvalRate: frac(1) });
    expect(empty!.trailing.every((d) => d.count === 0)).toBe(true);
  });

  it('leaves out an id with no version in force yet', () => {
    const later = criteriaSet({ effective_from: '2027-01-01T00:00:00Z' });
    expect(forecastsAt([], [], later, NOW)).toEqual([]);
  });

  it("takes the limit from the version in force's budget, and charges nothing more once an outcome is over it", () => {
    const limitedCriteria = criteriaSet({ timezone: ZONE, budget: { expected: '1.00', limit: '1.00' } });
    // The second November outcome would take the charge to 2.00: over the 1.00 limit, and so is every later one.
    const ledger = [...outcomes, settled('2026-11-01T15:30:00Z', 'billable', '2026-11')];
    const [limited] = forecastsAt(ledger, invoiceOf(ledger, limitedCriteria), limitedCriteria, NOW);
    expect([limited!.mtdMinor, limited!.accrualMinor, limited!.highMinor, limited!.runRateMinor]).toEqual([100n, 100n, 100n, 100n]);
  });
});

describe('forecastsAt: a limit and lines in two currencies', () => {
  it("counts only the limit's currency against it: another version's euro line leaves the dollar limit's room whole", () => {
    // Version 1 at 5.00 EUR until midnight in New York; version 2 at 1.00 USD with a 3.00 USD limit since then.
    const criteria = criteriaSet(
      { timezone: ZONE, price: { currency: 'EUR', model: 'flat', unit_amount: '5.00' } },
      { timezone: ZONE, version: 2, change_notes: 'Priced in dollars, with a limit.', effective_from: '2026-11-01T04:00:00Z', price: { currency: 'USD', model: 'flat', unit_amount: '1.00' }, budget: { expected: '3.00', limit: '3.00' } },
    );
    const onV1 = [settled('2026-11-01T14:00:00Z', 'billable', '2026-11'), settled('2026-11-01T14:10:00Z', 'billable', '2026-11')];
    const ledger = [...onV1, { ...settled('2026-11-01T15:00:00Z', 'billable', '2026-11'), criteriaVersion: 2 }, inReview(), inReview(), inReview(), inReview()];
    const [f] = forecastsAt(ledger, invoiceOf(ledger, criteria), criteria, NOW);
    // 1.00 USD so far; 4 in review at approval rate 1 would add 4.00: the 3.00 limit lets 2 more be charged (EUR 10.00 is not in its currency).
    expect([f!.mtdMinor, f!.accrualMinor, f!.highMinor]).toEqual([100n, 300n, 300n]);
  });
});

describe('dailyBillable', () => {
  it('counts credited outcomes on the day they settled billable, and no unsettled or not-billable one', () => {
    const from = Date.parse('2026-11-02T05:00:00Z');
    const list = [settled('2026-11-02T12:00:00Z', 'credited', '2026-11'), settled('2026-11-02T12:00:00Z', 'not_billable'), inReview()];
    list[0] = { ...list[0]!, billingPeriod: '2026-11' };
    expect(dailyBillable(list, ZONE, from, 2)).toEqual([
      { date: '2026-11-02', count: 1 },
      { date: '2026-11-03', count: 0 },
    ]);
  });
});
