// cli.md `period close`: nothing rewrites a closed invoice; every later change to it is an adjustment line on the next open
// period that names what it adjusts. Totals, credits for closed periods, chains of closed periods and the lines' order.
import { describe, expect, it } from 'vitest';
import { adjustmentsFor, canonicalJson, openPeriodLines, totalsOf } from '../../src/core/invoice/adjustments.ts';
import type { ClosedPeriod } from '../../src/core/invoice/adjustments.ts';
import type { AdjustmentLine, PeriodLine, RatedLine } from '../../src/core/invoice/lines.ts';
import { isPeriod, nextPeriod, periodEnd } from '../../src/core/invoice/periods.ts';

const charge = (period: string, ids: string[], amount: string, criteriaId = 'resolve', criteriaVersion = 1): RatedLine => ({
  kind: 'charge',
  period,
  criteriaId,
  criteriaVersion,
  currency: 'USD',
  quantity: ids.length,
  amount,
  tiers: [],
  outcomeIds: ids,
});
const credit = (period: string, creditFor: string, ids: string[], amount: string, criteriaId = 'resolve'): RatedLine => ({
  kind: 'credit',
  period,
  criteriaId,
  criteriaVersion: 1,
  currency: 'USD',
  quantity: -ids.length,
  amount,
  creditFor,
  outcomeIds: ids,
});
const sha = (period: string) => period.replace('-', '').padEnd(64, '0');
const closedWith = (period: string, lines: PeriodLine[]): [string, ClosedPeriod] => [
  period,
  { sha256: sha(period), snapshot: { portalId: 11, period, closedAt: '2026-12-02T00:00:00.000Z', lines, totals: totalsOf(lines) } },
];
const adjustment = (period: string, adjusts: string, fields: Partial<AdjustmentLine>): AdjustmentLine => ({
  kind: 'adjustment',
  period,
  criteriaId: 'resolve',
  criteriaVersion: 1,
  currency: 'USD',
  quantity: 0,
  amount: '0.00',
  adjusts: { period: adjusts, sha256: sha(adjusts), line: 'charge', creditFor: null },
  added: [],
  removed: [],
  outcomeIds: [],
  ...fields,
});

describe('totals', () => {
  it('one total per currency, alphabetical, credits and adjustments subtracted', () => {
    const lines = [
      { currency: 'USD', amount: '3.00' },
      { currency: 'JPY', amount: '500' },
      { currency: 'EUR', amount: '1.50' },
      { currency: 'USD', amount: '-1.25' },
      { currency: 'JPY', amount: '-700' },
    ];
    expect(totalsOf(lines)).toEqual([
      { currency: 'EUR', amount: '1.50' },
      { currency: 'JPY', amount: '-200' },
      { currency: 'USD', amount: '1.75' },
    ]);
    expect(totalsOf([])).toEqual([]);
    const mixed = ['EUR', 'USD', 'JPY', 'GBP', 'CHF'].map((currency) => ({ currency, amount: currency === 'JPY' ? '1' : '1.00' }));
    expect(totalsOf(mixed).map((t) => t.currency)).toEqual(['CHF', 'EUR', 'GBP', 'JPY', 'USD']);
  });
});

describe('an open period’s own lines', () => {
  it('a credit for a closed period names that period’s snapshot; a credit for an open one and charges are as rated', () => {
    const closed = new Map([closedWith('2026-10', [charge('2026-10', ['a'], '1.00')])]);
    const rated = new Map([['2026-10', [charge('2026-10', ['a'], '1.00')]], ['2026-11', [charge('2026-11', ['b'], '1.00'), credit('2026-11', '2026-10', ['a'], '-1.00'), credit('2026-11', '2026-11', ['b'], '-1.00')]]]);
    const lines = openPeriodLines('2026-11', rated, closed);
    expect(lines.map((l) => ('adjusts' in l ? l.adjusts : undefined))).toEqual([undefined, { period: '2026-10', sha256: sha('2026-10') }, undefined]);
    // The credit the ledger already carries is not an adjustment as well: the closed October invoice still reads as frozen.
    expect(lines).toHaveLength(3);
  });

  it('a period with nothing rated and nothing closed before it has no lines', () => {
    expect(openPeriodLines('2026-11', new Map(), new Map())).toEqual([]);
  });
});

