// Contract §9: an invoice line broken down by a group sums to the line exactly, in minor units, whatever the amount and groups.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineMinor } from '../../src/core/invoice/adjustments.ts';
import { allocateLine, compareGroups, equalShares } from '../../src/core/invoice/allocation.ts';
import type { PeriodLine } from '../../src/core/invoice/lines.ts';
import { formatAmount } from '../../src/core/money.ts';

const charge = (amount: string, ids: string[]): PeriodLine => ({
  kind: 'charge',
  period: '2026-11',
  criteriaId: 'resolve',
  criteriaVersion: 1,
  currency: 'USD',
  quantity: ids.length,
  amount,
  tiers: [],
  outcomeIds: ids,
});

describe('allocation of an invoice line', () => {
  it('shares are within one minor unit of each other, larger first, and sum to the total (negative too)', () => {
    expect(equalShares(310n, 4)).toEqual([78n, 78n, 77n, 77n]);
    expect(equalShares(-55n, 2)).toEqual([-28n, -27n]);
    expect(equalShares(0n, 3)).toEqual([0n, 0n, 0n]);
  });

  it('groups by what groupOf says, null (no cost centre, no agent) last', () => {
    const parts = allocateLine(charge('1.00', ['a', 'b', 'c']), (id) => (id === 'b' ? null : id === 'a' ? 'z' : 'm'));
    expect(parts).toEqual([
      { group: 'm', quantity: 1, amount: '0.33', outcomeIds: ['c'] },
      { group: 'z', quantity: 1, amount: '0.34', outcomeIds: ['a'] },
      { group: null, quantity: 1, amount: '0.33', outcomeIds: ['b'] },
    ]);
  });

  it('a credit line’s parts count −1 per outcome; an adjustment’s removed outcomes count −1, added +1', () => {
    const credit: PeriodLine = { kind: 'credit', period: '2026-12', criteriaId: 'resolve', criteriaVersion: 1, currency: 'USD', quantity: -2, amount: '-1.10', creditFor: '2026-11', outcomeIds: ['a', 'b'] };
    expect(allocateLine(credit, () => 'x')).toEqual([{ group: 'x', quantity: -2, amount: '-1.10', outcomeIds: ['a', 'b'] }]);
    const adjustment: PeriodLine = {
      kind: 'adjustment',
      period: '2026-12',
      criteriaId: 'resolve',
      criteriaVersion: 1,
      currency: 'USD',
      quantity: 0,
      amount: '0.00',
      adjusts: { period: '2026-11', sha256: 'f'.repeat(64), line: 'charge', creditFor: null },
      added: ['a'],
      removed: ['b'],
      outcomeIds: ['a', 'b'],
    };
    expect(allocateLine(adjustment, (id) => id).map((p) => [p.group, p.quantity])).toEqual([
      ['a', 1],
      ['b', -1],
    ]);
  });

  it('property: for any amount and any grouping the parts sum to the line’s amount and quantity', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.array(fc.constantFrom('a', 'b', 'c', null), { minLength: 1, maxLength: 40 }), (minor, groups) => {
        const ids = groups.map((_, i) => `o${i}`);
        const line = charge(formatAmount(BigInt(Math.abs(minor)), 'USD'), ids);
        const parts = allocateLine(line, (id) => groups[Number(id.slice(1))]!);
        expect(parts.reduce((s, p) => s + lineMinor(p.amount, 'USD'), 0n)).toBe(BigInt(Math.abs(minor)));
        expect(parts.reduce((s, p) => s + p.quantity, 0)).toBe(ids.length);
      }),
    );
  });
});

describe('allocation: lines without outcomes and the order of groups', () => {
  it('an adjustment that only re-rates names no outcome: one part, with no group', () => {
    const rerated: PeriodLine = {
      kind: 'adjustment',
      period: '2026-12',
      criteriaId: 'resolve',
      criteriaVersion: 1,
      currency: 'USD',
      quantity: 0,
      amount: '-0.50',
      adjusts: { period: '2026-11', sha256: 'f'.repeat(64), line: 'charge', creditFor: null },
      added: [],
      removed: [],
      outcomeIds: [],
    };
    expect(allocateLine(rerated, () => 'never asked')).toEqual([{ group: null, quantity: 0, amount: '-0.50', outcomeIds: [] }]);
  });

  it('groups compare alphabetically, equal groups as equal, no group after every group', () => {
    expect(compareGroups('a', 'a')).toBe(0);
    expect(compareGroups(null, null)).toBe(0);
    expect(compareGroups('a', 'b')).toBeLessThan(0);
    expect(compareGroups('b', 'a')).toBeGreaterThan(0);
    expect(compareGroups(null, 'a')).toBeGreaterThan(0);
    expect(compareGroups('a', null)).toBeLessThan(0);
  });
});
