// Closed periods, pure: period arithmetic, canonical JSON, and adjustments as the difference between what the ledger rates now and what was invoiced.
import { describe, expect, it } from 'vitest';
import { adjustmentsFor, canonicalJson, firstOpenAfter, openPeriodLines, totalsOf } from '../../src/core/invoice/adjustments.ts';
import type { ClosedPeriod } from '../../src/core/invoice/adjustments.ts';
import type { PeriodLine, RatedLine } from '../../src/core/invoice/lines.ts';
import { isPeriod, nextPeriod, periodEnd, periodEndAcross } from '../../src/core/invoice/periods.ts';

const charge = (period: string, ids: string[], amount: string): RatedLine => ({
  kind: 'charge',
  period,
  criteriaId: 'resolve',
  criteriaVersion: 1,
  currency: 'USD',
  quantity: ids.length,
  amount,
  tiers: [],
  outcomeIds: ids,
});
const closedWith = (period: string, lines: PeriodLine[], sha = period.replace('-', '').padEnd(64, '0')): [string, ClosedPeriod] => [
  period,
  { sha256: sha, snapshot: { portalId: 11, period, closedAt: '2026-12-02T00:00:00.000Z', lines, totals: totalsOf(lines) } },
];

describe('billing periods', () => {
  it('steps over the year end and checks the form', () => {
    expect(nextPeriod('2026-12')).toBe('2027-01');
    expect(nextPeriod('2026-09')).toBe('2026-10');
    expect(['2026-11', '2026-13', '2026-1', '26-11'].map(isPeriod)).toEqual([true, false, false, false]);
  });

  it('a period ends at the first instant of the next month in a zone, and across zones at the latest', () => {
    expect(new Date(periodEnd('2026-11', 'UTC')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(new Date(periodEnd('2026-11', 'America/New_York')).toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(new Date(periodEndAcross('2026-11', ['Pacific/Kiritimati', 'America/New_York'])).toISOString()).toBe('2026-12-01T05:00:00.000Z');
    expect(new Date(periodEndAcross('2026-11', [])).toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('the first open period after a closed run of periods', () => {
    const closed = new Map([['2026-11', 1], ['2026-12', 1]]);
    expect(firstOpenAfter('2026-11', closed)).toBe('2027-01');
    expect(firstOpenAfter('2026-10', closed)).toBe('2027-01');
    expect(firstOpenAfter('2027-01', closed)).toBe('2027-02');
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every level, keeps array order, leaves undefined out: one text per value', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null }, u: undefined })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});

describe('adjustments to closed periods', () => {
  it('nothing changed: no adjustment', () => {
    const closed = new Map([closedWith('2026-11', [charge('2026-11', ['a', 'b'], '2.00')])]);
    expect(adjustmentsFor('2026-11', [charge('2026-11', ['a', 'b'], '2.00')], closed)).toEqual([]);
  });

  it('a re-rated line with the same outcomes still adjusts its amount; a vanished line adjusts it away', () => {
    const closed = new Map([closedWith('2026-11', [charge('2026-11', ['a', 'b'], '2.00'), { ...charge('2026-11', ['c'], '5.00'), criteriaId: 'other' }])]);
    const adj = adjustmentsFor('2026-11', [charge('2026-11', ['a', 'b'], '1.50')], closed);
    expect(adj.map((l) => [l.criteriaId, l.quantity, l.amount, l.added, l.removed, l.period])).toEqual([
      ['other', -1, '-5.00', [], ['c'], '2026-12'],
      ['resolve', 0, '-0.50', [], [], '2026-12'],
    ]);
  });

  it('an open period carries only the closed periods whose first open successor it is, after their frozen adjustments', () => {
    const nov = closedWith('2026-11', [charge('2026-11', ['a'], '1.00')]);
    const decAdjustment: PeriodLine = {
      kind: 'adjustment',
      period: '2026-12',
      criteriaId: 'resolve',
      criteriaVersion: 1,
      currency: 'USD',
      quantity: 1,
      amount: '1.00',
      adjusts: { period: '2026-11', sha256: nov[1].sha256, line: 'charge', creditFor: null },
      added: ['b'],
      removed: [],
      outcomeIds: ['b'],
    };
    const closed = new Map([nov, closedWith('2026-12', [decAdjustment])]);
    const rated = new Map([['2026-11', [charge('2026-11', ['a', 'b', 'c'], '3.00')]]]);
    expect(openPeriodLines('2026-12', rated, closed)).toEqual([]);
    expect(openPeriodLines('2027-01', rated, closed)).toMatchObject([{ kind: 'adjustment', period: '2027-01', quantity: 1, amount: '1.00', added: ['c'], removed: [] }]);
  });
});
