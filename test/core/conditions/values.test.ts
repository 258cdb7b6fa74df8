// Contract §2 (conditions): how property values compare, as a RevOps user writes them: numbers, text, dates, booleans, lists.
import { describe, expect, it } from 'vitest';
import { compareValues, parseCondition } from '../../../src/core/conditions/index.ts';
import type { Properties } from '../../../src/core/types.ts';

function holds(condition: string, values: Record<string, string>): boolean {
  const r = parseCondition(condition);
  if (!r.ok) throw new Error(`${condition}: ${r.error.message} at column ${r.error.column}`);
  const props: Properties = new Map(Object.entries(values));
  return r.condition.evaluate(props);
}

interface Case {
  readonly rule: string;
  readonly condition: string;
  readonly value: string;
  readonly expected: boolean;
}

/** Each condition tests the property `v`. */
const check = (cases: readonly Case[]) =>
  it.each(cases)('$rule: $condition with v = "$value"', ({ condition, value, expected }) => {
    expect(holds(condition, { v: value })).toBe(expected);
  });

describe('§2 numbers compare by value', () => {
  check([
    { rule: 'equal is not less', condition: 'v < 3', value: '3', expected: false },
    { rule: 'equal is at most', condition: 'v <= 3', value: '3.0', expected: true },
    { rule: 'equal is at least', condition: 'v >= 3', value: '03', expected: true },
    { rule: 'equal is not greater', condition: 'v > 3', value: '3.00', expected: false },
    { rule: 'greater is not at most', condition: 'v <= 3', value: '3.5', expected: false },
    { rule: 'less is not at least', condition: 'v >= 3', value: '2.99', expected: false },
    { rule: 'less', condition: 'v < 3', value: '2.99', expected: true },
    { rule: '"10" < "9" as text, not as numbers', condition: 'v < 9', value: '10', expected: false },
    { rule: 'a quoted literal is still a number', condition: "v >= '10'", value: '9', expected: false },
    { rule: 'an explicit plus sign is a number', condition: 'v > 2', value: '+10', expected: true },
    { rule: 'negatives order below zero', condition: 'v < 0', value: '-0.5', expected: true },
    { rule: 'negatives order by magnitude reversed', condition: 'v > -3', value: '-10', expected: false },
    { rule: '-0 is not below 0', condition: 'v < 0', value: '-0', expected: false },
    { rule: '-0 is at most 0', condition: 'v <= 0', value: '-0.0', expected: true },
    { rule: 'the literal -0 equals 0', condition: 'v = -0', value: '0', expected: true },
    { rule: '-0 is not different from 0', condition: 'v != 0', value: '-0', expected: false },
    { rule: 'a number differs from a different number', condition: 'v != 4', value: '4.01', expected: true },
    { rule: 'a number differs from text', condition: "v != 'four'", value: '4', expected: true },
  ]);
});

describe('§2 only [+-]digits[.digits] is a number; anything else compares as text', () => {
  check([
    // As numbers 3. and .5 would equal 3 and 0.5; as text they do not.
    { rule: 'a trailing point is text', condition: 'v = 3', value: '3.', expected: false },
    { rule: 'a leading point is text', condition: 'v = 0.5', value: '.5', expected: false },
    { rule: 'a sign alone is text', condition: "v = '-'", value: '-', expected: true },
    { rule: 'a sign alone sorts as text', condition: 'v < 0', value: '-', expected: true },
    { rule: 'a point alone is text', condition: 'v > 1', value: '.', expected: false },
    { rule: 'two signs are text', condition: 'v = 5', value: '--5', expected: false },
    { rule: 'a second point is text', condition: "v = '1.5'", value: '1.5.0', expected: false },
    { rule: 'an exponent is text', condition: 'v = 100', value: '1e2', expected: false },
    { rule: 'hex is text', condition: 'v = 16', value: '0x10', expected: false },
    { rule: 'a thousands separator is text', condition: 'v > 999', value: '1,000', expected: false },
    { rule: 'a letter after the fraction is text', condition: 'v = 4.5', value: '4.5x', expected: false },
    { rule: 'a letter inside the fraction is text', condition: 'v = 4.55', value: '4.5x5', expected: false },
    { rule: 'text against a number literal orders by code units', condition: 'v > 100', value: 'abc', expected: true },
    { rule: 'a number against a text literal orders by code units', condition: "v < 'abc'", value: '500', expected: true },
    { rule: 'a number against a text literal, after it', condition: "v > '-'", value: '5', expected: true },
  ]);
});

