// The price block (contract §1) and what n outcomes cost under each model (§6).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatAmount } from '../../src/core/money.ts';
import { amountFor, parsePrice, priceSchema } from '../../src/core/price.ts';
import type { Price } from '../../src/core/price.ts';
import { formatPath } from '../../src/core/problems.ts';

/** The tiers of the contract's example: 100 @ 50, 400 @ 40, the rest @ 30. */
const CONTRACT_TIERS = [
  { up_to: 100, unit_amount: '50.00' },
  { up_to: 500, unit_amount: '40.00' },
  { up_to: null, unit_amount: '30.00' },
];

function compiled(raw: unknown): Price {
  const result = parsePrice(raw);
  if (!result.ok) throw new Error(`expected a valid price: ${JSON.stringify(result.problems)}`);
  return result.price;
}

const graduated = compiled({ currency: 'USD', model: 'graduated', tiers: CONTRACT_TIERS });
const volume = compiled({ currency: 'USD', model: 'volume', tiers: CONTRACT_TIERS });
const flat = compiled({ currency: 'USD', model: 'flat', unit_amount: '0.99' });

describe('priceSchema: valid blocks compile to minor units', () => {
  const cases: { rule: string; raw: unknown; price: Price }[] = [
    {
      rule: '§1 flat: unit_amount',
      raw: { currency: 'USD', model: 'flat', unit_amount: '0.99' },
      price: { currency: 'USD', digits: 2, model: 'flat', unitMinor: 99n },
    },
    {
      rule: '§1 graduated: tiers, last up_to null',
      raw: { currency: 'USD', model: 'graduated', tiers: CONTRACT_TIERS },
      price: {
        currency: 'USD',
        digits: 2,
        model: 'graduated',
        tiers: [
          { upTo: 100, unitMinor: 5000n },
          { upTo: 500, unitMinor: 4000n },
          { upTo: null, unitMinor: 3000n },
        ],
      },
    },
    {
      rule: '§1 volume: a single open tier',
      raw: { currency: 'EUR', model: 'volume', tiers: [{ up_to: null, unit_amount: '2' }] },
      price: { currency: 'EUR', digits: 2, model: 'volume', tiers: [{ upTo: null, unitMinor: 200n }] },
    },
    {
      rule: '§1 amounts: JPY has 0 digits',
      raw: { currency: 'JPY', model: 'flat', unit_amount: '500' },
      price: { currency: 'JPY', digits: 0, model: 'flat', unitMinor: 500n },
    },
    {
      rule: '§1 amounts: KWD has 3 digits',
      raw: { currency: 'KWD', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '1.125' }, { up_to: null, unit_amount: '0.5' }] },
      price: { currency: 'KWD', digits: 3, model: 'graduated', tiers: [{ upTo: 10, unitMinor: 1125n }, { upTo: null, unitMinor: 500n }] },
    },
    {
      rule: '§1 amounts: BHD has 3 digits',
      raw: { currency: 'BHD', model: 'flat', unit_amount: '0.001' },
      price: { currency: 'BHD', digits: 3, model: 'flat', unitMinor: 1n },
    },
    {
      rule: '§1 amounts: a free tier is allowed',
      raw: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '0' }, { up_to: null, unit_amount: '1.00' }] },
      price: { currency: 'USD', digits: 2, model: 'graduated', tiers: [{ upTo: 10, unitMinor: 0n }, { upTo: null, unitMinor: 100n }] },
    },
  ];
  it.each(cases)('$rule', ({ raw, price }) => {
    expect(parsePrice(raw)).toEqual({ ok: true, price });
    expect(priceSchema.parse(raw)).toEqual(price);
  });
});

