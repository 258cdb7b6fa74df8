// Forecast arithmetic (contract §8): run-rate, approval rate, accrual and the low/likely/high band, exact in fractions and rounded once to minor units.
import { chargeUnderLimit } from './limits.ts';
import { amountFor } from './price.ts';
import type { Price } from './price.ts';

/** An exact ratio; `den` is always above 0. Counts per day and fractions of days are not whole. */
export interface Fraction {
  readonly num: bigint;
  readonly den: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => (b === 0n ? (a < 0n ? -a : a) : gcd(b, a % b));

/** In lowest terms, so equal ratios compare equal. */
export const frac = (num: bigint | number, den: bigint | number = 1n): Fraction => {
  const n = BigInt(num);
  const d = BigInt(den);
  if (d === 0n) throw new RangeError('a fraction needs a denominator other than 0');
  const g = gcd(n, d) * (d < 0n ? -1n : 1n);
  return { num: n / g, den: d / g };
};
const add = (a: Fraction, b: Fraction): Fraction => frac(a.num * b.den + b.num * a.den, a.den * b.den);
const sub = (a: Fraction, b: Fraction): Fraction => frac(a.num * b.den - b.num * a.den, a.den * b.den);
const mul = (a: Fraction, b: Fraction): Fraction => frac(a.num * b.num, a.den * b.den);
const floorOf = (a: Fraction): bigint => (a.num >= 0n ? a.num / a.den : -((-a.num + a.den - 1n) / a.den));
const ceilOf = (a: Fraction): bigint => -floorOf(frac(-a.num, a.den));
const atMost = (a: Fraction, b: Fraction): boolean => a.num * b.den <= b.num * a.den;

/** Minor units, half away from zero: the one rounding of each reported amount. */
export function roundMinor(a: Fraction): bigint {
  const half = (2n * (a.num < 0n ? -a.num : a.num) + a.den) / (2n * a.den);
  return a.num < 0n ? -half : half;
}

/** For display: a ratio as a number (approval rates, outcomes per day, days left). */
export const toNumber = (a: Fraction): number => Number(a.num) / Number(a.den);

/**
 * The p-th percentile by linear interpolation between closest ranks (Hyndman and Fan type 7, as
 * spreadsheets' PERCENTILE.INC and numpy's default): rank h = (N − 1)·p over the sorted values.
 * docs/decisions.md, "Forecasts", says why this one.
 */
export function percentile(values: readonly number[], p: Fraction): Fraction {
  if (values.length === 0) return frac(0);
  const sorted = [...values].sort((a, b) => a - b);
  const h = mul(frac(sorted.length - 1), p);
  const i = Number(floorOf(h));
  const lo = sorted[i]!;
  const hi = sorted[Math.min(i + 1, sorted.length - 1)]!;
  return add(frac(lo), mul(sub(h, frac(i)), frac(hi - lo)));
}

export function mean(values: readonly number[]): Fraction {
  return values.length === 0 ? frac(0) : frac(values.reduce((s, v) => s + v, 0), values.length);
}

/** What a forecast needs, already read from the ledger (src/core/forecast-inputs.ts). */
export interface ForecastInput {
  /** The price future outcomes are rated with: that of the version in force now. */
  readonly price: Price;
  /** The id's budget limit for the period in minor units, or null without one. */
  readonly limitMinor: bigint | null;
  /** The charge so far: the id's charge and credit lines of the period. */
  readonly mtdMinor: bigint;
  /** Outcomes charged so far on the line new outcomes join (same id and version): tiers continue from here. */
  readonly chargedOnLine: number;
  /** The charge lines of the id's other versions this period: they use up the same limit. */
  readonly chargedElsewhereMinor: bigint;
  /** An outcome of the id is over limit this period already: no later one is charged (contract §8). */
  readonly overLimitSoFar: boolean;
  /** Outcomes of the id now `in_review`. */
  readonly inReview: number;
  /** How the id's outcomes that left `in_review` in the trailing 90 days ended. */
  readonly leftReview: { readonly billable: number; readonly reversed: number; readonly reviewFailed: number };
  /** Billable outcomes per day over the trailing 28 days, empty days as 0. */
  readonly dailyBillable: readonly number[];
  /** How much of the period has passed, 0 to 1. */
  readonly elapsed: Fraction;
  /** The whole and partial days left in the period. */
  readonly daysLeft: Fraction;
}

export interface DailyRates {
  readonly low: Fraction;
  readonly mean: Fraction;
  readonly high: Fraction;
}

export interface Forecast {
  readonly mtdMinor: bigint;
  readonly runRateMinor: bigint;
  readonly approvalRate: Fraction;
  readonly accrualMinor: bigint;
  readonly lowMinor: bigint;
  readonly likelyMinor: bigint;
  readonly highMinor: bigint;
  /** Billable outcomes a day: 10th percentile, mean, 90th percentile of the trailing days. */
  readonly rates: DailyRates;
}

export function dailyRates(daily: readonly number[]): DailyRates {
  return { low: percentile(daily, frac(1, 10)), mean: mean(daily), high: percentile(daily, frac(9, 10)) };
}

/** Billable ÷ (billable + reversed + failed review); 1 when none left review. */
export function approvalRate(left: ForecastInput['leftReview']): Fraction {
  const all = left.billable + left.reversed + left.reviewFailed;
  return all === 0 ? frac(1) : frac(left.billable, all);
}

/**
 * The contract's §8 forecast. Positions on the line are counts of outcomes: the in-review outcomes take
 * positions n+1 … n+k, and the expected ones after them start at n + approvalRate·k. A position that is
 * not whole is priced between its neighbours (docs/decisions.md, "Forecasts"), and no position past the
 * limit's longest prefix costs anything.
 */
export function forecast(input: ForecastInput): Forecast {
  const rates = dailyRates(input.dailyBillable);
  const rate = approvalRate(input.leftReview);
  const n = frac(input.chargedOnLine);
  const reviewEnd = frac(input.chargedOnLine + input.inReview);
  const start = add(n, mul(rate, frac(input.inReview)));
  // The mean can be above the 90th percentile (a few busy days among many empty ones): the furthest position takes either.
  const fastest = atMost(rates.mean, rates.high) ? rates.high : rates.mean;
  const horizon = Number(ceilOf(add(reviewEnd, mul(input.daysLeft, fastest)))) + 1;
  const lastCharged = lastChargeable(input, horizon);
  const at = (x: Fraction): Fraction => amountAt(input.price, x, lastCharged);
  const accrual = add(frac(input.mtdMinor), mul(rate, sub(at(reviewEnd), at(n))));
  const band = (r: Fraction): bigint => roundMinor(add(accrual, sub(at(add(start, mul(input.daysLeft, r))), at(start))));
  return {
    mtdMinor: input.mtdMinor,
    runRateMinor: runRate(input),
    approvalRate: rate,
    accrualMinor: roundMinor(accrual),
    lowMinor: band(rates.low),
    likelyMinor: band(rates.mean),
    highMinor: band(rates.high),
    rates,
  };
}

/** mtd ÷ the elapsed fraction; before any time has passed there is nothing to extrapolate. Never above the limit. */
function runRate(input: ForecastInput): bigint {
  const projected = input.elapsed.num === 0n ? input.mtdMinor : roundMinor(frac(input.mtdMinor * input.elapsed.den, input.elapsed.num));
  return input.limitMinor !== null && projected > input.limitMinor ? input.limitMinor : projected;
}

/** The line's amount at a position that may not be whole: interpolated between its neighbours, flat past `last`. */
function amountAt(price: Price, x: Fraction, last: number): Fraction {
  if (atMost(frac(last), x)) return frac(amountFor(price, last).amountMinor);
  const whole = Number(floorOf(x));
  const below = amountFor(price, whole).amountMinor;
  const part = sub(x, frac(whole));
  if (part.num === 0n) return frac(below);
  const above = amountFor(price, whole + 1).amountMinor;
  return add(frac(below), mul(part, frac(above - below)));
}

/**
 * The last position on the line that is charged (contract §8, "Limit"): the §8 rule itself, shared
 * with the ledger's over-limit outcomes (chargeUnderLimit, limits.ts). Only positions up to `horizon`
 * matter to the forecast.
 */
function lastChargeable(input: ForecastInput, horizon: number): number {
  const from = input.chargedOnLine;
  const more = input.overLimitSoFar ? 0 : horizon - from;
  return from + chargeUnderLimit(input.price, from, more, input.limitMinor, input.chargedElsewhereMinor).charged;
}