describe('§2 text compares exactly, by UTF-16 code units', () => {
  check([
    { rule: 'equal text is not less', condition: "v < 'mql'", value: 'mql', expected: false },
    { rule: 'equal text is at most', condition: "v <= 'mql'", value: 'mql', expected: true },
    { rule: 'equal text is at least', condition: "v >= 'mql'", value: 'mql', expected: true },
    { rule: 'equal text is not greater', condition: "v > 'mql'", value: 'mql', expected: false },
    { rule: 'a prefix sorts first', condition: "v < 'mqlx'", value: 'mql', expected: true },
    { rule: 'upper case sorts before lower case', condition: "v > 'a'", value: 'Z', expected: false },
    { rule: 'different text is different', condition: "v != 'mql'", value: 'sql', expected: true },
    { rule: 'same text is not different', condition: "v != 'mql'", value: 'mql', expected: false },
    { rule: 'case makes text different', condition: "v != 'mql'", value: 'MQL', expected: true },
    { rule: 'spaces count', condition: "v = 'mql'", value: 'mql ', expected: false },
  ]);
});

describe('§2 dates are compared as HubSpot sends them', () => {
  check([
    // Date-time properties arrive as epoch milliseconds: numbers, so 13 digits sort after 12.
    { rule: 'epoch milliseconds compare as numbers', condition: 'v >= 1704067200000', value: '999999999999', expected: false },
    { rule: 'epoch milliseconds, later', condition: 'v > 1704067200000', value: '1704067200001', expected: true },
    // Date properties written as ISO text: text order, which is date order for one format.
    { rule: 'ISO dates compare as text', condition: "v >= '2024-01-05'", value: '2024-01-10', expected: true },
    { rule: 'ISO dates, earlier', condition: "v < '2024-01-05'", value: '2023-12-31', expected: true },
    { rule: 'an ISO date is not a number', condition: 'v < 2024', value: '2024-01-05', expected: false },
  ]);
});

describe('§2 booleans: a bare name reads "true" in any case; = compares exactly', () => {
  check([
    { rule: 'mixed case true', condition: 'v', value: 'tRuE', expected: true },
    { rule: 'four letters that are not true', condition: 'v', value: 'trux', expected: false },
    { rule: 'four other letters', condition: 'v', value: 'nope', expected: false },
    { rule: 'true with a trailing space is not true', condition: 'v', value: 'true ', expected: false },
    { rule: 'true with a leading space is not true', condition: 'v', value: ' true', expected: false },
    { rule: '1 is not true', condition: 'v', value: '1', expected: false },
    { rule: 'NOT of a bare name', condition: 'NOT v', value: 'TRUE', expected: false },
    { rule: 'the literal false is the text "false"', condition: 'v != false', value: 'FALSE', expected: true },
    { rule: 'a literal is case-insensitive as a keyword, exact as a value', condition: 'v = FALSE', value: 'false', expected: true },
  ]);
});

