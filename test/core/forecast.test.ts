// Contract §8 "Forecast": each figure computed by hand from small inputs (flat, graduated and volume prices, the limit, no history).
import { describe, expect, it } from 'vitest';
import { forecast, frac, percentile, roundMinor } from '../../src/core/forecast.ts';
import type { ForecastInput } from '../../src/core/forecast.ts';
import { parsePrice } from '../../src/core/price.ts';
import type { Price } from '../../src/core/price.ts';

function price(raw: unknown): Price {
  const parsed = parsePrice(raw);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.price;
}

const FLAT = price({ currency: 'USD', model: 'flat', unit_amount: '1.00' });
/** 1-10 at 0.50, 11-20 at 0.40, the rest at 0.30. */
const GRADUATED = price({ currency: 'USD', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '0.50' }, { up_to: 20, unit_amount: '0.40' }, { up_to: null, unit_amount: '0.30' }] });
/** All at 1.00 up to 10 outcomes, all at 0.60 from 11. */
const VOLUME = price({ currency: 'USD', model: 'volume', tiers: [{ up_to: 10, unit_amount: '1.00' }, { up_to: null, unit_amount: '0.60' }] });

const days = (...runs: [count: number, value: number][]): number[] => runs.flatMap(([count, value]) => Array<number>(count).fill(value));

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
    dailyBillable: days([28, 0]),
    elapsed: frac(1, 2),
    daysLeft: frac(15),
    ...over,
  };
}

const amounts = (f: ReturnType<typeof forecast>) => ({ mtd: f.mtdMinor, runRate: f.runRateMinor, accrual: f.accrualMinor, low: f.lowMinor, likely: f.likelyMinor, high: f.highMinor });

describe('percentiles of the trailing days (type 7: rank (N − 1)·p, interpolated)', () => {
  it('the 10th and 90th percentiles of 0…27 are 2.7 and 24.3', () => {
    const values = Array.from({ length: 28 }, (_, i) => 27 - i);
    expect(percentile(values, frac(1, 10))).toEqual(frac(27, 10));
    expect(percentile(values, frac(9, 10))).toEqual(frac(243, 10));
  });

  it('interpolates between neighbours that differ: rank 24.3 between 0 and 1 is 0.3', () => {
    const p90 = percentile(days([25, 0], [2, 1], [1, 2]), frac(9, 10));
    expect(Number(p90.num) / Number(p90.den)).toBeCloseTo(0.3, 12);
  });
});

describe('rounding to minor units', () => {
  it('rounds halves away from zero, once', () => {
    expect([roundMinor(frac(15, 2)), roundMinor(frac(-15, 2)), roundMinor(frac(29, 4)), roundMinor(frac(-29, 4))]).toEqual([8n, -8n, 7n, -7n]);
  });
});

