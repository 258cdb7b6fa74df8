// Contract §8 limits: the longest charged prefix in settlement order under flat, graduated and volume prices, over-limit lines with wouldHaveCost, credits, several versions, and the capped charge forecasts use.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/engine/outcome.ts';
import { openPeriodLines } from '../../src/core/invoice/adjustments.ts';
import { ratedLinesByPeriod } from '../../src/core/invoice/lines.ts';
import { invoiceOf, markOverLimit } from '../../src/core/ledger-view.ts';
import { chargeUnderLimit, overLimitIds, wouldHaveCost } from '../../src/core/limits.ts';
import { amountFor, parsePrice } from '../../src/core/price.ts';
import type { Price } from '../../src/core/price.ts';
import type { InvoiceLine } from '../../src/core/rating.ts';
import { outcomeFixture } from '../support/hubspot-double.ts';
import { criteriaSet } from '../support/scenario.ts';

const FLAT = { currency: 'USD', model: 'flat', unit_amount: '10.00' };
/** Graduated: the first 2 at 10.00, the 3rd at 6.00, the rest at 4.00. */
const GRADUATED = { currency: 'USD', model: 'graduated', tiers: [{ up_to: 2, unit_amount: '10.00' }, { up_to: 3, unit_amount: '6.00' }, { up_to: null, unit_amount: '4.00' }] };
/** Volume: up to 3 outcomes all at 30.00, from 4 all at 20.00: the 3rd costs 90.00 in all, the 4th only 80.00. */
const VOLUME = { currency: 'USD', model: 'volume', tiers: [{ up_to: 3, unit_amount: '30.00' }, { up_to: null, unit_amount: '20.00' }] };

/** A billable outcome of record `recordId`, settled at `settled` (ISO), billed in that month. */
function billable(recordId: string, settled: string, over: Partial<Outcome> = {}): Outcome {
  return { ...outcomeFixture({ recordId, status: 'billable' }), settledAt: Date.parse(settled), billingPeriod: settled.slice(0, 7), ...over };
}

/** `n` outcomes settled a minute apart on Nov 3 from 10:01, records 11, 12, ... */
const series = (n: number, over: Partial<Outcome> = {}): Outcome[] =>
  Array.from({ length: n }, (_, i) => billable(String(11 + i), `2026-11-03T10:${String(i + 1).padStart(2, '0')}:00Z`, over));

const credited = (o: Outcome, at: string): Outcome => ({ ...o, status: 'credited', creditedAt: Date.parse(at), creditPeriod: at.slice(0, 7) });

/** Lines without tier breakdowns (checked by the rating tests). */
const lines = (ls: InvoiceLine[]) => ls.map((l) => (l.kind === 'charge' ? { kind: l.kind, version: l.criteriaVersion, quantity: l.quantity, amount: l.amount } : l.kind === 'over_limit' ? { kind: l.kind, version: l.criteriaVersion, quantity: l.quantity, amount: l.amount, wouldHaveCost: l.wouldHaveCost } : { kind: l.kind, version: l.criteriaVersion, quantity: l.quantity, amount: l.amount, creditFor: l.creditFor, period: l.period }));

const overIds = (outcomes: Outcome[], criteria: ReturnType<typeof criteriaSet>) => markOverLimit(outcomes, criteria).filter((o) => o.overLimit).map((o) => o.recordId);

