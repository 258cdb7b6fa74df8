// A criteria id's month as the app home page shows it (pure): the funnel from presses to billable outcomes, not-billable reasons, billable days, open disputes, and its invoice lines' charge.
import { DateTime } from 'luxon';
import type { Outcome } from './engine/outcome.ts';
import { dailyBillable } from './forecast-inputs.ts';
import type { DayCount } from './forecast-inputs.ts';
import { frac, roundMinor } from './forecast.ts';
import { lineMinor } from './invoice/adjustments.ts';
import { reasonsMostFirst, summarize } from './ledger-view.ts';
import type { Reason } from './types.ts';

export interface Funnel {
  /** Every press on the id's attempts opened in the period: first tries, retries, duplicates, suppressed. */
  readonly presses: number;
  readonly attempts: number;
  /** Attempts whose success condition held in time. */
  readonly successes: number;
  /** Attempts that settled billable (also those credited since). */
  readonly billable: number;
}

export interface PeriodFigures {
  readonly funnel: Funnel;
  /** Outcomes that settled not billable in the period, per reason, the most frequent first. */
  readonly notBillable: readonly { readonly reason: Reason; readonly count: number }[];
  /** Billable outcomes per day of the period, up to today. */
  readonly daily: readonly DayCount[];
  /** Outcomes whose dispute is open now, whatever their period, oldest dispute first. */
  readonly openDisputes: readonly Outcome[];
}

/** The calendar period an instant is in, in the zone of the version it was pinned to. */
export type ZoneOf = (o: Outcome) => string;

/**
 * The figures of `period` for one id's outcomes. Attempts belong to the period they were opened in
 * (the funnel is a cohort: its billable ones may have settled later); not-billable outcomes to the one
 * they settled in; `zone` (the version in force) sets the days.
 */
export function periodFigures(own: readonly Outcome[], period: string, zone: string, zoneOf: ZoneOf, now: number): PeriodFigures {
  const inPeriod = periodTest(period, zoneOf);
  const cohort = summarize(own.filter((o) => inPeriod(o, o.openedAt)));
  const funnel: Funnel = { presses: cohort.presses, attempts: cohort.attempts, successes: cohort.successes, billable: cohort.billable + cohort.credited };
  const reasons = new Map<Reason, number>();
  for (const o of own) {
    // A not-billable outcome has settled, with a reason.
    if (o.status !== 'not_billable' || !inPeriod(o, o.settledAt!)) continue;
    reasons.set(o.reason!, (reasons.get(o.reason!) ?? 0) + 1);
  }
  const notBillable = reasonsMostFirst(reasons);
  const openDisputes = own.filter((o) => o.dispute?.state === 'open').sort((a, b) => a.dispute!.openedAt - b.dispute!.openedAt);
  return { funnel, notBillable, daily: periodDays(own, period, zone, now), openDisputes };
}

/** Whether an outcome's instant falls in `period` in its own zone; each zone's bounds are found once. */
function periodTest(period: string, zoneOf: ZoneOf): (o: Outcome, at: number) => boolean {
  const bounds = new Map<string, readonly [number, number]>();
  return (o, at) => {
    const zone = zoneOf(o);
    let b = bounds.get(zone);
    if (b === undefined) {
      const start = DateTime.fromISO(`${period}-01`, { zone });
      b = [start.toMillis(), start.plus({ months: 1 }).toMillis()];
      bounds.set(zone, b);
    }
    return at >= b[0] && at < b[1];
  };
}

/** The period's days up to today (all of them once it is over, none before it starts). */
function periodDays(own: readonly Outcome[], period: string, zone: string, now: number): DayCount[] {
  const start = DateTime.fromISO(`${period}-01`, { zone });
  const end = start.plus({ months: 1 });
  const today = DateTime.fromMillis(now, { zone }).startOf('day');
  const last = today < end ? today : end.minus({ days: 1 });
  const days = last < start ? 0 : Math.round(last.diff(start, 'days').days) + 1;
  return dailyBillable(own, zone, start.toMillis(), days);
}

/** An invoice line as the period's charge reads it. */
export interface ChargedLine {
  readonly kind: string;
  readonly criteriaId: string;
  readonly currency: string;
  readonly quantity: number;
  readonly amount: string;
}

/**
 * The id's charge in a period (contract §8: the sum of its invoice lines, credits included) in
 * `currency`, and the charge per outcome charged (its charge lines' quantity), or null with none.
 */
export function chargeOf(lines: readonly ChargedLine[], criteriaId: string, currency: string): { chargeMinor: bigint; unitSpendMinor: bigint | null } {
  const own = lines.filter((l) => l.criteriaId === criteriaId && l.currency === currency);
  const chargeMinor = own.reduce((s, l) => s + lineMinor(l.amount, l.currency), 0n);
  const charged = own.filter((l) => l.kind === 'charge').reduce((s, l) => s + l.quantity, 0);
  return { chargeMinor, unitSpendMinor: charged === 0 ? null : roundMinor(frac(chargeMinor, charged)) };
}
