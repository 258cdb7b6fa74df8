// The price block's problems as a person reads them (contract §1), word for word, and the edges of what §6 can rate.

import { describe, expect, it } from 'vitest';
import { amountFor, parsePrice } from '../../src/core/price.ts';
import type { Price } from '../../src/core/price.ts';
import { formatPath } from '../../src/core/problems.ts';

/** Every problem of a block as `path: message`, in the order reported. */
function problems(raw: unknown): string[] {
  const result = parsePrice(raw);
  if (result.ok) throw new Error('expected problems');
  return result.problems.map((p) => `${formatPath(p.path)}: ${p.message}`);
}

const open = (unit = '1') => ({ up_to: null, unit_amount: unit });

describe('§1 price: each rule’s message, in full', () => {
  it.each([
    { rule: 'currency and model are required', raw: { unit_amount: '1' }, want: ['currency: required: an ISO 4217 currency code such as "USD"', 'model: required: one of flat, graduated, volume'] },
    { rule: 'model is one of three', raw: { currency: 'USD', model: 5, unit_amount: '1' }, want: ['model: must be one of flat, graduated, volume (got 5)'] },
    { rule: 'flat needs unit_amount', raw: { currency: 'USD', model: 'flat' }, want: ['unit_amount: required for a flat price'] },
    {
      rule: 'flat takes no tiers',
      raw: { currency: 'USD', model: 'flat', unit_amount: '1', tiers: [open()] },
      want: ['tiers: not allowed for a flat price: tiers go with graduated and volume'],
    },
    {
      rule: 'graduated takes no unit_amount',
      raw: { currency: 'USD', model: 'graduated', unit_amount: '1', tiers: [open()] },
      want: ['unit_amount: not allowed for a graduated price: each tier has its own unit_amount'],
    },
    { rule: 'graduated needs tiers', raw: { currency: 'USD', model: 'graduated' }, want: ['tiers: required for a graduated price'] },
    { rule: 'volume needs at least one tier', raw: { currency: 'USD', model: 'volume', tiers: [] }, want: ['tiers: must have at least one tier'] },
    {
      rule: 'up_to is required in every tier',
      raw: { currency: 'USD', model: 'volume', tiers: [{ unit_amount: '1' }, open()] },
      want: ['tiers[0].up_to: required: a positive integer, or null for the last tier'],
    },
    {
      rule: 'up_to is a positive integer, quoted as written',
      raw: { currency: 'USD', model: 'volume', tiers: [{ up_to: -3, unit_amount: '1' }, { up_to: Number.MAX_SAFE_INTEGER + 2, unit_amount: '1' }, open()] },
      want: [
        'tiers[0].up_to: must be a positive integer, or null for the last tier (got -3)',
        'tiers[1].up_to: must be a positive integer, or null for the last tier (got a number too large to be exact)',
      ],
    },
    {
      rule: 'the last tier is open',
      raw: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '1' }] },
      want: ['tiers[0].up_to: the last tier must have up_to: null, so that every outcome falls in a tier'],
    },
    {
      rule: 'bounds increase, named by the tier to beat',
      raw: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '1' }, { up_to: 'x', unit_amount: '1' }, { up_to: 10, unit_amount: '1' }, open()] },
      want: ['tiers[1].up_to: must be a positive integer, or null for the last tier (got "x")', 'tiers[2].up_to: must be greater than tiers[0].up_to (10)'],
    },
    {
      rule: 'a tier that is not a mapping is skipped by the bound rules: the next one is compared with the one before it',
      raw: { currency: 'USD', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '1' }, 'x', { up_to: 20, unit_amount: '1' }, open()] },
      want: ['tiers[1]: expected a mapping of fields, got "x"'],
    },
    {
      rule: 'decimals are checked against the currency in every tier',
      raw: { currency: 'JPY', model: 'graduated', tiers: [{ up_to: 10, unit_amount: '1.5' }, open('2.25')] },
      want: ['tiers[0].unit_amount: "1.5" has 1 decimal, but JPY has no minor unit: use a whole amount', 'tiers[1].unit_amount: "2.25" has 2 decimals, but JPY has no minor unit: use a whole amount'],
    },
    {
      rule: 'an unknown currency: only the currency is reported, not the decimals',
      raw: { currency: 'XYZ', model: 'flat', unit_amount: '0.999' },
      want: ['currency: unknown currency "XYZ": expected an ISO 4217 code such as "USD"'],
    },
    {
      rule: 'a malformed amount is reported once, by its field',
      raw: { currency: 'USD', model: 'flat', unit_amount: '1,5' },
      want: ['unit_amount: "1,5" is not a decimal amount: expected digits with an optional decimal point, such as "0.99" (no sign, spaces or thousands separators)'],
    },
    {
      rule: 'a model that is not known: no model-specific rule applies',
      raw: { currency: 'USD', model: 'tiered', unit_amount: '1' },
      want: ['model: must be one of flat, graduated, volume (got "tiered")'],
    },
  ])('$rule', ({ raw, want }) => {
    expect(problems(raw)).toEqual(want);
  });

  it('a block that is not a mapping, unknown fields and tiers that are not a list read in the contract’s words', () => {
    expect(problems('USD 0.99')).toEqual(['(top level): expected a mapping of fields, got "USD 0.99"']);
    expect(problems({ currency: 'USD', model: 'flat', unit_amount: '1', unit: '1' })).toEqual(['unit: unknown field (misspelt? every field name is part of the contract)']);
    expect(problems({ currency: 'USD', model: 'graduated', tiers: open() })).toEqual(['tiers: expected a list, got a mapping']);
  });

  it('every problem at once: a bad currency or model does not hide the block’s own rules', () => {
    expect(problems({ currency: 'XYZ', model: 'flat' })).toEqual([
      'currency: unknown currency "XYZ": expected an ISO 4217 code such as "USD"',
      'unit_amount: required for a flat price',
    ]);
    expect(problems({ currency: 'USD', model: 'tiered', tiers: [{ up_to: 10, unit_amount: '1' }] })).toEqual([
      'model: must be one of flat, graduated, volume (got "tiered")',
      'tiers[0].up_to: the last tier must have up_to: null, so that every outcome falls in a tier',
    ]);
    expect(problems({ currency: 'USD', model: 'graduated', unit_amount: '1', tiers: 'x' })).toEqual([
      'tiers: expected a list, got "x"',
      'unit_amount: not allowed for a graduated price: each tier has its own unit_amount',
    ]);
  });

  it('null where a block or a tier goes is a problem, not a crash', () => {
    expect(problems(null)).toEqual(['(top level): expected a mapping of fields, got null']);
    expect(problems({ currency: 'USD', model: 'graduated', tiers: [null, open()] })).toEqual(['tiers[0]: expected a mapping of fields, got null']);
    expect(problems({ currency: 'USD', model: 'graduated', tiers: [['x'], open()] })).toEqual(['tiers[0]: expected a mapping of fields, got a list']);
  });

  it('bounds up to 2^53 − 1 are allowed', () => {
    const result = parsePrice({ currency: 'USD', model: 'graduated', tiers: [{ up_to: Number.MAX_SAFE_INTEGER, unit_amount: '1' }, open()] });
    expect(result.ok).toBe(true);
  });
});