describe('§8 limit: the longest prefix in settlement order stays at or below the limit', () => {
  it('flat: charged while the charge stays within the limit; the rest listed over limit at m × unit', () => {
    const criteria = criteriaSet({ price: FLAT, budget: { expected: '30.00', limit: '35.00' } });
    const outcomes = series(5);
    expect(lines(invoiceOf(outcomes, criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 3, amount: '30.00' },
      { kind: 'over_limit', version: 1, quantity: 2, amount: '0.00', wouldHaveCost: '20.00' },
    ]);
    expect(overIds(outcomes, criteria)).toEqual(['14', '15']);
    // Still billable: the work was verified.
    expect(outcomes.every((o) => o.status === 'billable')).toBe(true);
  });

  it('flat: a charge exactly at the limit is within it', () => {
    const criteria = criteriaSet({ price: FLAT, budget: { expected: '30.00', limit: '30.00' } });
    expect(lines(invoiceOf(series(4), criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 3, amount: '30.00' },
      { kind: 'over_limit', version: 1, quantity: 1, amount: '0.00', wouldHaveCost: '10.00' },
    ]);
  });

  it('graduated: over-limit outcomes would have cost the tier prices of positions n + 1 … n + m', () => {
    // rate(1) = 10, rate(2) = 20 > 15: one charged; positions 2, 3, 4 would cost 10 + 6 + 4.
    const criteria = criteriaSet({ price: GRADUATED, budget: { expected: '10.00', limit: '15.00' } });
    expect(lines(invoiceOf(series(4), criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 1, amount: '10.00' },
      { kind: 'over_limit', version: 1, quantity: 3, amount: '0.00', wouldHaveCost: '20.00' },
    ]);
  });

  it('volume: a tier step past the limit ends the prefix even where a later count would fit again', () => {
    // rate(2) = 60, rate(3) = 90 > 85 stops it; rate(4) = 80 would fit, but the 4th is over limit too.
    const criteria = criteriaSet({ price: VOLUME, budget: { expected: '60.00', limit: '85.00' } });
    const outcomes = series(4);
    expect(lines(invoiceOf(outcomes, criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 2, amount: '60.00' },
      // m × the unit of the tier holding n + m = 4: 2 × 20.00.
      { kind: 'over_limit', version: 1, quantity: 2, amount: '0.00', wouldHaveCost: '40.00' },
    ]);
    expect(overIds(outcomes, criteria)).toEqual(['13', '14']);
  });

  it('settlement order, not ledger order: settledAt first, then outcomeId for a tie', () => {
    const criteria = criteriaSet({ price: FLAT, budget: { expected: '10.00', limit: '20.00' } });
    // Record 15 opened first (ledger order) but settled last; 12 and 13 tie on settledAt.
    const outcomes = [billable('15', '2026-11-05T09:00:00Z'), billable('13', '2026-11-04T09:00:00Z'), billable('12', '2026-11-04T09:00:00Z'), billable('11', '2026-11-03T09:00:00Z')];
    expect(overIds(outcomes, criteria).sort()).toEqual(['13', '15']);
    // The same tie given the other way round.
    const ascending = [billable('11', '2026-11-03T09:00:00Z'), billable('12', '2026-11-04T09:00:00Z'), billable('13', '2026-11-04T09:00:00Z'), billable('15', '2026-11-05T09:00:00Z')];
    expect(overIds(ascending, criteria).sort()).toEqual(['13', '15']);
  });

  it('no version in force at a settlement (none can be in practice) means no limit for that step', () => {
    const flat = criteriaSet({ price: FLAT }).get('resolve', 1).price;
    const items = series(3).map((o) => ({ outcomeId: o.outcomeId, criteriaId: o.criteriaId, criteriaVersion: o.criteriaVersion, billingPeriod: o.billingPeriod!, settledAt: o.settledAt! }));
    expect(overLimitIds(items, { get: () => ({ price: flat }), inForce: () => null })).toEqual(new Set());
  });

  it('per period: the next month starts from nothing', () => {
    const criteria = criteriaSet({ price: FLAT, budget: { expected: '10.00', limit: '10.00' } });
    const outcomes = [billable('11', '2026-11-29T09:00:00Z'), billable('12', '2026-11-30T09:00:00Z'), billable('13', '2026-12-01T09:00:00Z')];
    expect(overIds(outcomes, criteria)).toEqual(['12']);
    expect(invoiceOf(outcomes, criteria).map((l) => `${l.period} ${l.kind} ${l.quantity}`)).toEqual(['2026-11 charge 1', '2026-11 over_limit 1', '2026-12 charge 1']);
  });

  it('no limit: a budget without one, or no budget, charges everything', () => {
    for (const over of [{ budget: { expected: '1.00' } }, {}]) {
      const criteria = criteriaSet({ price: FLAT, ...over });
      expect(lines(invoiceOf(series(5), criteria))).toEqual([{ kind: 'charge', version: 1, quantity: 5, amount: '50.00' }]);
    }
  });

  it('a limit of 0 charges nothing and lists everything', () => {
    const criteria = criteriaSet({ price: GRADUATED, budget: { expected: '1.00', limit: '0' } });
    expect(lines(invoiceOf(series(3), criteria))).toEqual([{ kind: 'over_limit', version: 1, quantity: 3, amount: '0.00', wouldHaveCost: '26.00' }]);
  });
});

