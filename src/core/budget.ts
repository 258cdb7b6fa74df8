// The `budget` block of a criteria version (contract §8): its schema, the check of its amounts against the price's currency, and its compiled form.
import { z } from 'zod';
import { amountProblem, findCurrency, parseAmount } from './money.ts';
import type { Problem, ProblemPath } from './problems.ts';
import { quoteInput } from './zod-problems.ts';

/** A budget ready to use: amounts in integer minor units of the version's price currency. */
export interface Budget {
  /** The expected charge per period: the 100 % mark of the alerts. */
  readonly expectedMinor: bigint;
  /** Percents of `expected`, ascending, each distinct. */
  readonly alerts: readonly number[];
  /** The most one period may charge for the criteria id, or null for no limit. */
  readonly limitMinor: bigint | null;
}

export const DEFAULT_ALERTS = [50, 75, 90] as const;

/** Digits other than zeros: "0", "0.00" and "000" are all zero. */
const isZeroAmount = (text: string): boolean => !/[1-9]/.test(text);

const expectedAmount = z.custom<string>((v) => amountProblem(v) === undefined && !isZeroAmount(v as string), {
  error: (iss) => amountProblem(iss.input) ?? `must be more than 0: it is the 100 % mark the alerts are percents of (got "${String(iss.input)}")`,
});

const limitAmount = z.custom<string>((v) => amountProblem(v) === undefined, { error: (iss) => amountProblem(iss.input) });

const percent = z.custom<number>((v) => Number.isSafeInteger(v) && (v as number) > 0, {
  abort: false,
  error: (iss) => `must be a whole percent above 0, such as 50 (got ${quoteInput(iss.input)})`,
});

const alertList = z
  .array(percent)
  .check((ctx) => {
    const seen = new Map<unknown, number>();
    ctx.value.forEach((p, i) => {
      const first = seen.get(p);
      if (first === undefined) seen.set(p, i);
      else ctx.issues.push({ code: 'custom', input: p, path: [i], message: `repeats alerts[${first}] (${quoteInput(p)}): each threshold is listed once`, params: { problem: 'invalid_value' } });
    });
  });

// A budget that is not a mapping, or has an unknown field, is worded as every other block of the file is.
export const budgetSchema = z.strictObject({
  expected: expectedAmount,
  alerts: alertList.default([...DEFAULT_ALERTS]),
  limit: limitAmount.optional(),
});

export type BudgetParsed = z.output<typeof budgetSchema>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The budget's amounts are in the price's currency, so they may have no more decimals than it
 * (contract §1). Read from the raw version, so this is reported even when other fields are wrong.
 */
export function budgetCurrencyProblems(raw: Record<string, unknown>, at: ProblemPath): Problem[] {
  const budget = raw['budget'];
  const price = raw['price'];
  if (!isRecord(budget) || !isRecord(price)) return [];
  // An unknown currency is the price's own problem; without one only the form is checked, by the fields.
  const currency = findCurrency(price['currency']);
  const problems: Problem[] = [];
  for (const field of ['expected', 'limit'] as const) {
    const text = budget[field];
    // A missing or malformed amount is its field's own problem.
    if (amountProblem(text) !== undefined) continue;
    const problem = amountProblem(text, currency);
    if (problem !== undefined) problems.push({ code: 'invalid_value', path: [...at, 'budget', field], message: `${problem} (the price's currency)` });
  }
  return problems;
}

/** The compiled budget; the amounts were checked against `currency` by budgetCurrencyProblems. */
export function compileBudget(b: BudgetParsed, currency: string): Budget {
  return {
    expectedMinor: parseAmount(b.expected, currency),
    alerts: [...b.alerts].sort((x, y) => x - y),
    limitMinor: b.limit === undefined ? null : parseAmount(b.limit, currency),
  };
}