describe('§2 there is no null: an empty or missing value is unknown, "null" is text', () => {
  check([
    { rule: 'the text "null" is known', condition: 'v IS KNOWN', value: 'null', expected: true },
    { rule: 'the text "null" equals itself', condition: "v = 'null'", value: 'null', expected: true },
    { rule: 'unknown is not below anything', condition: "v <= 'z'", value: '', expected: false },
    { rule: 'unknown is not above anything', condition: "v > ''", value: '', expected: false },
    { rule: 'unknown is not above a number', condition: 'v > -1', value: '', expected: false },
    { rule: 'unknown is not below a number', condition: 'v <= 1', value: '', expected: false },
    { rule: 'unknown contains nothing', condition: "v CONTAINS ''", value: '', expected: false },
    { rule: 'unknown starts with nothing', condition: "v STARTS WITH ''", value: '', expected: false },
    { rule: 'unknown ends with nothing', condition: "v ENDS WITH ''", value: '', expected: false },
    { rule: 'unknown is outside no list', condition: "v NOT IN ('a')", value: '', expected: false },
    { rule: 'a known value contains the empty text', condition: "v CONTAINS ''", value: 'a', expected: true },
    { rule: 'a known value is above the empty text', condition: "v > ''", value: 'a', expected: true },
  ]);
  it('§2 IS UNKNOWN is true for a property the record does not have', () => {
    expect(holds('v IS UNKNOWN', {})).toBe(true);
    expect(holds("v != 'a'", {})).toBe(false);
    expect(holds('v NOT IN (1)', {})).toBe(false);
    expect(holds("v CONTAINS ''", {})).toBe(false);
  });
});

describe('§2 IN lists use the equality of =', () => {
  check([
    { rule: 'a number in a mixed list', condition: "v IN ('a', 4)", value: '4.0', expected: true },
    { rule: 'text in a mixed list', condition: "v IN ('a', 4)", value: 'a', expected: true },
    { rule: 'case counts in a mixed list', condition: "v IN ('a', 4)", value: 'A', expected: false },
    { rule: 'a quoted number is a number', condition: "v IN ('04')", value: '4', expected: true },
    { rule: 'a number is not in a list of text', condition: "v IN ('x', 'y')", value: '4', expected: false },
    { rule: 'the last item counts', condition: 'v IN (1, 2, 3)', value: '3.0', expected: true },
    { rule: 'a non-number never equals a number: trailing point', condition: 'v IN (4)', value: '4.', expected: false },
    { rule: 'a non-number never equals a number: leading point', condition: 'v IN (0.5)', value: '.5', expected: false },
    { rule: 'a quoted non-number in a list is text', condition: "v IN ('4.', '.5')", value: '4', expected: false },
    { rule: 'a fraction is not its integer part', condition: 'v IN (4)', value: '4.5', expected: false },
    { rule: 'fractions differ by their digits', condition: 'v IN (4.5)', value: '4.25', expected: false },
    { rule: 'text written like the literal matches it', condition: 'v IN (1, 4.50)', value: '4.50', expected: true },
    { rule: 'NOT IN a mixed list, outside', condition: "v NOT IN ('a', 4)", value: '5', expected: true },
    { rule: 'NOT IN a mixed list, equal as numbers', condition: "v NOT IN ('a', 4)", value: '+4.00', expected: false },
    { rule: 'NOT IN, text outside', condition: "v NOT IN ('a', 'b')", value: 'B', expected: true },
    { rule: 'long ids in a list: equal', condition: "v IN ('12345678901234567891')", value: '0012345678901234567891.0', expected: true },
    { rule: 'negatives in a list', condition: 'v IN (-1, -2)', value: '-2.0', expected: true },
    { rule: 'a negative is not its magnitude', condition: 'v IN (2)', value: '-2', expected: false },
  ]);
});

describe('§2 text tests are case-insensitive and read numbers as text', () => {
  check([
    { rule: 'STARTS WITH a digit', condition: 'v STARTS WITH 0', value: '007', expected: true },
    { rule: 'ENDS WITH is on the text, not the number', condition: 'v ENDS WITH 5', value: '2.50', expected: false },
    { rule: 'CONTAINS a lower-case needle in upper-case text', condition: "v CONTAINS 'acme'", value: 'ACME Corp', expected: true },
    { rule: 'STARTS WITH an upper-case needle', condition: "v STARTS WITH 'ACME'", value: 'acme corp', expected: true },
    { rule: 'ENDS WITH, mixed case on both sides', condition: "v ENDS WITH 'CoRp'", value: 'acme cOrP', expected: true },
    { rule: 'STARTS WITH is not ENDS WITH', condition: "v STARTS WITH 'corp'", value: 'acme corp', expected: false },
    { rule: 'ENDS WITH is not STARTS WITH', condition: "v ENDS WITH 'acme'", value: 'acme corp', expected: false },
    { rule: 'CONTAINS in the middle', condition: "v CONTAINS 'E C'", value: 'acme corp', expected: true },
  ]);
});