describe('adjustments of a closed period', () => {
  it('an unchanged credit line of a closed period is no adjustment', () => {
    const lines = [charge('2026-11', ['b'], '1.00'), credit('2026-11', '2026-10', ['a'], '-1.00')];
    const closed = new Map([closedWith('2026-11', lines)]);
    expect(adjustmentsFor('2026-11', lines, closed)).toEqual([]);
  });

  it('a new line, a line gone and outcomes swapped: each adjustment names the line it corrects', () => {
    const frozen = [charge('2026-11', ['a', 'b'], '2.00'), credit('2026-11', '2026-10', ['x'], '-1.00')];
    const closed = new Map([closedWith('2026-11', frozen)]);
    const now = [charge('2026-11', ['a', 'c'], '2.00'), charge('2026-11', ['d'], '5.00', 'resolve', 2), credit('2026-11', '2026-09', ['y'], '-3.00')];
    expect(adjustmentsFor('2026-11', now, closed)).toEqual([
      adjustment('2026-12', '2026-11', { added: ['c'], removed: ['b'], outcomeIds: ['c', 'b'] }),
      adjustment('2026-12', '2026-11', { quantity: -1, amount: '-3.00', adjusts: { period: '2026-11', sha256: sha('2026-11'), line: 'credit', creditFor: '2026-09' }, added: ['y'], outcomeIds: ['y'] }),
      adjustment('2026-12', '2026-11', { quantity: 1, amount: '1.00', adjusts: { period: '2026-11', sha256: sha('2026-11'), line: 'credit', creditFor: '2026-10' }, removed: ['x'], outcomeIds: ['x'] }),
      adjustment('2026-12', '2026-11', { criteriaVersion: 2, quantity: 1, amount: '5.00', added: ['d'], outcomeIds: ['d'] }),
    ]);
  });

  it('a charge line gone since the close is adjusted away, as a charge line', () => {
    const closed = new Map([closedWith('2026-11', [charge('2026-11', ['a'], '1.00')])]);
    expect(adjustmentsFor('2026-11', [], closed)).toEqual([adjustment('2026-12', '2026-11', { quantity: -1, amount: '-1.00', removed: ['a'], outcomeIds: ['a'] })]);
  });

  it('a period that was never closed has nothing invoiced: every line the ledger rates for it would be added, naming no snapshot', () => {
    const adj = adjustmentsFor('2026-11', [charge('2026-11', ['a'], '1.00')], new Map());
    expect(adj).toEqual([{ ...adjustment('2026-12', '2026-11', { quantity: 1, amount: '1.00', added: ['a'], outcomeIds: ['a'] }), adjusts: { period: '2026-11', sha256: '', line: 'charge', creditFor: null } }]);
  });

  it('credit adjustments of one line are ordered by the period billed', () => {
    const closed = new Map([closedWith('2026-11', [])]);
    const now = [credit('2026-11', '2026-10', ['b'], '-1.00'), credit('2026-11', '2026-08', ['a'], '-1.00'), credit('2026-11', '2026-09', ['c'], '-1.00')];
    expect(adjustmentsFor('2026-11', now, closed).map((l) => l.adjusts.creditFor)).toEqual(['2026-08', '2026-09', '2026-10']);
  });

  it('adjustments are ordered by criteria id, then version as a number, then charge before credit', () => {
    const closed = new Map([closedWith('2026-11', [])]);
    const now = [
      credit('2026-11', '2026-10', ['e'], '-1.00', 'b'),
      charge('2026-11', ['d'], '1.00', 'b', 10),
      charge('2026-11', ['c'], '1.00', 'b', 9),
      charge('2026-11', ['f'], '1.00', 'b'),
      charge('2026-11', ['a'], '1.00', 'a', 3),
    ];
    expect(adjustmentsFor('2026-11', now, closed).map((l) => [l.criteriaId, l.criteriaVersion, l.adjusts.line])).toEqual([
      ['a', 3, 'charge'],
      ['b', 1, 'charge'],
      ['b', 1, 'credit'],
      ['b', 9, 'charge'],
      ['b', 10, 'charge'],
    ]);
  });

  it('what later snapshots froze for a period counts as invoiced, applied in period order', () => {
    // November froze [a]; December's snapshot added b to it, January's removed b again; February is open.
    const closed = new Map([
      closedWith('2027-01', [adjustment('2027-01', '2026-11', { quantity: -1, amount: '-1.00', removed: ['b'], outcomeIds: ['b'] }), charge('2027-01', ['z'], '1.00')]),
      closedWith('2026-12', [
        adjustment('2026-12', '2026-11', { quantity: 1, amount: '1.00', added: ['b'], outcomeIds: ['b'] }),
        adjustment('2026-12', '2026-10', { quantity: 1, amount: '9.00', added: ['q'], outcomeIds: ['q'] }),
        charge('2026-12', ['y'], '1.00'),
      ]),
      closedWith('2026-11', [charge('2026-11', ['a'], '1.00')]),
    ]);
    const others: [string, RatedLine[]][] = [['2026-12', [charge('2026-12', ['y'], '1.00')]], ['2027-01', [charge('2027-01', ['z'], '1.00')]]];
    const rated = new Map<string, RatedLine[]>([['2026-11', [charge('2026-11', ['a'], '1.00')]], ...others]);
    expect(openPeriodLines('2027-02', rated, closed)).toEqual([]);
    // The ledger now counts b after all: one more adjustment, on the first open period.
    const again = new Map<string, RatedLine[]>([['2026-11', [charge('2026-11', ['a', 'b'], '2.00')]], ...others]);
    expect(openPeriodLines('2027-02', again, closed)).toEqual([adjustment('2027-02', '2026-11', { quantity: 1, amount: '1.00', added: ['b'], outcomeIds: ['b'] })]);
  });

  it('an open period carries the adjustments of every closed period before it, earliest first', () => {
    const closed = new Map([closedWith('2026-12', [charge('2026-12', ['b'], '1.00')]), closedWith('2026-11', [charge('2026-11', ['a'], '1.00')])]);
    const rated = new Map([
      ['2026-11', [charge('2026-11', [], '0.00')]],
      ['2026-12', [charge('2026-12', [], '0.00')]],
    ]);
    expect(openPeriodLines('2027-01', rated, closed).map((l) => (l.kind === 'adjustment' ? [l.adjusts.period, l.removed] : null))).toEqual([
      ['2026-11', ['a']],
      ['2026-12', ['b']],
    ]);
  });
});