describe('forecast: flat price', () => {
  it('mtd, run-rate, approval rate, accrual and the band from hand-computed figures', () => {
    const f = forecast(
      input({
        mtdMinor: 1000n,
        chargedOnLine: 10,
        inReview: 4,
        // 6 of 8 left review billable: 3/4.
        leftReview: { billable: 6, reversed: 1, reviewFailed: 1 },
        // Sorted 0…27: p10 = 2.7, mean = 13.5, p90 = 24.3 a day.
        dailyBillable: Array.from({ length: 28 }, (_, i) => i),
        elapsed: frac(2, 5),
        daysLeft: frac(9, 4),
      }),
    );
    expect(f.approvalRate).toEqual(frac(6, 8));
    expect(f.rates).toEqual({ low: frac(27, 10), mean: frac(27, 2), high: frac(243, 10) });
    // runRate 1000 / 0.4; accrual 1000 + 3/4 × 4 × 100; band + 2.25 × r × 100 (607.5, 3037.5, 5467.5, halves up).
    expect(amounts(f)).toEqual({ mtd: 1000n, runRate: 2500n, accrual: 1300n, low: 1908n, likely: 4338n, high: 6768n });
  });

  it('a period with no history: no outcomes, nothing in review, empty days: every amount 0 and the approval rate 1', () => {
    const f = forecast(input({}));
    expect(f.approvalRate).toEqual(frac(1));
    expect(f.rates).toEqual({ low: frac(0), mean: frac(0), high: frac(0) });
    expect(amounts(f)).toEqual({ mtd: 0n, runRate: 0n, accrual: 0n, low: 0n, likely: 0n, high: 0n });
  });

  it('with charges but no trailing days and none in review, the band is the charge so far', () => {
    const f = forecast(input({ mtdMinor: 300n, chargedOnLine: 3, elapsed: frac(1, 10) }));
    expect(amounts(f)).toEqual({ mtd: 300n, runRate: 3000n, accrual: 300n, low: 300n, likely: 300n, high: 300n });
  });

  it('follows the contract where one busy day puts the mean above the 90th percentile: likely is then above high', () => {
    // 27 empty days and one of 28: p10 0, mean 1, p90 0 (rank 24.3 falls among the empty days).
    const f = forecast(input({ mtdMinor: 500n, chargedOnLine: 5, dailyBillable: days([27, 0], [1, 28]), daysLeft: frac(5, 2) }));
    expect(f.rates).toEqual({ low: frac(0), mean: frac(1), high: frac(0) });
    expect(amounts(f)).toMatchObject({ low: 500n, likely: 750n, high: 500n });
  });

  it('at the first instant of the period there is nothing to extrapolate: the run-rate is the charge so far', () => {
    expect(forecast(input({ elapsed: frac(0, 1) })).runRateMinor).toBe(0n);
  });
});

describe('forecast: graduated price, tiers continuing from the counts so far', () => {
  it('prices in-review and expected outcomes at the tiers their positions fall in, part positions between neighbours', () => {
    const f = forecast(
      input({
        price: GRADUATED,
        mtdMinor: 400n,
        chargedOnLine: 8,
        inReview: 3,
        leftReview: { billable: 1, reversed: 0, reviewFailed: 1 },
        // p10 2, mean 4, p90 6 a day.
        dailyBillable: days([14, 2], [14, 6]),
        elapsed: frac(1, 3),
        daysLeft: frac(1),
      }),
    );
    // In review at positions 9, 10, 11: 50 + 50 + 40 = 140, half expected: accrual 400 + 70 = 470.
    // Expected ones start at 8 + 3/2 = 9.5, where the line's amount is 450 + 25 = 475.
    // low: to 11.5 = 540 + 20 = 560 → +85; likely: to 13.5 = 620 + 20 = 640 → +165; high: to 15.5 = 700 + 20 = 720 → +245.
    expect(amounts(f)).toEqual({ mtd: 400n, runRate: 1200n, accrual: 470n, low: 555n, likely: 635n, high: 715n });
  });

  it('crosses into the last tier', () => {
    const f = forecast(input({ price: GRADUATED, mtdMinor: 900n, chargedOnLine: 19, dailyBillable: days([28, 3]), daysLeft: frac(2) }));
    // Positions 20 … 25: 40 + 5 × 30.
    expect(f.likelyMinor).toBe(900n + 40n + 150n);
  });
});

