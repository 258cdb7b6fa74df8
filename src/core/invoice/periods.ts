// Billing periods as `YYYY-MM` text: checking, stepping to the next one, and the instant a period ends in a time zone.
import { DateTime } from 'luxon';

const PERIOD = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(text: string): boolean {
  return PERIOD.test(text);
}

/** The month after `period`: `2026-12` → `2027-01`. */
export function nextPeriod(period: string): string {
  const m = PERIOD.exec(period);
  if (!m) throw new RangeError(`"${period}" is not a billing period (YYYY-MM)`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** The first instant after `period` in `zone` (epoch ms): the period has ended once the clock reaches it. */
export function periodEnd(period: string, zone: string): number {
  const m = PERIOD.exec(period);
  if (!m) throw new RangeError(`"${period}" is not a billing period (YYYY-MM)`);
  return DateTime.fromObject({ year: Number(m[1]), month: Number(m[2]), day: 1 }, { zone }).plus({ months: 1 }).toMillis();
}

/**
 * When a period has ended for every criteria version given: billing periods are months in each
 * criteria's own time zone (contract §1), so the period is over only once its latest zone is past it.
 */
export function periodEndAcross(period: string, zones: Iterable<string>): number {
  let end = periodEnd(period, 'UTC');
  for (const zone of zones) end = Math.max(end, periodEnd(period, zone));
  return end;
}