describe('priceSchema: every problem, each at its path', () => {
  type Expected = Record<string, RegExp>;
  const cases: { rule: string; raw: unknown; problems: Expected }[] = [
    {
      rule: '§1 unknown fields are errors',
      raw: { currency: 'USD', model: 'flat', unit_amount: '0.99', unit_price: '1' },
      problems: { unit_price: /unknown field/ },
    },
    {
      rule: '§1 unknown fields are errors (in a tier)',
      raw: { currency: 'USD', model: 'graduated', tiers: [{ up_to: null, unit_amount: '1', upto: 5 }] },
      problems: { 'tiers[0].upto': /unknown field/ },
    },
    {
      rule: '§1 price: currency and model are required',
      raw: { unit_amount: '1' },
      problems: { currency: /required/, model: /required/ },
    },
    {
      rule: '§1 price: a mapping',
      raw: 'USD 0.99',
      problems: { '(top level)': /mapping/ },
    },
    {
      rule: '§1 amounts: ISO 4217 currency',
      raw: { currency: 'XYZ', model: 'flat', unit_amount: '0.99' },
      problems: { currency: /unknown currency "XYZ"/ },
    },
    {
      rule: '§1 amounts: ISO 4217 codes are upper case',
      raw: { currency: 'usd', model: 'flat', unit_amount: '0.99' },
      problems: { currency: /upper case \("USD"\)/ },
    },
    {
      rule: '§1 model: flat | graduated | volume',
      raw: { currency: 'USD', model: 'tiered', tiers: CONTRACT_TIERS },
      problems: { model: /must be one of flat, graduated, volume \(got "tiered"\)/ },
    },
    {
      rule: '§1 amounts: decimal strings, an unquoted YAML float must be quoted',
      raw: { currency: 'USD', model: 'flat', unit_amount: 0.99 },
      problems: { unit_amount: /quote it \("0\.99"\)/ },
    },
    {
      rule: '§1 amounts: no more decimals than the currency',
      raw: { currency: 'USD', model: 'flat', unit_amount: '0.999' },
      problems: { unit_amount: /"0\.999" has 3 decimals, but USD allows at most 2/ },
    },
    {
      rule: '§1 amounts: JPY has no decimals',
      raw: { currency: 'JPY', model: 'volume', tiers: [{ up_to: 10, unit_amount: '5' }, { up_to: null, unit_amount: '4.5' }] },
      problems: { 'tiers[1].unit_amount': /JPY has no minor unit/ },
    },
    {
      rule: '§1 amounts: KWD allows 3 decimals, not 4',
      raw: { currency: 'KWD', model: 'flat', unit_amount: '0.0005' },
      problems: { unit_amount: /KWD allows at most 3/ },
    },
    {
      rule: '§1 amounts: not negative',
      raw: { currency: 'USD', model: 'flat', unit_amount: '-1.00' },
      problems: { unit_amount: /not a decimal amount/ },
    },
    {
      rule: '§1 unit_amount goes with flat: required',
      raw: { currency: 'USD', model: 'flat' },
      problems: { unit_amount: /required for a flat price/ },
    },
    {
      rule: '§1 tiers go with graduated and volume only',
      raw: { currency: 'USD', model: 'flat', unit_amount: '0.99', tiers: CONTRACT_TIERS },
      problems: { tiers: /not allowed for a flat price/ },
    },
    {
      rule: '§1 unit_amount goes with flat only',
      raw: { currency: 'USD', model: 'graduated', unit_amount: '0.99', tiers: CONTRACT_TIERS },
      problems: { unit_amount: /not allowed for a graduated price/ },
    },
    {
      rule: '§1 tiers: required for volume',
      raw: { currency: 'USD', model: 'volume' },
      problems: { tiers: /required for a volume price/ },
    },
    {
      rule: '§1 tiers: at least one',
      raw: { currency: 'USD', model: 'graduated', tiers: [] },
      problems: { tiers: /at least one tier/ },
    },
    {
      rule: '§1 tiers: a list',
      raw: { currency: 'USD', model: 'graduated', tiers: { up_to: null, unit_amount: '1' } },
      problems: { tiers: /list/ },
    },
    {
      rule: '§1 tiers: each a mapping',
      raw: { currency: 'USD', model: 'graduated', tiers: ['100 @ 50', { up_to: null, unit_amount: '1' }] },
      problems: { 'tiers[0]': /mapping/ },
    },
    {
      rule: '§1 tiers: up_to increase',
      raw: {
        currency: 'USD',
        model: 'graduated',
        tiers: [{ up_to: 100, unit_amount: '50.00' }, { up_to: 100, unit_amount: '40.00' }, { up_to: null, unit_amount: '30.00' }],
      },
      problems: { 'tiers[1].up_to': /^must be greater than the previous tier's up_to \(100\)$/ },
    },
    {
      rule: '§1 tiers: up_to increase (past an invalid tier)',
      raw: {
        currency: 'USD',
        model: 'graduated',
        tiers: [{ up_to: 100, unit_amount: '50.00' }, { up_to: 'x', unit_amount: '40.00' }, { up_to: 50, unit_amount: '1' }, { up_to: null, unit_amount: '30.00' }],
      },
      problems: { 'tiers[1].up_to': /positive integer/, 'tiers[2].up_to': /greater than tiers\[0\]\.up_to \(100\)/ },
    },
    {
      rule: '§1 tiers: only the last up_to is null',
      raw: { currency: 'USD', model: 'volume', tiers: [{ up_to: null, unit_amount: '50.00' }, { up_to: null, unit_amount: '40.00' }] },
      problems: { 'tiers[0].up_to': /only the last tier may have up_to: null/ },
    },
    {
      rule: '§1 tiers: the last up_to is null',
      raw: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 100, unit_amount: '50.00' }, { up_to: 500, unit_amount: '40.00' }] },
      problems: { 'tiers[1].up_to': /the last tier must have up_to: null/ },
    },
    {
      rule: '§1 tiers: up_to is a positive integer',
      raw: {
        currency: 'USD',
        model: 'graduated',
        tiers: [{ up_to: 0, unit_amount: '1' }, { up_to: 2.5, unit_amount: '1' }, { up_to: '10', unit_amount: '1' }, { up_to: null, unit_amount: '1' }],
      },
      problems: {
        'tiers[0].up_to': /positive integer.*got 0/,
        'tiers[1].up_to': /positive integer.*got 2\.5/,
        'tiers[2].up_to': /positive integer.*got "10"/,
      },
    },
    {
      rule: '§1 tiers: up_to and unit_amount are required',
      raw: { currency: 'USD', model: 'graduated', tiers: [{ unit_amount: '1' }, { up_to: null }] },
      problems: { 'tiers[0].up_to': /required/, 'tiers[1].unit_amount': /required/ },
    },
    {
      rule: '§1 a block breaking many rules lists every problem',
      raw: {
        currency: 'JPY',
        model: 'volume',
        unit_amount: '1',
        colour: 'red',
        tiers: [
          { up_to: 100, unit_amount: '5.5' },
          { up_to: 50, unit_amount: 4 },
          { up_to: null, unit_amount: '3' },
          { up_to: 900, unit_amount: '2' },
        ],
      },
      problems: {
        colour: /unknown field/,
        unit_amount: /not allowed for a volume price/,
        'tiers[0].unit_amount': /"5\.5" has 1 decimal, but JPY has no minor unit/,
        'tiers[1].up_to': /greater than the previous tier's up_to \(100\)/,
        'tiers[1].unit_amount': /quote it \("4"\)/,
        'tiers[2].up_to': /only the last tier may have up_to: null/,
        'tiers[3].up_to': /the last tier must have up_to: null/,
      },
    },
  ];

  it.each(cases)('$rule', ({ raw, problems }) => {
    const result = parsePrice(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => formatPath(p.path));
    expect([...paths].sort()).toEqual(Object.keys(problems).sort());
    for (const problem of result.problems) expect(problem.message).toMatch(problems[formatPath(problem.path)] ?? /^$/);
  });

  it('§1 paths: inside a criteria version the issues carry the full zod path', () => {
    const criteria = z.strictObject({ price: priceSchema });
    const result = criteria.safeParse({
      price: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 100, unit_amount: '1' }, { up_to: 90, unit_amount: '1' }] },
    });
    expect(result.success).toBe(false);
    const issues = result.error?.issues.map((i) => ({ path: i.path, message: i.message }));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: ['price', 'tiers', 1, 'up_to'], message: "must be greater than the previous tier's up_to (100)" },
      ]),
    );
  });
});

