// Money: ISO 4217 currencies, exact amount parsing and formatting (contract §1 amounts, cli.md amount strings).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountProblem, currencyFor, findCurrency, formatAmount, MoneyError, parseAmount } from '../../src/core/money.ts';

describe('currencies', () => {
  const known = [
    { rule: '§1 ISO 4217 minor digits', code: 'USD', digits: 2 },
    { rule: '§1 ISO 4217 minor digits', code: 'EUR', digits: 2 },
    { rule: '§1 ISO 4217 minor digits: JPY has none', code: 'JPY', digits: 0 },
    { rule: '§1 ISO 4217 minor digits: KWD has 3', code: 'KWD', digits: 3 },
    { rule: '§1 ISO 4217 minor digits: BHD has 3', code: 'BHD', digits: 3 },
    { rule: '§1 ISO 4217 minor digits: CLF has 4', code: 'CLF', digits: 4 },
    { rule: '§1 ISO 4217, not dinero base 5: MGA has 2', code: 'MGA', digits: 2 },
  ];
  it.each(known)('$rule: $code → $digits', ({ code, digits }) => {
    expect(currencyFor(code)).toEqual({ code, digits });
    expect(findCurrency(code)).toEqual({ code, digits });
  });

  const unknown = [
    { rule: '§1 unknown currency is an error', code: 'XYZ', message: /unknown currency "XYZ"/ },
    { rule: '§1 codes are upper case', code: 'usd', message: /upper case \("USD"\)/ },
    { rule: '§1 unknown currency is an error', code: '', message: /unknown currency ""/ },
    { rule: '§1 unknown currency is an error', code: 'US', message: /unknown currency "US"/ },
    { rule: '§1 unknown currency is an error', code: 'toString', message: /unknown currency "toString"/ },
  ];
  it.each(unknown)('$rule: "$code"', ({ code, message }) => {
    expect(findCurrency(code)).toBeUndefined();
    expect(() => currencyFor(code)).toThrow(MoneyError);
    expect(() => currencyFor(code)).toThrow(message);
  });
});

describe('parseAmount', () => {
  const valid = [
    { rule: '§1 amount: decimal string', text: '0.99', currency: 'USD', minor: 99n },
    { rule: '§1 amount: fewer decimals than the currency', text: '0.5', currency: 'USD', minor: 50n },
    { rule: '§1 amount: no decimals', text: '12', currency: 'USD', minor: 1200n },
    { rule: '§1 amount: zero', text: '0', currency: 'USD', minor: 0n },
    { rule: '§1 amount: leading zeros', text: '00.50', currency: 'USD', minor: 50n },
    { rule: '§1 amount: JPY whole', text: '500', currency: 'JPY', minor: 500n },
    { rule: '§1 amount: KWD 3 decimals', text: '1.234', currency: 'KWD', minor: 1234n },
    { rule: '§1 amount: BHD 1 of 3 decimals', text: '0.1', currency: 'BHD', minor: 100n },
    { rule: '§1 amount: never floating point', text: '123456789012345678901.23', currency: 'USD', minor: 12345678901234567890123n },
  ];
  it.each(valid)('$rule: "$text" $currency → $minor', ({ text, currency, minor }) => {
    expect(parseAmount(text, currency)).toBe(minor);
    expect(parseAmount(text, currencyFor(currency))).toBe(minor);
    expect(amountProblem(text, currencyFor(currency))).toBeUndefined();
  });

  const invalid = [
    { rule: '§1 amount: a YAML float must be quoted', text: 0.99, currency: 'USD', message: /quoted decimal string.*not the number 0\.99: quote it \("0\.99"\)/ },
    { rule: '§1 amount: a YAML integer must be quoted', text: 5, currency: 'JPY', message: /quote it \("5"\)/ },
    { rule: '§1 amount: a number is never accepted', text: -1, currency: 'USD', message: /quoted decimal string/ },
    { rule: '§1 amount: too many decimals', text: '0.999', currency: 'USD', message: /"0\.999" has 3 decimals, but USD allows at most 2/ },
    { rule: '§1 amount: JPY has no minor unit', text: '1.5', currency: 'JPY', message: /JPY has no minor unit/ },
    { rule: '§1 amount: JPY has no minor unit', text: '1.0', currency: 'JPY', message: /has 1 decimal, but JPY/ },
    { rule: '§1 amount: KWD allows 3', text: '1.2345', currency: 'KWD', message: /KWD allows at most 3/ },
    { rule: '§1 amount: decimal string only', text: '-1.00', currency: 'USD', message: /not a decimal amount/ },
    { rule: '§1 amount: decimal string only', text: '1.', currency: 'USD', message: /not a decimal amount/ },
    { rule: '§1 amount: decimal string only', text: '.5', currency: 'USD', message: /not a decimal amount/ },
    { rule: '§1 amount: decimal string only', text: ' 1', currency: 'USD', message: /not a decimal amount/ },
    { rule: '§1 amount: decimal string only', text: '1,000.00', currency: 'USD', message: /not a decimal amount/ },
    { rule: '§1 amount: decimal string only', text: '1e3', currency: 'USD', message: /not a decimal amount/ },
    { rule: '§1 amount: decimal string only', text: '', currency: 'USD', message: /not a decimal amount/ },
    { rule: '§1 amount: required', text: undefined, currency: 'USD', message: /required/ },
    { rule: '§1 amount: decimal string only', text: true, currency: 'USD', message: /quoted decimal string/ },
    { rule: '§1 unknown currency is an error', text: '1', currency: 'XXX', message: /unknown currency "XXX"/ },
  ];
  it.each(invalid)('$rule: $text $currency', ({ text, currency, message }) => {
    expect(() => parseAmount(text, currency)).toThrow(MoneyError);
    expect(() => parseAmount(text, currency)).toThrow(message);
  });

  it('§1 amount: the form is checked without a currency, the decimals only with one', () => {
    expect(amountProblem('0.999')).toBeUndefined();
    expect(amountProblem('0.999', currencyFor('USD'))).toMatch(/at most 2/);
    expect(amountProblem(0.99)).toMatch(/quote it/);
  });
});