describe('§8 limit and credits', () => {
  const criteria = criteriaSet({ price: GRADUATED, budget: { expected: '20.00', limit: '26.00' } });

  it('crediting an over-limit outcome credits nothing and makes no credit line', () => {
    const outcomes = series(5);
    outcomes[4] = credited(outcomes[4]!, '2026-11-20T09:00:00Z');
    expect(lines(invoiceOf(outcomes, criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 3, amount: '26.00' },
      { kind: 'over_limit', version: 1, quantity: 2, amount: '0.00', wouldHaveCost: '8.00' },
    ]);
    expect(markOverLimit(outcomes, criteria)[4]).toMatchObject({ status: 'credited', overLimit: true });
  });

  it('a credit of a charged outcome is re-rated on the charged count, and never moves an over-limit one into the prefix', () => {
    const outcomes = series(5);
    outcomes[0] = credited(outcomes[0]!, '2026-11-20T09:00:00Z');
    expect(lines(invoiceOf(outcomes, criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 3, amount: '26.00' },
      { kind: 'over_limit', version: 1, quantity: 2, amount: '0.00', wouldHaveCost: '8.00' },
      // n = 3 charged: rate(3) − rate(2) = 6.00.
      { kind: 'credit', version: 1, quantity: -1, amount: '-6.00', creditFor: '2026-11', period: '2026-11' },
    ]);
    expect(overIds(outcomes, criteria)).toEqual(['14', '15']);
  });

  it("each line names its outcomes: the charge line the charged ones, the over-limit line the others, the credit line only a charged one's credit", () => {
    const outcomes = series(5);
    outcomes[1] = credited(outcomes[1]!, '2026-11-20T09:00:00Z');
    outcomes[3] = credited(outcomes[3]!, '2026-11-21T09:00:00Z');
    const rated = ratedLinesByPeriod(outcomes, criteria).get('2026-11')!;
    expect(rated.map((l) => [l.kind, l.outcomeIds.map((id) => id.split(':')[2])])).toEqual([
      ['charge', ['11', '12', '13']],
      ['over_limit', ['14', '15']],
      ['credit', ['12']],
    ]);
  });
});

describe('§8 limit over several versions of one id', () => {
  const v1 = { price: FLAT, budget: { expected: '40.00', limit: '40.00' } };
  const v2 = { version: 2, change_notes: 'Cheaper.', effective_from: '2026-11-10T00:00:00Z', price: { ...FLAT, unit_amount: '5.00' } };

  it('the limit is per id: every version line counts toward it, each over-limit line priced as its own line', () => {
    const criteria = criteriaSet(v1, { ...v2, budget: { expected: '40.00', limit: '40.00' } });
    // v1: 3 × 10 = 30; then v2: 35, 40, 45 > 40.
    const outcomes = [...series(3), ...['11', '12', '13'].map((d, i) => billable(String(21 + i), `2026-11-${d}T09:00:00Z`, { criteriaVersion: 2 }))];
    expect(lines(invoiceOf(outcomes, criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 3, amount: '30.00' },
      { kind: 'charge', version: 2, quantity: 2, amount: '10.00' },
      { kind: 'over_limit', version: 2, quantity: 1, amount: '0.00', wouldHaveCost: '5.00' },
    ]);
  });

  it("the limit in force is the version in force at the outcome's settlement, whatever version it is pinned to", () => {
    const criteria = criteriaSet({ ...v1, budget: { expected: '20.00', limit: '20.00' } }, { ...v2, budget: { expected: '100.00', limit: '100.00' } });
    // Pinned to v1 (10.00 each): two settle under v1's limit of 20, the third after v2 (limit 100) took effect.
    const outcomes = [billable('11', '2026-11-03T09:00:00Z'), billable('12', '2026-11-04T09:00:00Z'), billable('13', '2026-11-11T09:00:00Z')];
    expect(lines(invoiceOf(outcomes, criteria))).toEqual([{ kind: 'charge', version: 1, quantity: 3, amount: '30.00' }]);
  });

  it("a line priced in another currency does not count against the limit's currency", () => {
    const criteria = criteriaSet({ ...v1, budget: { expected: '20.00', limit: '20.00' } }, { ...v2, price: { ...FLAT, currency: 'EUR' }, budget: { expected: '20.00', limit: '20.00' } });
    // 20.00 USD under v1, then 20.00 EUR under v2, whose limit is in euros.
    const outcomes = [...series(2), billable('21', '2026-11-11T09:00:00Z', { criteriaVersion: 2 }), billable('22', '2026-11-12T09:00:00Z', { criteriaVersion: 2 }), billable('23', '2026-11-13T09:00:00Z', { criteriaVersion: 2 })];
    expect(overIds(outcomes, criteria)).toEqual(['23']);
    // Pinned to v1 (dollars) but settled under v2: its charge is not in the limit's euros.
    expect(overIds([...series(2), billable('24', '2026-11-11T08:00:00Z'), ...outcomes.slice(2)], criteria)).toEqual(['23']);
  });

  it('once the prefix ended, a later version with a higher limit (or none) does not charge again in that period', () => {
    const criteria = criteriaSet({ ...v1, budget: { expected: '20.00', limit: '20.00' } }, v2);
    const outcomes = [...series(3), billable('21', '2026-11-11T09:00:00Z', { criteriaVersion: 2 })];
    expect(lines(invoiceOf(outcomes, criteria))).toEqual([
      { kind: 'charge', version: 1, quantity: 2, amount: '20.00' },
      { kind: 'over_limit', version: 1, quantity: 1, amount: '0.00', wouldHaveCost: '10.00' },
      { kind: 'over_limit', version: 2, quantity: 1, amount: '0.00', wouldHaveCost: '5.00' },
    ]);
  });
});

