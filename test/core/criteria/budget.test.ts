// Contract §1 and §8: the `budget` block of a criteria version, compiled to minor units, and every problem of a wrong one at its path.
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseCriteriaText } from '../../../src/core/criteria/parse-file.ts';
import { BASE_CRITERIA } from '../../support/scenario.ts';

const parse = (budget: unknown, price?: unknown) => parseCriteriaText(stringify({ ...BASE_CRITERIA, ...(price === undefined ? {} : { price }), budget }));
const problemsOf = (budget: unknown, price?: unknown) => {
  const r = parse(budget, price);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
};
const budgetOf = (budget: unknown, price?: unknown) => {
  const r = parse(budget, price);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.versions[0]!.criteria.budget;
};

describe('§8 budget: parsed', () => {
  it('compiles expected, alerts (ascending) and limit in minor units of the price currency', () => {
    expect(budgetOf({ expected: '500.00', alerts: [90, 50, 75], limit: '600' })).toEqual({ expectedMinor: 50000n, alerts: [50, 75, 90], limitMinor: 60000n });
  });

  it('defaults alerts to 50, 75, 90 and has no limit unless one is given', () => {
    expect(budgetOf({ expected: '10' })).toEqual({ expectedMinor: 1000n, alerts: [50, 75, 90], limitMinor: null });
  });

  it('takes a currency without minor units, an empty alert list, alerts above 100 and a limit of 0', () => {
    const jpy = { currency: 'JPY', model: 'flat', unit_amount: '100' };
    expect(budgetOf({ expected: '5000', alerts: [], limit: '0' }, jpy)).toEqual({ expectedMinor: 5000n, alerts: [], limitMinor: 0n });
    expect(budgetOf({ expected: '1', alerts: [120] })?.alerts).toEqual([120]);
  });

  it('is null for a version without a budget', () => {
    const r = parseCriteriaText(stringify(BASE_CRITERIA));
    expect(r.ok && r.versions[0]!.criteria.budget).toBeNull();
  });
});

describe('§8 budget: every problem at once, each at its path', () => {
  it('expected: required, above 0, a quoted decimal', () => {
    expect(problemsOf({ limit: '1.00' })).toEqual([{ code: 'required', path: ['budget', 'expected'], message: expect.stringContaining('required') }]);
    expect(problemsOf({ expected: '0.00' })).toEqual([{ code: 'custom', path: ['budget', 'expected'], message: expect.stringContaining('must be more than 0') }]);
    expect(problemsOf({ expected: 500 })).toEqual([{ code: 'custom', path: ['budget', 'expected'], message: expect.stringContaining('quote it ("500")') }]);
  });

  it('alerts: whole percents above 0, each once; limit an amount; no unknown fields', () => {
    expect(problemsOf({ expected: '1.00', alerts: [50, 0, 50, 2.5, '75'], limit: '-1', extra: 1 })).toEqual([
      { code: 'custom', path: ['budget', 'alerts', 1], message: 'must be a whole percent above 0, such as 50 (got 0)' },
      { code: 'custom', path: ['budget', 'alerts', 3], message: 'must be a whole percent above 0, such as 50 (got 2.5)' },
      { code: 'custom', path: ['budget', 'alerts', 4], message: 'must be a whole percent above 0, such as 50 (got "75")' },
      { code: 'invalid_value', path: ['budget', 'alerts', 2], message: 'repeats alerts[0] (50): each threshold is listed once' },
      { code: 'custom', path: ['budget', 'limit'], message: expect.stringContaining('"-1" is not a decimal amount') },
      { code: 'unknown_field', path: ['budget', 'extra'], message: expect.stringContaining('unknown field') },
    ]);
  });

  it('a budget that is not a mapping, and alerts that are not a list', () => {
    expect(problemsOf('lots')).toEqual([{ code: 'invalid_type', path: ['budget'], message: 'expected a mapping of fields, got "lots"' }]);
    expect(problemsOf({ expected: '1', alerts: 50 })).toEqual([{ code: 'invalid_type', path: ['budget', 'alerts'], message: 'expected a list, got number 50' }]);
    expect(problemsOf(null)).toEqual([{ code: 'invalid_type', path: ['budget'], message: 'expected a mapping of fields, got null' }]);
    expect(problemsOf(['50'])).toEqual([{ code: 'invalid_type', path: ['budget'], message: 'expected a mapping of fields, got a list' }]);
  });

  it('with a price that is not a mapping or an unknown currency, only the price is wrong and the budget amounts are read for their form', () => {
    expect(problemsOf({ expected: '1.001' }, 'free').map((p) => p.path.join('.'))).toEqual(['price']);
    expect(problemsOf({ expected: '1.001' }, { currency: 'XXY', model: 'flat', unit_amount: '1' }).map((p) => p.path.join('.'))).toEqual(['price.currency']);
  });

  it("amounts with more decimals than the price's currency, listed with the file's other problems", () => {
    const r = parseCriteriaText(stringify({ criteria: [{ ...BASE_CRITERIA, name: '', budget: { expected: '1.001', limit: '2.345' } }] }));
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems).toEqual([
      { code: 'too_small', path: ['criteria', 0, 'name'], message: 'must not be empty' },
      { code: 'invalid_value', path: ['criteria', 0, 'budget', 'expected'], message: `"1.001" has 3 decimals, but USD allows at most 2 (the price's currency)` },
      { code: 'invalid_value', path: ['criteria', 0, 'budget', 'limit'], message: `"2.345" has 3 decimals, but USD allows at most 2 (the price's currency)` },
    ]);
  });
});
