// Contract §8 alerts, live side: the per-line counters a commit writes, the counts read back from Redis's strings, and which periods a commit's counters say to check, and when.
import { describe, expect, it } from 'vitest';
import { counterDelta, counterFields, countsOf, periodChargeMinor, raisedCharges } from '../../../src/core/alerts/charge-counts.ts';
import type { Outcome } from '../../../src/core/engine/outcome.ts';
import type { Price } from '../../../src/core/price.ts';
import { outcomeFixture } from '../../support/hubspot-double.ts';

const NOV = Date.parse('2026-11-01T00:00:00Z');
const hour = (h: number): number => NOV + h * 3_600_000;
const flat = (unit: bigint): Price => ({ model: 'flat', currency: 'USD', digits: 2, unitMinor: unit }) as Price;

let seq = 0;
/** An outcome of record `seq`, settled at `settledAt` and billed in November unless said otherwise. */
function outcome(over: Partial<Outcome> & { settledAt?: number | null } = {}): Outcome {
  seq += 1;
  return { ...outcomeFixture({ recordId: String(seq), status: 'billable' }), settledAt: hour(1), billingPeriod: '2026-11', ...over };
}

describe('counterFields: what the ledger adds up to', () => {
  it('counts billed outcomes per id, period and version, and credits per upheld period too', () => {
    const fields = counterFields([
      outcome(),
      outcome({ criteriaVersion: 2 }),
      outcome({ criteriaVersion: 2 }),
      outcome({ criteriaId: 'other' }),
      outcome({ status: 'credited', creditedAt: hour(800), creditPeriod: '2026-12' }),
    ]);
    expect(Object.fromEntries(fields)).toEqual({
      'n|resolve|2026-11|1': 2,
      'n|resolve|2026-11|2': 2,
      'n|other|2026-11|1': 1,
      'k|resolve|2026-12|2026-11|1': 1,
      // And the instant it was upheld, so a check leaves out credits upheld after it.
      [`u|resolve|2026-12|2026-11|1|${hour(800)}`]: 1,
    });
  });

  it('leaves out what charges nothing: unsettled, not billable and over-limit outcomes (a credited over-limit one too)', () => {
    const fields = counterFields([
      outcome({ status: 'open', settledAt: null, billingPeriod: null }),
      outcome({ status: 'in_review', settledAt: null, billingPeriod: null }),
      outcome({ status: 'not_billable', reason: 'reversed', billingPeriod: null }),
      outcome({ overLimit: true }),
      outcome({ overLimit: true, status: 'credited', creditedAt: hour(2), creditPeriod: '2026-11' }),
    ]);
    expect(fields.size).toBe(0);
  });
});

describe('counterDelta: what a commit changes', () => {
  it('leaves out the counters a commit did not change', () => {
    const a = outcome();
    const b = outcome({ criteriaVersion: 2 });
    expect(counterDelta(counterFields([a, b]), counterFields([a, b, outcome({ criteriaVersion: 2 })]))).toEqual({ 'n|resolve|2026-11|2': 1 });
    expect(counterDelta(counterFields([a, b]), counterFields([a, b]))).toEqual({});
  });
});

describe('countsOf: one id out of the stored hash (Redis gives strings)', () => {
  it("reads the id's charged and credited counts, from strings or numbers", () => {
    const counts = countsOf('resolve', { 'n|resolve|2026-11|1': '3', 'n|resolve|2026-11|2': 2, 'k|resolve|2026-12|2026-11|1': '1' });
    expect(Object.fromEntries(counts.charged)).toEqual({ '2026-11|1': 3, '2026-11|2': 2 });
    expect(Object.fromEntries(counts.credited)).toEqual({ '2026-12|2026-11|1': 1 });
  });

  it("skips other ids, counts that are not whole and above 0, unknown kinds and fields of the wrong shape", () => {
    const counts = countsOf('resolve', {
      'n|other|2026-11|1': '5',
      'n|resolve|2026-11|1': '0',
      'n|resolve|2026-11|2': '-1',
      'n|resolve|2026-11|3': '1.5',
      'n|resolve|2026-11|4': 'x',
      'x|resolve|2026-11|5': '1',
      'n|resolve|2026-11': '1',
      'n|resolve|2026-11|6|7': '1',
      'k|resolve|2026-12|1': '1',
      'k|resolve|2026-12|2026-11|1|2': '1',
      'n|resolve|2026-11|9': '1',
    });
    expect(Object.fromEntries(counts.charged)).toEqual({ '2026-11|9': 1 });
    expect(counts.credited.size).toBe(0);
  });
});

