// What a criteria id's forecast reads from the ledger at `now` (contract §8): its current period, days in its time zone, the trailing days' billable counts, the review outcomes and the charge so far.
import { DateTime } from 'luxon';
import type { CriteriaSet } from './criteria/criteria-set.ts';
import type { CriteriaVersion } from './criteria/types.ts';
import type { Outcome, TrailEntry } from './engine/outcome.ts';
import { lineMinor } from './invoice/adjustments.ts';
import { forecast, frac } from './forecast.ts';
import { overLimitOf } from './ledger-view.ts';
import type { Forecast, ForecastInput } from './forecast.ts';
import { amountFor } from './price.ts';
import { billingPeriodOf } from './time.ts';

export const TRAILING_DAYS = 28;
export const APPROVAL_WINDOW_DAYS = 90;

export interface DayCount {
  /** `2026-11-03`, in the criteria's time zone. */
  readonly date: string;
  readonly count: number;
}

export interface IdForecast extends Forecast {
  readonly criteriaId: string;
  /** The version in force at `now`: its price, currency and time zone are the forecast's. */
  readonly version: CriteriaVersion;
  readonly period: string;
  readonly daysLeft: ForecastInput['daysLeft'];
  readonly trailing: readonly DayCount[];
}

/** An outcome that settled billable counts on its settlement day, also once credited: the work was billable. Only those have a billing period. */
export const settledBillable = (o: Outcome): boolean => o.billingPeriod !== null;

/**
 * Billable outcomes of `outcomes` per calendar day in `zone`, for `days` days from the day starting at
 * `from` (epoch ms, a midnight in `zone`); days without any are 0.
 */
export function dailyBillable(outcomes: readonly Outcome[], zone: string, from: number, days: number): DayCount[] {
  const first = DateTime.fromMillis(from, { zone });
  const dates = Array.from({ length: days }, (_, i) => first.plus({ days: i }));
  // Day boundaries once, then a search per outcome: a time-zone conversion per outcome costs far more.
  const starts = [...dates.map((d) => d.toMillis()), first.plus({ days }).toMillis()];
  const counts = new Array<number>(days).fill(0);
  for (const o of outcomes) {
    if (!settledBillable(o)) continue;
    const i = dayIndex(starts, o.settledAt!);
    if (i !== -1) counts[i]! += 1;
  }
  return dates.map((d, i) => ({ date: d.toISODate() ?? '', count: counts[i]! }));
}

