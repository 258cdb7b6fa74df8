// Contract §5/§6: credits are re-rated in the order upheld; credits upheld at the same instant keep the order they are given in.
import { describe, expect, it } from 'vitest';
import { parsePrice } from '../../src/core/price.ts';
import { buildInvoice } from '../../src/core/rating.ts';
import type { BilledItem } from '../../src/core/rating.ts';

const parsed = parsePrice({ currency: 'USD', model: 'graduated', tiers: [{ up_to: 100, unit_amount: '50.00' }, { up_to: null, unit_amount: '40.00' }] });
if (!parsed.ok) throw new Error('test price invalid');
const price = parsed.price;
const AT = Date.parse('2026-12-31T23:59:59Z');

/** 101 outcomes billed in November; the first two credited at the same instant, in the periods given. */
function twoCreditsAtOnce(first: string, second: string): BilledItem[] {
  return Array.from({ length: 101 }, (_, i): BilledItem => ({
    criteriaId: 'resolve',
    criteriaVersion: 1,
    billingPeriod: '2026-11',
    credit: i === 0 ? { period: first, at: AT } : i === 1 ? { period: second, at: AT } : null,
  }));
}

describe('credits upheld at the same instant', () => {
  it('the first given is the first re-rated: it gives back the 101st outcome (40), the next the 100th (50)', () => {
    const credits = buildInvoice(twoCreditsAtOnce('2026-12', '2027-01'), () => price).filter((l) => l.kind === 'credit');
    expect(credits.map((l) => [l.period, l.amount])).toEqual([
      ['2026-12', '-40.00'],
      ['2027-01', '-50.00'],
    ]);
    const swapped = buildInvoice(twoCreditsAtOnce('2027-01', '2026-12'), () => price).filter((l) => l.kind === 'credit');
    expect(swapped.map((l) => [l.period, l.amount])).toEqual([
      ['2026-12', '-50.00'],
      ['2027-01', '-40.00'],
    ]);
  });
});
