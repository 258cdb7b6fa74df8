// Money in integer minor units: ISO 4217 currencies, exact parsing of decimal amount strings and formatting.

import { dinero, toDecimal } from 'dinero.js/bigint';
import type { DineroCurrency } from 'dinero.js/bigint';
import * as isoCurrencies from 'dinero.js/bigint/currencies';

/** A currency as the rest of the system needs it: its code and how many minor digits it has. */
export interface Currency {
  /** ISO 4217 alphabetic code, upper case (`USD`). */
  readonly code: string;
  /** Minor digits (ISO 4217 "minor unit"): 2 for USD, 0 for JPY, 3 for KWD. */
  readonly digits: number;
}

/** A money rule was broken by the caller (unknown currency, malformed amount). */
export class MoneyError extends Error {
  override readonly name = 'MoneyError';
}

const AMOUNT_PATTERN = /^(\d+)(?:\.(\d+))?$/;

// Keyed by code; any other value (a number, null) simply finds nothing.
const table: ReadonlyMap<unknown, DineroCurrency<bigint>> = new Map(
  Object.values(isoCurrencies).map((c): [string, DineroCurrency<bigint>] => [c.code, decimalCurrency(c)]),
);

/**
 * dinero.js models MGA and MRU with base 5 (1 ariary = 5 iraimbilanja), which a decimal string cannot
 * express; ISO 4217 gives them 2 minor digits, and the contract follows ISO 4217.
 */
function decimalCurrency(c: DineroCurrency<bigint>): DineroCurrency<bigint> {
  return c.base === 10n ? c : { code: c.code, base: 10n, exponent: 2n };
}

/** The currency with this ISO 4217 code, or undefined when the code is not one (codes are upper case: the table's keys are exactly the codes). */
export function findCurrency(code: unknown): Currency | undefined {
  const c = table.get(code);
  return c === undefined ? undefined : { code: c.code, digits: Number(c.exponent) };
}

/** The message for a currency code that is not usable, or undefined when it is. */
export function currencyProblem(code: unknown): string | undefined {
  if (code === undefined) return 'required: an ISO 4217 currency code such as "USD"';
  if (typeof code !== 'string') return 'must be an ISO 4217 currency code such as "USD"';
  if (findCurrency(code) !== undefined) return undefined;
  const upper = code.toUpperCase();
  if (findCurrency(upper) !== undefined) {
    return `unknown currency "${code}": ISO 4217 codes are upper case ("${upper}")`;
  }
  return `unknown currency "${code}": expected an ISO 4217 code such as "USD"`;
}

/** The currency with this ISO 4217 code; throws MoneyError for an unknown code. */
export function currencyFor(code: string): Currency {
  const c = findCurrency(code);
  if (c === undefined) throw new MoneyError(currencyProblem(code));
  return c;
}

function resolve(currency: Currency | string): Currency {
  return typeof currency === 'string' ? currencyFor(currency) : currency;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * What is wrong with `text` as an amount, or undefined when it is a valid one. Without a currency only
 * the form is checked; with one, also that it has no more decimals than the currency.
 */
export function amountProblem(text: unknown, currency?: Currency): string | undefined {
  if (text === undefined || text === null) return 'required: a decimal string such as "0.99"';
  if (typeof text === 'number' || typeof text === 'bigint') {
    // YAML reads an unquoted 0.99 as a float, which may already have lost the exact value.
    const written = String(text);
    const hint = AMOUNT_PATTERN.test(written) ? `: quote it ("${written}")` : '';
    return `must be a quoted decimal string such as "0.99", not the number ${written}${hint}`;
  }
  if (typeof text !== 'string') return 'must be a quoted decimal string such as "0.99"';
  const m = AMOUNT_PATTERN.exec(text);
  if (m === null) {
    return `"${text}" is not a decimal amount: expected digits with an optional decimal point, such as "0.99" (no sign, spaces or thousands separators)`;
  }
  if (currency === undefined) return undefined;
  const decimals = m[2]?.length ?? 0;
  if (decimals <= currency.digits) return undefined;
  if (currency.digits === 0) {
    return `"${text}" has ${plural(decimals, 'decimal')}, but ${currency.code} has no minor unit: use a whole amount`;
  }
  return `"${text}" has ${plural(decimals, 'decimal')}, but ${currency.code} allows at most ${currency.digits}`;
}

/**
 * The amount in minor units (`"0.99"` USD → 99n). Only a decimal string is accepted, never a number;
 * throws MoneyError with the reason otherwise.
 */
export function parseAmount(text: unknown, currency: Currency | string): bigint {
  const c = resolve(currency);
  const problem = amountProblem(text, c);
  if (problem !== undefined) throw new MoneyError(problem);
  // amountProblem has matched the pattern: the whole part is there.
  const m = AMOUNT_PATTERN.exec(text as string)!;
  return BigInt(`${m[1]}${(m[2] ?? '').padEnd(c.digits, '0')}`);
}

/** Minor units as a decimal string with exactly the currency's digits: `"3.96"`, `"-1.00"`, `"500"` (JPY). */
export function formatAmount(minor: bigint, currency: Currency | string): string {
  const c = resolve(currency);
  const dc = table.get(c.code);
  if (dc === undefined || Number(dc.exponent) !== c.digits) {
    throw new MoneyError(`currency ${c.code} with ${c.digits} digits is not an ISO 4217 currency`);
  }
  return toDecimal(dinero({ amount: minor, currency: dc }));
}