describe('formatAmount', () => {
  const cases = [
    { rule: 'cli.md amounts have the currency digits', minor: 396n, currency: 'USD', text: '3.96' },
    { rule: 'cli.md amounts have the currency digits', minor: 0n, currency: 'USD', text: '0.00' },
    { rule: 'cli.md amounts have the currency digits', minor: 5n, currency: 'USD', text: '0.05' },
    { rule: '§5 credits are negative', minor: -100n, currency: 'USD', text: '-1.00' },
    { rule: '§5 credits are negative', minor: -5n, currency: 'USD', text: '-0.05' },
    { rule: 'cli.md JPY has no minor digits', minor: 500n, currency: 'JPY', text: '500' },
    { rule: 'cli.md JPY has no minor digits', minor: -500n, currency: 'JPY', text: '-500' },
    { rule: 'cli.md KWD has 3 digits', minor: 1234n, currency: 'KWD', text: '1.234' },
    { rule: 'cli.md BHD has 3 digits', minor: 1n, currency: 'BHD', text: '0.001' },
    { rule: '§1 never floating point', minor: -12345678901234567890123n, currency: 'USD', text: '-123456789012345678901.23' },
  ];
  it.each(cases)('$rule: $minor $currency → "$text"', ({ minor, currency, text }) => {
    expect(formatAmount(minor, currency)).toBe(text);
    expect(formatAmount(minor, currencyFor(currency))).toBe(text);
  });

  it('§1 unknown currency is an error', () => {
    expect(() => formatAmount(1n, 'XYZ')).toThrow(MoneyError);
    expect(() => formatAmount(1n, { code: 'USD', digits: 3 })).toThrow(MoneyError);
  });

  it('§1 amounts are exact: parse ∘ format is the identity on minor units', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), fc.constantFrom('USD', 'JPY', 'KWD', 'BHD', 'CLF'), (minor, code) => {
        const text = formatAmount(minor, code);
        expect(parseAmount(text, code)).toBe(minor);
        expect(formatAmount(-minor, code)).toBe(minor === 0n ? text : `-${text}`);
      }),
    );
  });
});