describe('amountFor (§6)', () => {
  const usd = (minor: bigint): string => formatAmount(minor, 'USD');
  type Row = [from: number, to: number | null, quantity: number, unit: string, amount: string];
  const cases: { rule: string; price: Price; n: number; amount: string; tiers: Row[] }[] = [
    { rule: '§6 no outcomes, no charge', price: graduated, n: 0, amount: '0.00', tiers: [] },
    { rule: '§6 flat: n × unit_amount', price: flat, n: 0, amount: '0.00', tiers: [] },
    { rule: '§6 flat: n × unit_amount', price: flat, n: 1, amount: '0.99', tiers: [[1, null, 1, '0.99', '0.99']] },
    { rule: '§6 flat: n × unit_amount', price: flat, n: 4, amount: '3.96', tiers: [[1, null, 4, '0.99', '3.96']] },
    { rule: '§6 graduated: inside the first tier', price: graduated, n: 1, amount: '50.00', tiers: [[1, 100, 1, '50.00', '50.00']] },
    { rule: '§6 graduated: at the first boundary', price: graduated, n: 100, amount: '5000.00', tiers: [[1, 100, 100, '50.00', '5000.00']] },
    {
      rule: '§6 graduated: just past the first boundary',
      price: graduated,
      n: 101,
      amount: '5040.00',
      tiers: [[1, 100, 100, '50.00', '5000.00'], [101, 500, 1, '40.00', '40.00']],
    },
    {
      rule: '§6 graduated: at the second boundary',
      price: graduated,
      n: 500,
      amount: '21000.00',
      tiers: [[1, 100, 100, '50.00', '5000.00'], [101, 500, 400, '40.00', '16000.00']],
    },
    {
      rule: '§6 graduated: 100 @ 50 + 400 @ 40 + the rest @ 30',
      price: graduated,
      n: 501,
      amount: '21030.00',
      tiers: [[1, 100, 100, '50.00', '5000.00'], [101, 500, 400, '40.00', '16000.00'], [501, null, 1, '30.00', '30.00']],
    },
    {
      rule: '§6 graduated: 100 @ 50 + 400 @ 40 + the rest @ 30',
      price: graduated,
      n: 1000,
      amount: '36000.00',
      tiers: [[1, 100, 100, '50.00', '5000.00'], [101, 500, 400, '40.00', '16000.00'], [501, null, 500, '30.00', '15000.00']],
    },
    { rule: '§6 volume: the tier containing n', price: volume, n: 1, amount: '50.00', tiers: [[1, 100, 1, '50.00', '50.00']] },
    { rule: '§6 volume: at the first boundary', price: volume, n: 100, amount: '5000.00', tiers: [[1, 100, 100, '50.00', '5000.00']] },
    { rule: '§6 volume: just past the first boundary, all n at 40', price: volume, n: 101, amount: '4040.00', tiers: [[101, 500, 101, '40.00', '4040.00']] },
    { rule: '§6 volume: at the second boundary', price: volume, n: 500, amount: '20000.00', tiers: [[101, 500, 500, '40.00', '20000.00']] },
    { rule: '§6 volume: just past the second boundary, all n at 30', price: volume, n: 501, amount: '15030.00', tiers: [[501, null, 501, '30.00', '15030.00']] },
  ];
  it.each(cases)('$rule: $price.model n=$n → $amount', ({ price, n, amount, tiers }) => {
    const rated = amountFor(price, n);
    expect(usd(rated.amountMinor)).toBe(amount);
    expect(rated.tiers.map((t): Row => [t.from, t.to, t.quantity, usd(t.unitMinor), usd(t.amountMinor)])).toEqual(tiers);
  });

  const otherCurrencies = [
    { rule: '§6 JPY flat', raw: { currency: 'JPY', model: 'flat', unit_amount: '500' }, n: 3, amount: '1500' },
    {
      rule: '§6 KWD graduated, 3 digits',
      raw: { currency: 'KWD', model: 'graduated', tiers: [{ up_to: 2, unit_amount: '1.125' }, { up_to: null, unit_amount: '0.005' }] },
      n: 5,
      amount: '2.265',
    },
    {
      rule: '§6 BHD volume, 3 digits',
      raw: { currency: 'BHD', model: 'volume', tiers: [{ up_to: 2, unit_amount: '1.125' }, { up_to: null, unit_amount: '0.001' }] },
      n: 3,
      amount: '0.003',
    },
  ];
  it.each(otherCurrencies)('$rule: n=$n → $amount', ({ raw, n, amount }) => {
    const price = compiled(raw);
    expect(formatAmount(amountFor(price, n).amountMinor, price.currency)).toBe(amount);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('§6 n is a count of outcomes: %s is refused', (n) => {
    expect(() => amountFor(flat, n)).toThrow(RangeError);
  });

  const tieredPrice = (...models: ('graduated' | 'volume')[]) => fc
    .record({
      model: fc.constantFrom(...models),
      bounds: fc.uniqueArray(fc.integer({ min: 1, max: 400 }), { maxLength: 4 }),
      units: fc.array(fc.bigInt({ min: 0n, max: 100_000n }), { minLength: 5, maxLength: 5 }),
      currency: fc.constantFrom('USD', 'JPY', 'KWD'),
    })
    .map(({ model, bounds, units, currency }) => {
      const upTos = [...[...bounds].sort((a, b) => a - b), null];
      const tiers = upTos.map((up_to, i) => ({ up_to, unit_amount: formatAmount(units[i] ?? 0n, currency) }));
      return compiled({ currency, model, tiers });
    });

  it('§6 graduated and volume: the tiers add up to n outcomes and to the amount', () => {
    fc.assert(
      fc.property(tieredPrice('graduated', 'volume'), fc.integer({ min: 0, max: 1000 }), (price, n) => {
        const rated = amountFor(price, n);
        expect(rated.tiers.reduce((s, t) => s + t.quantity, 0)).toBe(n);
        expect(rated.tiers.reduce((s, t) => s + t.amountMinor, 0n)).toBe(rated.amountMinor);
        for (const t of rated.tiers) {
          expect(t.quantity).toBeGreaterThan(0);
          expect(t.amountMinor).toBe(BigInt(t.quantity) * t.unitMinor);
        }
      }),
    );
  });

  it('§6 graduated and flat: amountFor is monotone non-decreasing in n', () => {
    const flatPrice = fc
      .tuple(fc.bigInt({ min: 0n, max: 100_000n }), fc.constantFrom('USD', 'JPY', 'KWD'))
      .map(([unit, currency]) => compiled({ currency, model: 'flat', unit_amount: formatAmount(unit, currency) }));
    fc.assert(
      fc.property(fc.oneof(flatPrice, tieredPrice('graduated')), fc.integer({ min: 0, max: 1000 }), (price, n) => {
        expect(amountFor(price, n + 1).amountMinor >= amountFor(price, n).amountMinor).toBe(true);
      }),
    );
  });
});
