// One criteria id's row of the home page as JSON: amounts as decimal strings of the id's currency, times ISO 8601 UTC, rates as plain numbers.
import type { CriteriaVersion } from '../core/criteria/types.ts';
import type { Outcome } from '../core/engine/outcome.ts';
import type { DayCount, IdForecast } from '../core/forecast-inputs.ts';
import { frac, roundMinor } from '../core/forecast.ts';
import type { Fraction } from '../core/forecast.ts';
import { formatAmount } from '../core/money.ts';
import type { PeriodFigures } from '../core/period-figures.ts';
import { isoUtc } from '../core/time.ts';
import type { Reason } from '../core/types.ts';
import type { Budget, FiredAlert } from './home-ports.ts';

export interface HomeForecast {
  readonly mtd: string;
  readonly runRate: string;
  /** 0 to 1. */
  readonly approvalRate: number;
  readonly accrual: string;
  readonly low: string;
  readonly likely: string;
  readonly high: string;
  /** Whole and partial days left in the period. */
  readonly daysLeft: number;
  /** Billable outcomes a day over the trailing 28 days: 10th percentile, mean, 90th percentile. */
  readonly perDay: { readonly low: number; readonly mean: number; readonly high: number };
}

export interface HomeCriteria {
  readonly criteriaId: string;
  readonly name: string;
  readonly currency: string;
  readonly timezone: string;
  readonly charge: {
    readonly amount: string;
    readonly expected: string | null;
    readonly limit: string | null;
    /** The alert thresholds, whole percents of `expected`. */
    readonly thresholds: readonly number[];
    /** The charge as a percent of `expected`, one decimal; null without a budget. */
    readonly percentOfExpected: number | null;
  };
  /** Only for the id's current period. */
  readonly forecast: HomeForecast | null;
  readonly daily: readonly { readonly date: string; readonly billable: number }[];
  readonly funnel: {
    readonly presses: number;
    readonly attempts: number;
    readonly successes: number;
    readonly billable: number;
    /** Billable ÷ attempts, 0 to 1; null with no attempts. */
    readonly yield: number | null;
    /** The period's charge per outcome charged; null when none was. */
    readonly unitSpend: string | null;
  };
  readonly notBillable: readonly { readonly reason: Reason; readonly count: number }[];
  readonly openDisputes: readonly {
    readonly outcomeId: string;
    readonly objectType: string;
    readonly recordId: string;
    readonly billingPeriod: string | null;
    readonly openedAt: string;
    readonly reason: string;
  }[];
  readonly alerts: readonly { readonly threshold: number; readonly charge: string; readonly expected: string; readonly currency: string; readonly firedAt: string }[];
}

export interface RowParts {
  readonly version: CriteriaVersion;
  readonly currency: string;
  readonly chargeMinor: bigint;
  readonly unitSpendMinor: bigint | null;
  readonly budget: Budget | null;
  readonly forecast: IdForecast | null;
  readonly figures: PeriodFigures;
  readonly fired: readonly FiredAlert[];
  readonly money: (minor: bigint) => string;
  readonly number: (f: Fraction) => number;
}

/** A percent with one decimal, rounded half away from zero: 1234 of 2000 is 61.7. */
function percentOf(part: bigint, whole: bigint): number {
  return Number(roundMinor(frac(part * 1000n, whole))) / 10;
}

export function homeCriteria(p: RowParts): HomeCriteria {
  const { budget, figures, money } = p;
  const { funnel } = figures;
  return {
    criteriaId: p.version.id,
    name: p.version.name,
    currency: p.currency,
    timezone: p.version.timezone,
    charge: {
      amount: money(p.chargeMinor),
      expected: budget ? money(budget.expectedMinor) : null,
      limit: budget?.limitMinor != null ? money(budget.limitMinor) : null,
      thresholds: budget ? [...budget.alerts] : [],
      percentOfExpected: budget ? percentOf(p.chargeMinor, budget.expectedMinor) : null,
    },
    forecast: p.forecast && forecastView(p.forecast, money, p.number),
    daily: figures.daily.map((d: DayCount) => ({ date: d.date, billable: d.count })),
    funnel: { ...funnel, yield: funnel.attempts === 0 ? null : funnel.billable / funnel.attempts, unitSpend: p.unitSpendMinor === null ? null : money(p.unitSpendMinor) },
    notBillable: figures.notBillable,
    openDisputes: figures.openDisputes.map(disputeView),
    alerts: [...p.fired]
      .sort((a, b) => a.threshold - b.threshold)
      .map((a) => ({ threshold: a.threshold, charge: formatAmount(a.chargeMinor, a.currency), expected: formatAmount(a.expectedMinor, a.currency), currency: a.currency, firedAt: isoUtc(a.firedAt) })),
  };
}

function forecastView(f: IdForecast, money: (m: bigint) => string, number: (f: Fraction) => number): HomeForecast {
  return {
    mtd: money(f.mtdMinor),
    runRate: money(f.runRateMinor),
    approvalRate: number(f.approvalRate),
    accrual: money(f.accrualMinor),
    low: money(f.lowMinor),
    likely: money(f.likelyMinor),
    high: money(f.highMinor),
    daysLeft: number(f.daysLeft),
    perDay: { low: number(f.rates.low), mean: number(f.rates.mean), high: number(f.rates.high) },
  };
}

function disputeView(o: Outcome): HomeCriteria['openDisputes'][number] {
  return { outcomeId: o.outcomeId, objectType: o.objectType, recordId: o.recordId, billingPeriod: o.billingPeriod, openedAt: isoUtc(o.dispute!.openedAt), reason: o.dispute!.reason };
}
