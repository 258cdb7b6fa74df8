// Contract §8 forecasts, exact arithmetic: fractions in lowest terms with a positive denominator, percentiles and means at their edges, and figures that are not whole until the one rounding.
import { describe, expect, it } from 'vitest';
import { forecast, frac, mean, percentile, toNumber } from '../../src/core/forecast.ts';
import type { ForecastInput } from '../../src/core/forecast.ts';
import { parsePrice } from '../../src/core/price.ts';
import type { Price } from '../../src/core/price.ts';

function price(raw: unknown): Price {
  const parsed = parsePrice(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.price;
}

const FLAT = price({ currency: 'USD', model: 'flat', unit_amount: '1.00' });

function input(over: Partial<ForecastInput>): ForecastInput {
  return {
    price: FLAT,
    limitMinor: null,
    mtdMinor: 0n,
    chargedOnLine: 0,
    chargedElsewhereMinor: 0n,
    overLimitSoFar: false,
    inReview: 0,
    leftReview: { billable: 0, reversed: 0, reviewFailed: 0 },
    dailyBillable: Array<number>(28).fill(0),
    elapsed: frac(1, 2),
    daysLeft: frac(15),
    ...over,
  };
}

describe('fractions', () => {
  it('are kept in lowest terms with the sign on the numerator, so equal ratios compare equal', () => {
    expect(frac(6, 8)).toEqual({ num: 3n, den: 4n });
    expect(frac(1, -2)).toEqual({ num: -1n, den: 2n });
    expect(frac(-3, -6)).toEqual({ num: 1n, den: 2n });
    expect(frac(0, -5)).toEqual({ num: 0n, den: 1n });
  });

  it('refuse a denominator of 0', () => {
    expect(() => frac(1, 0)).toThrow(new RangeError('a fraction needs a denominator other than 0'));
  });

  it('show as numbers for display', () => {
    expect(toNumber(frac(3, 4))).toBe(0.75);
    expect(toNumber(frac(-29, 4))).toBe(-7.25);
  });
});

describe('percentiles and means at their edges', () => {
  it('of no days are 0', () => {
    expect(percentile([], frac(9, 10))).toEqual(frac(0));
    expect(mean([])).toEqual(frac(0));
  });

  it('of one day are that day; the 100th percentile is the largest', () => {
    expect(percentile([5], frac(9, 10))).toEqual(frac(5));
    expect(percentile([3, 1, 2], frac(1))).toEqual(frac(3));
    expect(percentile([3, 1, 2], frac(0))).toEqual(frac(1));
  });

  it('the mean is exact: 1, 2 and 4 a day are 7/3', () => {
    expect(mean([1, 2, 4])).toEqual(frac(7, 3));
  });
});

describe('figures in thirds, rounded once', () => {
  it('an approval rate of 1/3 and half a day left: part positions priced between neighbours', () => {
    const f = forecast(input({ inReview: 1, leftReview: { billable: 1, reversed: 1, reviewFailed: 1 }, dailyBillable: Array<number>(28).fill(1), daysLeft: frac(1, 2) }));
    expect(f.approvalRate).toEqual(frac(1, 3));
    // Accrual 1/3 × 1.00 = 33.3…; the expected ones start at 1/3 and go on to 5/6: 50 more.
    expect([f.accrualMinor, f.lowMinor, f.likelyMinor, f.highMinor]).toEqual([33n, 83n, 83n, 83n]);
  });

  it('a run-rate below the limit is the run-rate', () => {
    expect(forecast(input({ mtdMinor: 1000n, elapsed: frac(1, 2), limitMinor: 5000n })).runRateMinor).toBe(2000n);
    expect(forecast(input({ mtdMinor: 1000n, elapsed: frac(1, 2), limitMinor: 2000n })).runRateMinor).toBe(2000n);
  });
});