/** The i with starts[i] <= at < starts[i + 1], or -1 outside them all. */
function dayIndex(starts: readonly number[], at: number): number {
  // With no days the one bound is both the first and the last: every instant is outside.
  if (at < starts[0]! || at >= starts[starts.length - 1]!) return -1;
  let lo = 0;
  let hi = starts.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** How the outcomes that left `in_review` within (since, until] ended, each by its last exit in that window. */
export function leftReview(outcomes: readonly Outcome[], since: number, until: number): ForecastInput['leftReview'] {
  const left = { billable: 0, reversed: 0, reviewFailed: 0 };
  for (const o of outcomes) {
    const exit = o.trail.findLast((e): e is Extract<TrailEntry, { type: 'transition' }> => e.type === 'transition' && e.from === 'in_review' && e.at > since && e.at <= until);
    if (exit === undefined) continue;
    if (exit.to === 'billable') left.billable++;
    else if (exit.reason === 'reversed') left.reversed++;
    else if (exit.reason === 'human_review_fail') left.reviewFailed++;
  }
  return left;
}

interface Clock {
  readonly period: string;
  readonly elapsed: ForecastInput['elapsed'];
  readonly daysLeft: ForecastInput['daysLeft'];
  readonly today: number;
}

/**
 * Where `now` stands in its period in `zone`: the elapsed fraction in time, and the days left as the
 * rest of today (as a share of today's length, which daylight saving changes) plus the whole days after.
 */
function periodClock(now: number, zone: string): Clock {
  const here = DateTime.fromMillis(now, { zone });
  const start = here.startOf('month');
  const end = start.plus({ months: 1 });
  const today = here.startOf('day');
  const tomorrow = today.plus({ days: 1 });
  const dayMs = tomorrow.toMillis() - today.toMillis();
  const wholeDays = Math.round(end.diff(tomorrow, 'days').days);
  return {
    period: billingPeriodOf(now, zone),
    elapsed: frac(now - start.toMillis(), end.toMillis() - start.toMillis()),
    daysLeft: frac(tomorrow.toMillis() - now + wholeDays * dayMs, dayMs),
    today: today.toMillis(),
  };
}

/** An invoice line as far as the charge so far reads it: charge, credit and adjustment lines alike. */
export interface PeriodCharge {
  readonly period: string;
  readonly criteriaId: string;
  readonly currency: string;
  readonly amount: string;
}

/**
 * The forecast of every criteria id with a version in force at `now`, for its current period.
 * `lines` are the invoice lines of the periods (the ledger's, computed once for all ids). The charge
 * so far counts the lines in the currency of the version in force (docs/decisions.md, "Forecasts").
 * Which outcomes are over limit is read off the whole ledger here (contract §8), not from the outcomes'
 * stored `overLimit`, which the ledger does not keep: a caller cannot forget to mark them. The limit is
 * the version in force's `budget.limit`, the one the ledger's rule holds the next outcome to.
 */
export function forecastsAt(outcomes: readonly Outcome[], lines: readonly PeriodCharge[], criteria: CriteriaSet, now: number): IdForecast[] {
  const ids = [...new Set(criteria.versions().map((v) => v.id))].sort();
  const over = overLimitOf(outcomes, criteria);
  const out: IdForecast[] = [];
  for (const id of ids) {
    const version = criteria.inForce(id, now);
    if (version === null) continue;
    const own = outcomes.filter((o) => o.criteriaId === id);
    out.push(idForecast(own, over, lines.filter((l) => l.criteriaId === id), criteria, version, now));
  }
  return out;
}

function idForecast(own: readonly Outcome[], over: ReadonlySet<string>, lines: readonly PeriodCharge[], criteria: CriteriaSet, version: CriteriaVersion, now: number): IdForecast {
  const zone = version.timezone;
  const clock = periodClock(now, zone);
  const inPeriod = own.filter((o) => settledBillable(o) && o.billingPeriod === clock.period);
  const charged = inPeriod.filter((o) => !over.has(o.outcomeId));
  // The id's other lines held to the limit: those in its currency only, as limits.ts counts them.
  const currency = version.price.currency;
  const elsewhere = new Map<number, number>();
  for (const o of charged) {
    if (o.criteriaVersion === version.version || criteria.get(o.criteriaId, o.criteriaVersion).price.currency !== currency) continue;
    elsewhere.set(o.criteriaVersion, (elsewhere.get(o.criteriaVersion) ?? 0) + 1);
  }
  const trailingFrom = DateTime.fromMillis(clock.today, { zone }).minus({ days: TRAILING_DAYS }).toMillis();
  const trailing = dailyBillable(own, zone, trailingFrom, TRAILING_DAYS);
  const since = DateTime.fromMillis(now, { zone }).minus({ days: APPROVAL_WINDOW_DAYS }).toMillis();
  const input: ForecastInput = {
    price: version.price,
    limitMinor: version.budget?.limitMinor ?? null,
    mtdMinor: lines.filter((l) => l.period === clock.period && l.currency === currency).reduce((s, l) => s + lineMinor(l.amount, l.currency), 0n),
    chargedOnLine: charged.filter((o) => o.criteriaVersion === version.version).length,
    chargedElsewhereMinor: [...elsewhere].reduce((s, [v, n]) => s + amountFor(criteria.get(version.id, v).price, n).amountMinor, 0n),
    overLimitSoFar: inPeriod.some((o) => over.has(o.outcomeId)),
    inReview: own.filter((o) => o.status === 'in_review').length,
    leftReview: leftReview(own, since, now),
    dailyBillable: trailing.map((d) => d.count),
    elapsed: clock.elapsed,
    daysLeft: clock.daysLeft,
  };
  return { criteriaId: version.id, version, period: clock.period, daysLeft: clock.daysLeft, trailing, ...forecast(input) };
}