describe('canonical JSON', () => {
  it('keys in code-point order at every level, however they were written', () => {
    expect(canonicalJson({ e: 1, d: 2, c: 3, b: 4, a: 5, B: 6 })).toBe('{"B":6,"a":5,"b":4,"c":3,"d":2,"e":1}');
    expect(canonicalJson([{ z: [3, undefined], y: 'x' }])).toBe('[{"y":"x","z":[3,null]}]');
    expect(canonicalJson('a"b')).toBe('"a\\"b"');
    expect(canonicalJson({ a: 1, c: 2, b: 3, e: 4, d: 5 })).toBe('{"a":1,"b":3,"c":2,"d":5,"e":4}');
  });
});

describe('billing periods', () => {
  it('only YYYY-MM is a period', () => {
    expect(['x2026-11', '2026-11x', '2026-00', '2026-10'].map(isPeriod)).toEqual([false, false, false, true]);
  });

  it('stepping from, or ending, something that is not a period is refused, saying so', () => {
    expect(() => nextPeriod('2026-13')).toThrow(new RangeError('"2026-13" is not a billing period (YYYY-MM)'));
    expect(() => periodEnd('Nov 2026', 'UTC')).toThrow(new RangeError('"Nov 2026" is not a billing period (YYYY-MM)'));
  });
});