describe('periodChargeMinor: credits of a line in the order upheld', () => {
  const charge = (fields: Record<string, number>, period: string, price = flat(100n)) => periodChargeMinor(countsOf('resolve', fields), period, () => price);

  it('a single outcome charged and credited gives back all it cost', () => {
    expect(charge({ 'n|resolve|2026-11|1': 1, 'k|resolve|2026-11|2026-11|1': 1 }, '2026-11')).toBe(0n);
  });

  it("a period's credits come after those upheld in earlier periods, only the same line's", () => {
    // Graduated: 1-2 at 3.00, from 3 at 1.00. Five charged in October: 3 + 3 + 1 + 1 + 1 = 9.00.
    const graduated = { model: 'graduated', currency: 'USD', digits: 2, tiers: [{ upTo: 2, unitMinor: 300n }, { upTo: null, unitMinor: 100n }] } as Price;
    const fields = {
      'n|resolve|2026-10|1': 5,
      // Three credits of October's line upheld in October give back positions 5, 4, 3 (1.00 each) ...
      'k|resolve|2026-10|2026-10|1': 3,
      // ... so November's one credit of it gives back position 2: 3.00.
      'k|resolve|2026-11|2026-10|1': 1,
      // Credits of another line, or of a later period, do not move it.
      'k|resolve|2026-10|2026-10|2': 4,
      'k|resolve|2026-12|2026-10|1': 1,
    };
    expect(charge(fields, '2026-11', graduated)).toBe(-300n);
    expect(charge(fields, '2026-10', graduated)).toBe(900n - 300n);
  });
});

describe('raisedCharges: the periods a commit raised, checked at their latest settlement', () => {
  it('raises a period whose charge lines grew, at the latest settlement of the id there', () => {
    const outcomes = [outcome({ settledAt: hour(3) }), outcome({ settledAt: hour(7) }), outcome({ settledAt: hour(5), criteriaVersion: 2 })];
    expect(raisedCharges({ 'n|resolve|2026-11|1': 2 }, outcomes)).toEqual([{ criteriaId: 'resolve', period: '2026-11', at: hour(7) }]);
  });

  it('raises each id and period once, however many of its lines grew', () => {
    const outcomes = [outcome({ settledAt: hour(3) }), outcome({ settledAt: hour(9), criteriaVersion: 2 }), outcome({ criteriaId: 'other', settledAt: hour(4) })];
    expect(raisedCharges({ 'n|resolve|2026-11|1': 1, 'n|resolve|2026-11|2': 1, 'n|other|2026-11|1': 1 }, outcomes)).toEqual([
      { criteriaId: 'resolve', period: '2026-11', at: hour(9) },
      { criteriaId: 'other', period: '2026-11', at: hour(4) },
    ]);
  });

  it("reads only the id's outcomes of that period", () => {
    const outcomes = [outcome({ settledAt: hour(3) }), outcome({ criteriaId: 'other', settledAt: hour(8) }), outcome({ billingPeriod: '2026-12', settledAt: hour(740) })];
    expect(raisedCharges({ 'n|resolve|2026-11|1': 1 }, outcomes)).toEqual([{ criteriaId: 'resolve', period: '2026-11', at: hour(3) }]);
  });

  it('fires nothing for credits, for lines that shrank, or with no settlement of the period in the commit', () => {
    const outcomes = [outcome({ settledAt: hour(3) })];
    expect(raisedCharges({ 'k|resolve|2026-11|2026-11|1': 1, 'n|resolve|2026-11|1': -1 }, outcomes)).toEqual([]);
    expect(raisedCharges({ 'n|resolve|2026-12|1': 1 }, outcomes)).toEqual([]);
    expect(raisedCharges({ 'n|resolve|2026-11|1': 1 }, [])).toEqual([]);
  });
});

describe('counters out of step', () => {
  it('a line never gives back more than it charged, whatever the credit counter says', () => {
    const fields = { 'n|resolve|2026-11|1': 1, 'k|resolve|2026-11|2026-11|1': 3 };
    expect(periodChargeMinor(countsOf('resolve', fields), '2026-11', () => flat(100n))).toBe(0n);
  });

  it('a line that did not grow raises nothing', () => {
    expect(raisedCharges({ 'n|resolve|2026-11|1': 0 }, [outcome({ settledAt: hour(3) })])).toEqual([]);
  });
});
