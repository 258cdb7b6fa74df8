// What a person reads when a currency or an amount is wrong (contract §1 amounts): each message in full, and the edges of the rules.

import { describe, expect, it } from 'vitest';
import { amountProblem, currencyFor, currencyProblem, findCurrency, formatAmount, MoneyError, parseAmount } from '../../src/core/money.ts';

const USD = { code: 'USD', digits: 2 };
const JPY = { code: 'JPY', digits: 0 };
const KWD = { code: 'KWD', digits: 3 };

describe('§1 currency codes: the message for each way a code can be wrong', () => {
  it.each([
    { code: undefined, message: 'required: an ISO 4217 currency code such as "USD"' },
    { code: 840, message: 'must be an ISO 4217 currency code such as "USD"' },
    { code: null, message: 'must be an ISO 4217 currency code such as "USD"' },
    { code: 'usd', message: 'unknown currency "usd": ISO 4217 codes are upper case ("USD")' },
    { code: 'Eur', message: 'unknown currency "Eur": ISO 4217 codes are upper case ("EUR")' },
    // Upper-casing does not help: no hint about case.
    { code: 'xyz', message: 'unknown currency "xyz": expected an ISO 4217 code such as "USD"' },
    { code: 'XYZ', message: 'unknown currency "XYZ": expected an ISO 4217 code such as "USD"' },
    { code: 'USDX', message: 'unknown currency "USDX": expected an ISO 4217 code such as "USD"' },
    { code: ' USD', message: 'unknown currency " USD": expected an ISO 4217 code such as "USD"' },
  ])('$code: $message', ({ code, message }) => {
    expect(currencyProblem(code)).toBe(message);
    expect(findCurrency(code)).toBeUndefined();
  });

  it('a valid code has no problem', () => {
    expect(currencyProblem('USD')).toBeUndefined();
    expect(currencyProblem('JPY')).toBeUndefined();
  });

  it('only a string of three upper-case letters is looked up', () => {
    expect(findCurrency(840)).toBeUndefined();
    expect(findCurrency('USD\n')).toBeUndefined();
    expect(findCurrency('xUSD')).toBeUndefined();
  });

  it('currencyFor throws the same message a person reads elsewhere', () => {
    expect(() => currencyFor('usd')).toThrow(new MoneyError('unknown currency "usd": ISO 4217 codes are upper case ("USD")'));
    const thrown = (() => {
      try {
        currencyFor('XYZ');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(MoneyError);
    expect((thrown as Error).name).toBe('MoneyError');
  });

  it('§1 ISO 4217, not dinero base 5: MGA and MRU amounts have 2 decimals', () => {
    expect(findCurrency('MRU')).toEqual({ code: 'MRU', digits: 2 });
    expect(formatAmount(150n, 'MGA')).toBe('1.50');
    expect(formatAmount(-5n, 'MRU')).toBe('-0.05');
    expect(parseAmount('1.5', 'MRU')).toBe(150n);
  });
});

describe('§1 amounts: the message for each way an amount can be wrong', () => {
  it.each([
    { text: undefined, message: 'required: a decimal string such as "0.99"' },
    { text: null, message: 'required: a decimal string such as "0.99"' },
    { text: 0.99, message: 'must be a quoted decimal string such as "0.99", not the number 0.99: quote it ("0.99")' },
    { text: 12n, message: 'must be a quoted decimal string such as "0.99", not the number 12: quote it ("12")' },
    // A number that does not read back as a decimal string gets no hint to quote it as it is.
    { text: -1, message: 'must be a quoted decimal string such as "0.99", not the number -1' },
    { text: 1e21, message: 'must be a quoted decimal string such as "0.99", not the number 1e+21' },
    { text: Number.NaN, message: 'must be a quoted decimal string such as "0.99", not the number NaN' },
    { text: true, message: 'must be a quoted decimal string such as "0.99"' },
    { text: ['1.00'], message: 'must be a quoted decimal string such as "0.99"' },
    {
      text: '1.2.3',
      message: '"1.2.3" is not a decimal amount: expected digits with an optional decimal point, such as "0.99" (no sign, spaces or thousands separators)',
    },
    {
      text: '+1',
      message: '"+1" is not a decimal amount: expected digits with an optional decimal point, such as "0.99" (no sign, spaces or thousands separators)',
    },
    {
      text: '1 ',
      message: '"1 " is not a decimal amount: expected digits with an optional decimal point, such as "0.99" (no sign, spaces or thousands separators)',
    },
  ])('$text: $message', ({ text, message }) => {
    expect(amountProblem(text)).toBe(message);
    expect(amountProblem(text, USD)).toBe(message);
    expect(() => parseAmount(text, 'USD')).toThrow(new MoneyError(message));
  });

  it.each([
    { text: '0.999', currency: USD, message: '"0.999" has 3 decimals, but USD allows at most 2' },
    { text: '1.2345', currency: KWD, message: '"1.2345" has 4 decimals, but KWD allows at most 3' },
    { text: '1.5', currency: JPY, message: '"1.5" has 1 decimal, but JPY has no minor unit: use a whole amount' },
    { text: '1.00', currency: JPY, message: '"1.00" has 2 decimals, but JPY has no minor unit: use a whole amount' },
  ])('too many decimals: $message', ({ text, currency, message }) => {
    expect(amountProblem(text, currency)).toBe(message);
    expect(() => parseAmount(text, currency.code)).toThrow(new MoneyError(message));
  });

  it('exactly the currency’s digits is allowed, one more is not', () => {
    expect(amountProblem('0.99', USD)).toBeUndefined();
    expect(amountProblem('0.990', USD)).toMatch(/has 3 decimals/);
    expect(amountProblem('1.125', KWD)).toBeUndefined();
    expect(amountProblem('7', JPY)).toBeUndefined();
    expect(parseAmount('7', JPY)).toBe(7n);
  });
});

describe('formatAmount refuses a currency that is not the ISO 4217 one', () => {
  it('names the code and the digits it was given', () => {
    expect(() => formatAmount(1n, { code: 'USD', digits: 3 })).toThrow(new MoneyError('currency USD with 3 digits is not an ISO 4217 currency'));
    expect(() => formatAmount(1n, { code: 'ABC', digits: 2 })).toThrow(new MoneyError('currency ABC with 2 digits is not an ISO 4217 currency'));
  });
});
