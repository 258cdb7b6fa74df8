// A criteria id's month for the home page: the funnel as a cohort of attempts opened in it, reasons by settlement month, days up to today, and the charge from its invoice lines.
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { chargeOf, periodFigures } from '../../src/core/period-figures.ts';
import type { Reason, Status } from '../../src/core/types.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';

const ZONE = 'Europe/Berlin';
const zoneOf = () => ZONE;
let seq = 0;

function outcome(openedAt: string, status: Status, settledAt: string | null, reason: Reason | null = null): Outcome {
  seq += 1;
  const billable = status === 'billable' || status === 'credited';
  return outcomeFixture({ recordId: String(seq), status, reason, openedAt: Date.parse(openedAt), settledAt: settledAt === null ? null : Date.parse(settledAt), billingPeriod: billable ? settledAt!.slice(0, 7) : null, succeededAt: status === 'failed' ? null : Date.parse(openedAt) + 60_000 });
}

describe('periodFigures', () => {
  const own = [
    // Opened at 00:30 on 1 November in Berlin (still October in UTC): November's cohort; billable in December.
    outcome('2026-10-31T23:30:00Z', 'billable', '2026-12-01T10:00:00Z'),
    { ...outcome('2026-11-02T10:00:00Z', 'credited', '2026-11-03T10:00:00Z'), suppressed: 2, duplicates: 1 },
    outcome('2026-11-02T10:00:00Z', 'failed', null, 'policy_block'),
    // Opened in October, settled not billable in November: November's reasons, October's cohort.
    outcome('2026-10-20T10:00:00Z', 'not_billable', '2026-11-04T10:00:00Z', 'reversed'),
    outcome('2026-11-05T10:00:00Z', 'not_billable', '2026-11-05T12:00:00Z', 'latency_breach'),
    outcome('2026-11-05T10:00:00Z', 'not_billable', '2026-11-05T12:00:00Z', 'excluded'),
    outcome('2026-11-05T10:00:00Z', 'not_billable', '2026-11-05T12:00:00Z', 'latency_breach'),
  ];
  const now = Date.parse('2026-11-10T12:00:00Z');

  it('counts the attempts opened in the month (in their zone) with their presses, successes and billable ones, whenever they settled', () => {
    const f = periodFigures(own, '2026-11', ZONE, zoneOf, now);
    // 6 opened in November: 6 first tries + 2 suppressed + 1 duplicate; the failed one never succeeded; billable or credited: 2.
    expect(f.funnel).toEqual({ presses: 9, attempts: 6, successes: 5, billable: 2 });
    expect(periodFigures(own, '2026-10', ZONE, zoneOf, now).funnel).toEqual({ presses: 1, attempts: 1, successes: 1, billable: 0 });
  });

  it('lists the reasons of outcomes settled not billable in the month, most frequent first, ties by code', () => {
    expect(periodFigures(own, '2026-11', ZONE, zoneOf, now).notBillable).toEqual([
      { reason: 'latency_breach', count: 2 },
      { reason: 'excluded', count: 1 },
      { reason: 'reversed', count: 1 },
    ]);
  });

  it("has the month's days up to today, every day of a past month, and none of a month to come", () => {
    const days = (period: string) => periodFigures(own, period, ZONE, zoneOf, now).daily;
    expect(days('2026-11').map((d) => d.date)).toEqual(Array.from({ length: 10 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`));
    expect(days('2026-11').find((d) => d.date === '2026-11-03')).toEqual({ date: '2026-11-03', count: 1 });
    expect(days('2026-10')).toHaveLength(31);
    expect(days('2026-12')).toEqual([]);
  });

  it('lists the open disputes, oldest first, whatever their month', () => {
    const dispute = (openedAt: number) => ({ state: 'open' as const, reason: 'r', openedBy: { userId: 1, email: 'a@example.com' }, openedAt, resolvedBy: null, resolvedAt: null, note: null });
    const later = { ...own[0]!, dispute: dispute(now) };
    const earlier = { ...own[1]!, dispute: dispute(now - 1) };
    const closed = { ...own[2]!, dispute: { ...dispute(now - 2), state: 'rejected' as const } };
    expect(periodFigures([later, earlier, closed], '2026-09', ZONE, zoneOf, now).openDisputes.map((o) => o.outcomeId)).toEqual([earlier.outcomeId, later.outcomeId]);
  });
});

describe('chargeOf', () => {
  const line = (kind: string, criteriaId: string, quantity: number, amount: string, currency = 'USD') => ({ kind, criteriaId, quantity, amount, currency });

  it("sums the id's charge, credit and adjustment lines in its currency, and divides by the outcomes charged", () => {
    const lines = [line('charge', 'a', 3, '10.00'), line('credit', 'a', -1, '-2.00'), line('adjustment', 'a', 1, '0.50'), line('charge', 'b', 9, '99.00'), line('charge', 'a', 5, '5.00', 'EUR')];
    // 8.50 over 3 outcomes charged: 2.8333… → 2.83.
    expect(chargeOf(lines, 'a', 'USD')).toEqual({ chargeMinor: 850n, unitSpendMinor: 283n });
  });

  it('has no spend per outcome when none was charged', () => {
    expect(chargeOf([line('credit', 'a', -1, '-2.00')], 'a', 'USD')).toEqual({ chargeMinor: -200n, unitSpendMinor: null });
  });
});

describe('periodFigures: bounds of the month in its zone', () => {
  const at = (iso: string) => Date.parse(iso);

  it('an attempt opened at the first instant of the month is in it, one at the first instant of the next is not', () => {
    // Midnight in Berlin is 23:00 UTC the day before (CET).
    const first = outcome('2026-10-31T23:00:00Z', 'open', null);
    const next = outcome('2026-11-30T23:00:00Z', 'open', null);
    const f = periodFigures([first, next], '2026-11', ZONE, zoneOf, at('2026-12-15T00:00:00Z'));
    expect(f.funnel.attempts).toBe(1);
    expect(periodFigures([first, next], '2026-12', ZONE, zoneOf, at('2026-12-15T00:00:00Z')).funnel.attempts).toBe(1);
  });

  it("counts the days in the period's zone: a settlement at 00:30 in Berlin is that day's, and today starts at Berlin's midnight", () => {
    const early = outcome('2026-11-02T20:00:00Z', 'billable', '2026-11-02T23:30:00Z');
    // 00:30 on 11 November in Berlin, still 10 November in UTC: 11 days so far.
    const daily = periodFigures([early], '2026-11', ZONE, zoneOf, at('2026-11-10T23:30:00Z')).daily;
    expect(daily).toHaveLength(11);
    expect(daily.filter((d) => d.count > 0)).toEqual([{ date: '2026-11-03', count: 1 }]);
  });

  it('on the first day of the month it has that one day; on the first day of the next, the whole month and no more', () => {
    expect(periodFigures([], '2026-11', ZONE, zoneOf, at('2026-11-01T12:00:00Z')).daily.map((d) => d.date)).toEqual(['2026-11-01']);
    expect(periodFigures([], '2026-11', ZONE, zoneOf, at('2026-12-01T12:00:00Z')).daily).toHaveLength(30);
  });

  it('ties in the reasons are ordered by code whatever order they settled in', () => {
    const list = [
      outcome('2026-11-05T10:00:00Z', 'not_billable', '2026-11-05T12:00:00Z', 'excluded'),
      outcome('2026-11-05T10:00:00Z', 'not_billable', '2026-11-05T12:00:00Z', 'latency_breach'),
      outcome('2026-11-05T10:00:00Z', 'not_billable', '2026-11-05T12:00:00Z', 'reversed'),
    ];
    const codes = (l: Outcome[]) => periodFigures(l, '2026-11', ZONE, zoneOf, at('2026-11-10T12:00:00Z')).notBillable.map((r) => r.reason);
    expect(codes(list)).toEqual(['excluded', 'latency_breach', 'reversed']);
    expect(codes([...list].reverse())).toEqual(['excluded', 'latency_breach', 'reversed']);
  });

  it('each outcome is placed in the month by the zone of its own version', () => {
    // 23:30 UTC on 31 October: still October in New York, already November in Berlin.
    const ny = outcome('2026-10-31T23:30:00Z', 'open', null);
    const berlin = { ...outcome('2026-10-31T23:30:00Z', 'open', null), criteriaVersion: 2 };
    const byVersion = (o: Outcome) => (o.criteriaVersion === 1 ? 'America/New_York' : ZONE);
    expect(periodFigures([ny, berlin], '2026-11', ZONE, byVersion, at('2026-11-10T12:00:00Z')).funnel.attempts).toBe(1);
    expect(periodFigures([ny, berlin], '2026-10', ZONE, byVersion, at('2026-11-10T12:00:00Z')).funnel.attempts).toBe(1);
  });
});