describe('§2 large and long numbers compare exactly, where doubles would round', () => {
  check([
    { rule: '2^53 + 1 is not 2^53', condition: 'v = 9007199254740992', value: '9007199254740993', expected: false },
    { rule: '2^53 + 1 is above 2^53', condition: 'v > 9007199254740992', value: '9007199254740993', expected: true },
    { rule: 'a 17-digit fraction is not its rounded double', condition: 'v = 0.1', value: '0.10000000000000001', expected: false },
    { rule: 'a 17-digit fraction is above it', condition: 'v > 0.1', value: '0.10000000000000001', expected: true },
    { rule: 'a short value below a 17-digit literal', condition: 'v < 0.10000000000000001', value: '0.1', expected: true },
    { rule: 'a short value is not above a 17-digit literal', condition: 'v >= 0.10000000000000001', value: '0.1', expected: false },
    { rule: 'leading zeros are not digits that count', condition: 'v = 1', value: '0000000000000000000001', expected: true },
    { rule: 'trailing zeros are not digits that count', condition: 'v = 1', value: '1.0000000000000000000000', expected: true },
    { rule: 'long zeros equal zero', condition: 'v = -0.00000000000000000000', value: '000000000000000000000', expected: true },
    { rule: 'long negative below long positive', condition: 'v < 1.00000000000000000001', value: '-1.00000000000000000001', expected: true },
    { rule: 'long negatives order reversed', condition: 'v > -12345678901234567890', value: '-12345678901234567891', expected: false },
    { rule: 'long: more integer digits is larger', condition: 'v > 12345678901234567890', value: '123456789012345678901', expected: true },
    { rule: 'long: same integer, larger fraction', condition: 'v > 12345678901234567890.1', value: '12345678901234567890.25', expected: true },
    { rule: 'long: same integer, smaller fraction', condition: 'v < 12345678901234567890.25', value: '12345678901234567890.1', expected: true },
    { rule: 'long: trailing zeros do not count', condition: 'v = 12345678901234567890.5', value: '12345678901234567890.500', expected: true },
    { rule: 'long: zeros inside the fraction count', condition: 'v < 12345678901234567890.5', value: '12345678901234567890.05', expected: true },
    { rule: 'long: leading zeros do not count', condition: 'v = 12345678901234567890', value: '0012345678901234567890', expected: true },
    { rule: 'long: zeros inside the integer count', condition: 'v > 99999999999999999999', value: '100000000000000000000', expected: true },
    { rule: 'long: an explicit plus sign', condition: 'v = 12345678901234567890', value: '+12345678901234567890', expected: true },
    { rule: 'long: -0 is above a negative', condition: 'v > -12345678901234567890', value: '-0', expected: true },
    { rule: 'long: text against a long number orders by code units', condition: 'v < 12345678901234567890', value: 'abc', expected: false },
    // 17 digits from the first to the last non-zero one, the zero among them included: beyond a double.
    { rule: 'a zero near the point does not make 17 digits short', condition: 'v > 1.0111111111111111', value: '1.01111111111111111', expected: true },
  ]);
  it('§2 compareValues orders two property values the same way', () => {
    expect(compareValues('9007199254740993', '9007199254740992')).toBeGreaterThan(0);
    expect(compareValues('-0', '0.000')).toBe(0);
    expect(compareValues('B', 'a')).toBeLessThan(0);
    expect(compareValues('10', '9')).toBeGreaterThan(0);
  });
});