describe('§6 what a price can rate', () => {
  const flat: Price = { currency: 'USD', digits: 2, model: 'flat', unitMinor: 99n };

  it.each([-1, 0.5, 2 ** 53])('a count of outcomes is a non-negative integer: %s is refused, saying so', (n) => {
    expect(() => amountFor(flat, n)).toThrow(new RangeError(`outcome count must be a non-negative integer, got ${n}`));
  });

  it.each(['graduated', 'volume'] as const)('a %s price whose last tier is bounded cannot rate past it', (model) => {
    const bounded: Price = { currency: 'USD', digits: 2, model, tiers: [{ upTo: 2, unitMinor: 100n }, { upTo: 5, unitMinor: 50n }] };
    expect(amountFor(bounded, 5).amountMinor).toBe(model === 'volume' ? 250n : 350n);
    expect(() => amountFor(bounded, 6)).toThrow(new RangeError('no tier holds 6 outcomes (the last tier must have upTo null)'));
  });

  it('volume: the one tier that holds n names where it starts', () => {
    const price: Price = { currency: 'USD', digits: 2, model: 'volume', tiers: [{ upTo: 2, unitMinor: 100n }, { upTo: 5, unitMinor: 50n }, { upTo: null, unitMinor: 10n }] };
    expect(amountFor(price, 2).tiers).toEqual([{ from: 1, to: 2, quantity: 2, unitMinor: 100n, amountMinor: 200n }]);
    expect(amountFor(price, 3).tiers).toEqual([{ from: 3, to: 5, quantity: 3, unitMinor: 50n, amountMinor: 150n }]);
    expect(amountFor(price, 6).tiers).toEqual([{ from: 6, to: null, quantity: 6, unitMinor: 10n, amountMinor: 60n }]);
  });

  it('graduated: a single open tier prices every outcome from the first', () => {
    const price: Price = { currency: 'USD', digits: 2, model: 'graduated', tiers: [{ upTo: null, unitMinor: 7n }] };
    expect(amountFor(price, 3)).toEqual({ amountMinor: 21n, tiers: [{ from: 1, to: null, quantity: 3, unitMinor: 7n, amountMinor: 21n }] });
  });
});