describe('forecast: never above the limit (contract §8, "Limit")', () => {
  it('positions past the longest charged prefix cost nothing, and the run-rate stops at the limit', () => {
    const f = forecast(input({ limitMinor: 1500n, mtdMinor: 1000n, chargedOnLine: 10, inReview: 2, dailyBillable: days([28, 3]), daysLeft: frac(2) }));
    // Accrual 1000 + 200; the band would add 6 more at 13 … 18, but 1500 allows positions up to 15.
    expect(amounts(f)).toEqual({ mtd: 1000n, runRate: 1500n, accrual: 1200n, low: 1500n, likely: 1500n, high: 1500n });
  });

  it("the id's other versions use up the same limit", () => {
    const f = forecast(input({ limitMinor: 1500n, mtdMinor: 1300n, chargedOnLine: 10, chargedElsewhereMinor: 300n, inReview: 4, dailyBillable: days([28, 3]), daysLeft: frac(2) }));
    // Room 1200 for this line: positions up to 12, so 2 of the 4 in review can be charged and nothing after.
    expect(amounts(f)).toMatchObject({ accrual: 1500n, low: 1500n, likely: 1500n, high: 1500n });
  });

  it('under a volume price the prefix ends at the first position whose charge passes the limit', () => {
    // 9 charged (900); position 10 costs 1000, 11 … 17 cost 660 … 1020, 18 would cost 1080 > 1050.
    const base = { price: VOLUME, mtdMinor: 900n, chargedOnLine: 9, dailyBillable: days([28, 10]), daysLeft: frac(1) };
    expect(forecast(input({ ...base, limitMinor: 1050n })).likelyMinor).toBe(1020n);
    // Without the limit all 10 more are charged: 19 at 0.60.
    expect(forecast(input(base)).likelyMinor).toBe(1140n);
  });

  it('once an outcome is over limit, no later one is charged', () => {
    const f = forecast(input({ limitMinor: 5000n, mtdMinor: 1000n, chargedOnLine: 10, overLimitSoFar: true, inReview: 3, dailyBillable: days([28, 3]) }));
    expect(amounts(f)).toMatchObject({ accrual: 1000n, low: 1000n, likely: 1000n, high: 1000n });
  });
});

describe('forecast under a limit the band never reaches, or passes only for a moment (volume)', () => {
  it('a limit far above the band changes no figure', () => {
    const base = { price: GRADUATED, mtdMinor: 400n, chargedOnLine: 8, inReview: 3, dailyBillable: days([28, 6]), daysLeft: frac(2) };
    const free = forecast(input(base));
    expect(forecast(input({ ...base, limitMinor: 1_000_000n }))).toEqual(free);
    // In review at 9, 10 (0.50) and 11 (0.40); 12 more: 12 … 20 at 0.40, 21 … 23 at 0.30.
    expect(free.highMinor).toBe(400n + 2n * 50n + 40n + 9n * 40n + 3n * 30n);
  });

  it('under volume, the position where the charge first passes the limit ends the prefix though later ones cost less', () => {
    // 8 charged (800): the 9th makes 900, the 10th 1000 > 950; from the 11th all cost 0.60 (660 …), but the prefix has ended.
    const f = forecast(input({ price: VOLUME, limitMinor: 950n, mtdMinor: 800n, chargedOnLine: 8, dailyBillable: days([28, 5]), daysLeft: frac(1) }));
    expect([f.lowMinor, f.likelyMinor, f.highMinor]).toEqual([900n, 900n, 900n]);
  });

  it('under volume, a charge exactly at the limit at a tier end is within it, and the cheaper tier after it goes on', () => {
    // 8 charged: the 9th makes 900, the 10th exactly 1000; from the 11th all at 0.60, 13 cost 780.
    const f = forecast(input({ price: VOLUME, limitMinor: 1000n, mtdMinor: 800n, chargedOnLine: 8, dailyBillable: days([28, 5]), daysLeft: frac(1) }));
    expect(f.highMinor).toBe(780n);
  });

  it('under volume with three tiers, the limit passed inside the middle tier', () => {
    // 1-5 at 1.00, 6-10 at 0.80, from 11 at 0.50. From 0: 5 → 500, 6 → 480, 7 → 560, 8 → 640 > 600 → 7 charged.
    const three = price({ currency: 'USD', model: 'volume', tiers: [{ up_to: 5, unit_amount: '1.00' }, { up_to: 10, unit_amount: '0.80' }, { up_to: null, unit_amount: '0.50' }] });
    const f = forecast(input({ price: three, limitMinor: 600n, dailyBillable: days([28, 20]), daysLeft: frac(1) }));
    expect(f.highMinor).toBe(560n);
  });
});