describe('§8 limit after a period is closed', () => {
  const criteria = criteriaSet({ price: FLAT, budget: { expected: '20.00', limit: '20.00' } });
  const closedWith = (outcomes: Outcome[]) => {
    const lines = ratedLinesByPeriod(outcomes, criteria).get('2026-11')!;
    return new Map([['2026-11', { snapshot: { portalId: 1, period: '2026-11', closedAt: '2026-12-01T00:00:00.000Z', lines, totals: [] }, sha256: 'abc' }]]);
  };

  it('a frozen over-limit line makes no adjustment while nothing changed', () => {
    const outcomes = series(3);
    expect(openPeriodLines('2026-12', ratedLinesByPeriod(outcomes, criteria), closedWith(outcomes))).toEqual([]);
  });

  it('an outcome found late that settled first takes a place in the charged prefix: the charge line is adjusted, not the over-limit line', () => {
    const outcomes = series(3);
    const closed = closedWith(outcomes);
    const early = billable('10', '2026-11-03T09:00:00Z');
    const adjustments = openPeriodLines('2026-12', ratedLinesByPeriod([early, ...outcomes], criteria), closed);
    expect(adjustments).toMatchObject([{ kind: 'adjustment', period: '2026-12', quantity: 0, amount: '0.00', adjusts: { period: '2026-11', line: 'charge' }, added: [early.outcomeId], removed: [outcomes[1]!.outcomeId] }]);
  });
});

function price(raw: unknown): Price {
  const r = parsePrice(raw);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.price;
}

describe('§8 wouldHaveCost and chargeUnderLimit (for forecasts)', () => {
  it('wouldHaveCost: flat m × unit, graduated positions n + 1 … n + m, volume m × the unit of the tier of n + m', () => {
    expect(wouldHaveCost(price(FLAT), 7, 3)).toBe(3000n);
    expect(wouldHaveCost(price(GRADUATED), 1, 3)).toBe(2000n);
    expect(wouldHaveCost(price(VOLUME), 1, 1)).toBe(3000n);
    expect(wouldHaveCost(price(VOLUME), 2, 2)).toBe(4000n);
    expect(wouldHaveCost(price(GRADUATED), 4, 0)).toBe(0n);
    expect(wouldHaveCost(price(VOLUME), 0, 0)).toBe(0n);
  });

  it('chargeUnderLimit: no limit charges all k, tiers continuing from n', () => {
    expect(chargeUnderLimit(price(GRADUATED), 2, 3, null)).toEqual({ charged: 3, amountMinor: 3400n });
  });

  it('chargeUnderLimit: stops where the next outcome would pass the limit, counting the other lines', () => {
    expect(chargeUnderLimit(price(FLAT), 0, 10, 3500n)).toEqual({ charged: 3, amountMinor: 3000n });
    expect(chargeUnderLimit(price(FLAT), 1, 10, 3500n, 500n)).toEqual({ charged: 2, amountMinor: 3000n });
    expect(chargeUnderLimit(price(GRADUATED), 0, 10, 2600n)).toEqual({ charged: 3, amountMinor: 2600n });
    // Volume: 90.00 at 3 passes 85.00, and 80.00 at 4 no longer counts.
    expect(chargeUnderLimit(price(VOLUME), 0, 10, 8500n)).toEqual({ charged: 2, amountMinor: 6000n });
    // 4 outcomes (80.00) are within it, but the 3rd already passed it.
    expect(chargeUnderLimit(price(VOLUME), 0, 7, 8500n)).toEqual({ charged: 2, amountMinor: 6000n });
    expect(chargeUnderLimit(price(FLAT), 5, 10, 1000n)).toEqual({ charged: 0, amountMinor: 5000n });
  });

  it('chargeUnderLimit agrees with the ledger rule on random prices, counts and limits', () => {
    const tiers = fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 5000 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.constantFrom('flat', 'graduated', 'volume'), tiers, fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 60000 }), (model, ts, n, k, limit) => {
        let upTo = 0;
        const raw =
          model === 'flat'
            ? { currency: 'USD', model, unit_amount: (ts[0]![1] / 100).toFixed(2) }
            : { currency: 'USD', model, tiers: ts.map(([step, unit], i) => ({ up_to: i === ts.length - 1 ? null : (upTo += step), unit_amount: (unit / 100).toFixed(2) })) };
        const p = price(raw);
        // The rule spelled out: each next outcome is charged while the charge stays within the limit.
        let expected = 0;
        while (expected < k && amountFor(p, n + expected + 1).amountMinor <= BigInt(limit)) expected++;
        const got = chargeUnderLimit(p, n, k, BigInt(limit));
        return got.charged === expected && got.amountMinor === amountFor(p, n + expected).amountMinor;
      }),
    );
  });
});
