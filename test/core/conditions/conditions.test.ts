// Contract §2 (conditions): evaluation, errors with columns, and algebraic laws over random records.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareValues, parseCondition } from '../../../src/core/conditions/index.ts';
import type { Condition, Properties } from '../../../src/core/types.ts';

function compiled(source: string): Condition {
  const r = parseCondition(source);
  if (!r.ok) throw new Error(`${source}: ${r.error.message} at column ${r.error.column}`);
  return r.condition;
}

const props = (o: Record<string, string>): Properties => new Map(Object.entries(o));

interface EvalCase {
  readonly rule: string;
  readonly condition: string;
  readonly props: Record<string, string>;
  readonly expected: boolean;
}

const EVALUATION: readonly EvalCase[] = [
  // Comparisons: numeric when both sides are decimals, else exact string order.
  { rule: '§2 > numeric', condition: 'score > 3', props: { score: '5' }, expected: true },
  { rule: '§2 > numeric, equal is not greater', condition: 'score > 3', props: { score: '3' }, expected: false },
  { rule: '§2 > numeric, "10" > "9" (not text order)', condition: 'score > 9', props: { score: '10' }, expected: true },
  { rule: '§2 < numeric, quoted literal still numeric', condition: "score < '9'", props: { score: '10' }, expected: false },
  { rule: '§2 >= numeric', condition: 'score >= 4.5', props: { score: '4.50' }, expected: true },
  { rule: '§2 <= numeric', condition: 'score <= -3', props: { score: '-3.0' }, expected: true },
  { rule: '§2 < numeric negative', condition: 'score < -3', props: { score: '-2' }, expected: false },
  { rule: '§2 = numeric, "04" = "4"', condition: 'n = 4', props: { n: '04' }, expected: true },
  { rule: "§2 = numeric, quoted '04' = value 4", condition: "n = '04'", props: { n: '4' }, expected: true },
  { rule: '§2 = numeric, "4.50" = 4.5', condition: 'n = 4.5', props: { n: '4.50' }, expected: true },
  { rule: '§2 = numeric, explicit plus sign in value', condition: 'n = 3', props: { n: '+3' }, expected: true },
  { rule: '§2 = numeric, -0 = 0', condition: 'n = 0', props: { n: '-0' }, expected: true },
  { rule: '§2 != numeric, "04" != 4 is false', condition: 'n != 4', props: { n: '04' }, expected: false },
  { rule: '§2 != numeric', condition: 'n != 4', props: { n: '5' }, expected: true },
  { rule: '§2 > string order, "b" > "a"', condition: "s > 'a'", props: { s: 'b' }, expected: true },
  { rule: '§2 < string order by code units ("B" < "a")', condition: "s < 'a'", props: { s: 'B' }, expected: true },
  { rule: '§2 string order when only one side is a number', condition: 's > 3', props: { s: 'abc' }, expected: true },
  { rule: '§2 = exact string, case-sensitive', condition: "stage = 'MQL'", props: { stage: 'mql' }, expected: false },
  { rule: '§2 = exact string', condition: "stage = 'mql'", props: { stage: 'mql' }, expected: true },
  { rule: '§2 = string, "4.5x" is not a number', condition: "n = '4.5x'", props: { n: '4.5x' }, expected: true },
  { rule: '§2 = string, " 4" (space) is not a number', condition: 'n = 4', props: { n: ' 4' }, expected: false },
  { rule: '§2 = bare true literal is the string "true"', condition: 'flag = true', props: { flag: 'true' }, expected: true },
  { rule: '§2 = true literal compares exactly', condition: 'flag = TRUE', props: { flag: 'True' }, expected: false },
  { rule: '§2 = false literal', condition: 'flag = false', props: { flag: 'false' }, expected: true },
  // Long digit strings: exact, where doubles would call these equal.
  { rule: '§2 = exact for 20-digit ids', condition: 'id = 12345678901234567890', props: { id: '12345678901234567891' }, expected: false },
  { rule: '§2 = exact for 20-digit ids, equal', condition: "id = '12345678901234567891'", props: { id: '012345678901234567891.00' }, expected: true },
  { rule: '§2 < exact for 20-digit ids', condition: 'id < 12345678901234567891', props: { id: '12345678901234567890' }, expected: true },
  { rule: '§2 > exact, long value vs short literal', condition: 'id > 99', props: { id: '100000000000000000000' }, expected: true },
  { rule: '§2 < exact, negative long values', condition: 'n < -99999999999999999998', props: { n: '-99999999999999999999' }, expected: true },
  { rule: '§2 < exact for long fractions', condition: "n < '0.30000000000000000001'", props: { n: '0.3' }, expected: true },
  { rule: '§2 = exact, tiny fraction is not zero', condition: 'n = 0', props: { n: `0.${'0'.repeat(400)}1` }, expected: false },
  { rule: '§2 > exact, tiny fraction', condition: 'n > 0', props: { n: `0.${'0'.repeat(400)}1` }, expected: true },

  // Bare property name: HubSpot boolean.
  { rule: '§2 bare name is true for "true"', condition: 'completed', props: { completed: 'true' }, expected: true },
  { rule: '§2 bare name reads "TRUE" as true (any case)', condition: 'completed', props: { completed: 'TRUE' }, expected: true },
  { rule: '§2 bare name is false for "false"', condition: 'completed', props: { completed: 'false' }, expected: false },
  { rule: '§2 bare name is false for other text', condition: 'completed', props: { completed: 'yes' }, expected: false },
  { rule: '§2 bare name is false when unknown', condition: 'completed', props: {}, expected: false },

  // IS KNOWN / IS UNKNOWN.
  { rule: '§2 IS KNOWN with a value', condition: 'owner IS KNOWN', props: { owner: '42' }, expected: true },
  { rule: '§2 IS KNOWN, missing', condition: 'owner IS KNOWN', props: {}, expected: false },
  { rule: '§2 IS KNOWN, empty is unknown', condition: 'owner IS KNOWN', props: { owner: '' }, expected: false },
  { rule: '§2 IS KNOWN, whitespace is a (non-empty) value', condition: 'owner IS KNOWN', props: { owner: ' ' }, expected: true },
  { rule: '§2 IS UNKNOWN, missing', condition: 'owner IS UNKNOWN', props: {}, expected: true },
  { rule: '§2 IS UNKNOWN, empty', condition: 'owner IS UNKNOWN', props: { owner: '' }, expected: true },
  { rule: '§2 IS UNKNOWN with a value', condition: 'owner IS UNKNOWN', props: { owner: 'x' }, expected: false },

  // IN / NOT IN: membership with the equality of `=`.
  { rule: '§2 IN member', condition: "stage IN ('a', 'b')", props: { stage: 'b' }, expected: true },
  { rule: '§2 IN non-member', condition: "stage IN ('a', 'b')", props: { stage: 'c' }, expected: false },
  { rule: '§2 IN is case-sensitive like =', condition: "stage IN ('a', 'b')", props: { stage: 'B' }, expected: false },
  { rule: '§2 IN numeric equality', condition: 'n IN (4, 5)', props: { n: '04.0' }, expected: true },
  { rule: '§2 IN numeric equality, long ids', condition: "id IN ('12345678901234567890')", props: { id: '12345678901234567891' }, expected: false },
  { rule: '§2 IN with one literal', condition: "stage IN ('a')", props: { stage: 'a' }, expected: true },
  { rule: '§2 NOT IN non-member', condition: "stage NOT IN ('a', 'b')", props: { stage: 'c' }, expected: true },
  { rule: '§2 NOT IN member', condition: "stage NOT IN ('a', 'b')", props: { stage: 'a' }, expected: false },
  { rule: '§2 NOT IN numeric equality', condition: 'n NOT IN (4)', props: { n: '4.00' }, expected: false },
  // -0 is 0 for IN exactly as for = (a canonical form that kept the sign would miss it).
  { rule: '§2 IN numeric equality: -0 is in (0)', condition: 'n IN (0)', props: { n: '-0' }, expected: true },
  { rule: '§2 IN numeric equality: -0.00 is in (0)', condition: 'n IN (1, 0)', props: { n: '-0.00' }, expected: true },
  { rule: '§2 IN numeric equality: 0 is in (-0)', condition: 'n IN (-0)', props: { n: '0' }, expected: true },
  { rule: '§2 NOT IN numeric equality: -0 is not outside (0)', condition: 'n NOT IN (0)', props: { n: '-0' }, expected: false },
  { rule: '§2 = numeric equality: -0 = 0', condition: 'n = 0', props: { n: '-0' }, expected: true },
  { rule: '§2 IN numeric equality: -0.5 is not 0.5', condition: 'n IN (0.5)', props: { n: '-0.5' }, expected: false },

  // Text tests, case-insensitive.
  { rule: '§2 CONTAINS case-insensitive', condition: "email CONTAINS 'TEST'", props: { email: 'jo@test.example' }, expected: true },
  { rule: '§2 CONTAINS absent', condition: "email CONTAINS 'prod'", props: { email: 'jo@test.example' }, expected: false },
  { rule: '§2 STARTS WITH case-insensitive', condition: "email STARTS WITH 'jo@'", props: { email: 'JO@x.com' }, expected: true },
  { rule: '§2 STARTS WITH not at start', condition: "email STARTS WITH 'x'", props: { email: 'jo@x.com' }, expected: false },
  { rule: '§2 ENDS WITH case-insensitive', condition: "email ENDS WITH '@Test.Example'", props: { email: 'jo@TEST.example' }, expected: true },
  { rule: '§2 ENDS WITH not at end', condition: "email ENDS WITH '@test'", props: { email: 'jo@test.example' }, expected: false },
  { rule: '§2 CONTAINS a number literal as text', condition: 'phone CONTAINS 555', props: { phone: '+1 555 0100' }, expected: true },

  // Unknown values: every test is false, only IS UNKNOWN is true.
  { rule: '§2 unknown is false for =', condition: "x = 'a'", props: {}, expected: false },
  { rule: '§2 unknown is false for !=', condition: "x != 'a'", props: {}, expected: false },
  { rule: '§2 unknown (empty) is false for !=', condition: "x != 'a'", props: { x: '' }, expected: false },
  { rule: "§2 NOT (x = 'a') is true when x is unknown", condition: "NOT (x = 'a')", props: {}, expected: true },
  { rule: '§2 unknown is false for <', condition: 'x < 5', props: { x: '' }, expected: false },
  { rule: '§2 unknown is false for >=', condition: "x >= ''", props: {}, expected: false },
  { rule: '§2 unknown is false for = empty literal', condition: "x = ''", props: { x: '' }, expected: false },
  { rule: '§2 unknown is false for IN', condition: "x IN ('', 'a')", props: { x: '' }, expected: false },
  { rule: '§2 unknown is false for NOT IN', condition: "x NOT IN ('a')", props: {}, expected: false },
  { rule: '§2 unknown is false for CONTAINS empty text', condition: "x CONTAINS ''", props: { x: '' }, expected: false },
  { rule: '§2 unknown is false for STARTS WITH', condition: "x STARTS WITH ''", props: {}, expected: false },
  { rule: '§2 unknown is false for ENDS WITH', condition: "x ENDS WITH ''", props: {}, expected: false },

  // Boolean operators and precedence: NOT, then AND, then OR.
  { rule: '§2 AND both true', condition: 'a AND b', props: { a: 'true', b: 'true' }, expected: true },
  { rule: '§2 AND one false', condition: 'a AND b', props: { a: 'true', b: 'false' }, expected: false },
  { rule: '§2 OR one true', condition: 'a OR b', props: { a: 'false', b: 'true' }, expected: true },
  { rule: '§2 OR both false', condition: 'a OR b', props: {}, expected: false },
  { rule: '§2 NOT', condition: 'NOT a', props: { a: 'true' }, expected: false },
  { rule: '§2 precedence: AND before OR', condition: 'a OR b AND c', props: { a: 'true' }, expected: true },
  { rule: '§2 precedence: AND before OR (right side)', condition: 'a AND b OR c', props: { c: 'true' }, expected: true },
  { rule: '§2 precedence: parentheses override', condition: '(a OR b) AND c', props: { a: 'true' }, expected: false },
  { rule: '§2 precedence: NOT before AND', condition: 'NOT a AND b', props: {}, expected: false },
  { rule: '§2 precedence: NOT before OR', condition: 'NOT a OR b', props: { a: 'true' }, expected: false },
  { rule: '§2 precedence: NOT of a group', condition: 'NOT (a AND b)', props: {}, expected: true },
  { rule: '§2 NOT NOT', condition: 'NOT NOT a', props: { a: 'true' }, expected: true },
  { rule: '§2 NOT before a test', condition: "NOT stage = 'a'", props: { stage: 'b' }, expected: true },
  { rule: '§2 longer AND chain', condition: 'a AND b AND c', props: { a: 'true', b: 'true', c: 'true' }, expected: true },
  { rule: '§2 longer OR chain', condition: 'a OR b OR c', props: { c: 'true' }, expected: true },
  { rule: '§2 nested parentheses', condition: '((a) OR (b AND (c)))', props: { b: 'true', c: 'true' }, expected: true },

  // Keywords are case-insensitive.
  { rule: '§2 keywords case-insensitive: is known', condition: 'owner is known', props: { owner: 'x' }, expected: true },
  { rule: '§2 keywords case-insensitive: Is UnKnown', condition: 'owner Is UnKnown', props: {}, expected: true },
  { rule: '§2 keywords case-insensitive: not in', condition: "s not in ('a')", props: { s: 'b' }, expected: true },
  { rule: '§2 keywords case-insensitive: starts with', condition: "s starts with 'a'", props: { s: 'ab' }, expected: true },
  { rule: '§2 keywords case-insensitive: Ends With', condition: "s Ends With 'b'", props: { s: 'ab' }, expected: true },
  { rule: '§2 keywords case-insensitive: contains', condition: "s contains 'b'", props: { s: 'ab' }, expected: true },
  { rule: '§2 keywords case-insensitive: and/or/not', condition: 'a or b and not c', props: { b: 'true' }, expected: true },

  // Strings: single or double quotes, backslash escapes the quote and the backslash.
  { rule: '§2 double-quoted string', condition: 'name = "Ada"', props: { name: 'Ada' }, expected: true },
  { rule: '§2 single quote inside double quotes', condition: `name = "O'Brien"`, props: { name: "O'Brien" }, expected: true },
  { rule: '§2 escaped single quote', condition: String.raw`name = 'O\'Brien'`, props: { name: "O'Brien" }, expected: true },
  { rule: '§2 escaped double quote', condition: String.raw`name = "say \"hi\""`, props: { name: 'say "hi"' }, expected: true },
  { rule: '§2 escaped backslash', condition: String.raw`path = 'a\\b'`, props: { path: String.raw`a\b` }, expected: true },
  { rule: '§2 other backslashes are kept', condition: String.raw`path = 'C:\temp'`, props: { path: String.raw`C:\temp` }, expected: true },
  { rule: '§2 keywords inside strings are text', condition: "s = 'a AND b'", props: { s: 'a AND b' }, expected: true },
  { rule: '§2 whitespace and newlines between tokens', condition: "  a\n AND\tb = 'x'  ", props: { a: 'true', b: 'x' }, expected: true },
  { rule: '§2 no spaces needed around symbols', condition: "(a='x')AND(b>=2)", props: { a: 'x', b: '2' }, expected: true },
  { rule: '§2 property names with dots, digits and hyphens', condition: 'hs.x-1_y = 2', props: { 'hs.x-1_y': '2' }, expected: true },
  { rule: '§2 property names that start with a keyword', condition: 'notes_count > 1 AND order_id IS KNOWN', props: { notes_count: '2', order_id: '9' }, expected: true },
  { rule: '§2 only the record\'s properties: constructor is not a property of an empty record', condition: 'constructor IS KNOWN', props: {}, expected: false },
  { rule: '§2 only the record\'s properties: __proto__ is not a property of an empty record', condition: '__proto__ IS KNOWN', props: {}, expected: false },
  { rule: '§2 only the record\'s properties: toString reads as unknown', condition: 'toString IS UNKNOWN', props: {}, expected: true },
];

describe('§2 evaluation', () => {
  it.each(EVALUATION)('$rule: $condition', ({ condition, props: p, expected }) => {
    expect(compiled(condition).evaluate(props(p))).toBe(expected);
  });
});

interface ErrorCase {
  readonly rule: string;
  readonly condition: string;
  readonly message: string;
  readonly column: number;
}

const ERRORS: readonly ErrorCase[] = [
  {
    rule: '§2 missing operand after AND',
    condition: "lifecyclestage = 'marketingqualifiedlead' AND ",
    message: 'expected a value after AND',
    column: 47,
  },
  { rule: '§2 missing operand after OR (no trailing space)', condition: "x = 'a' OR", message: 'expected a value after OR', column: 11 },
  { rule: '§2 missing operand after NOT', condition: 'NOT ', message: 'expected a value after NOT', column: 5 },
  { rule: '§2 operand is a keyword', condition: "x = 'a' and OR y", message: "expected a value after AND, found 'OR'", column: 13 },
  { rule: '§2 unbalanced parentheses: missing )', condition: "(x = 'a'", message: "expected ')' after 'a'", column: 9 },
  { rule: '§2 unbalanced parentheses: extra )', condition: "x = 'a')", message: "expected AND or OR after 'a', found ')'", column: 8 },
  { rule: '§2 empty group', condition: "x = 'a' AND ()", message: "expected a value after '(', found ')'", column: 14 },
  { rule: '§2 missing literal', condition: 'score >', message: "expected a literal (quoted text or a number) after '>'", column: 8 },
  { rule: '§2 property on the right is not a literal', condition: 'a = b', message: "expected a literal (quoted text or a number) after '=', found 'b'", column: 5 },
  { rule: '§2 unterminated string: column of the opening quote', condition: "email ENDS WITH '@test", message: "unterminated string (missing closing ')", column: 17 },
  { rule: '§2 unterminated string: escaped closing quote', condition: String.raw`x = "ab\"`, message: 'unterminated string (missing closing ")', column: 5 },
  { rule: '§2 unknown operator ==', condition: "x == 'a'", message: "expected an operator after 'x', found '=='", column: 3 },
  { rule: '§2 unknown operator word', condition: "x LIKE 'a%'", message: "expected an operator after 'x', found 'LIKE'", column: 3 },
  { rule: '§2 trailing garbage', condition: "x = 'a' foo", message: "expected AND or OR after 'a', found 'foo'", column: 9 },
  { rule: '§2 no function calls: lower(email) is refused', condition: "lower(email) = 'x'", message: "expected an operator after 'lower', found '('", column: 6 },
  { rule: '§2 empty condition', condition: '', message: 'expected a condition', column: 1 },
  { rule: '§2 blank condition', condition: '   ', message: 'expected a condition', column: 4 },
  { rule: '§2 condition starting with a literal', condition: "'a' = x", message: "expected a condition, found 'a'", column: 1 },
  { rule: '§2 IS without KNOWN', condition: 'owner IS', message: 'expected KNOWN or UNKNOWN after IS', column: 9 },
  { rule: '§2 IS followed by something else', condition: 'owner IS NULL', message: "expected KNOWN or UNKNOWN after IS, found 'NULL'", column: 10 },
  { rule: '§2 NOT without IN after a property', condition: "x NOT 'a'", message: "expected IN after NOT, found 'a'", column: 7 },
  { rule: '§2 IN needs a list', condition: "x IN 'a'", message: "expected '(' after IN, found 'a'", column: 6 },
  { rule: '§2 IN list needs commas', condition: "x NOT IN ('a' 'b')", message: "expected ',' or ')' after 'a', found 'b'", column: 15 },
  { rule: '§2 IN list cannot be empty', condition: 'x IN ()', message: "expected a literal (quoted text or a number) after '(', found ')'", column: 7 },
  { rule: '§2 STARTS needs WITH', condition: "x STARTS 'a'", message: "expected WITH after STARTS, found 'a'", column: 10 },
  { rule: '§2 STARTS WITH needs a literal', condition: 'x STARTS WITH', message: 'expected a literal (quoted text or a number) after STARTS WITH', column: 14 },
  { rule: '§2 keywords are reserved as property names', condition: "in = 'a'", message: "expected a condition, found 'in'", column: 1 },
  { rule: '§2 true is a literal, not a property', condition: 'true', message: "expected a condition, found 'true'", column: 1 },
  { rule: '§2 inside a group, an operator or ) is expected', condition: '(x y', message: "expected an operator or ')' after 'x', found 'y'", column: 4 },
  { rule: '§2 numbers are digits with an optional fraction', condition: 'x = 3.', message: "expected a literal (quoted text or a number) after '=', found '3.'", column: 5 },
];

describe('§2 errors', () => {
  it.each(ERRORS)('$rule: $condition', ({ condition, message, column }) => {
    expect(parseCondition(condition)).toEqual({ ok: false, error: { message, column } });
  });
});

describe('§2 condition metadata', () => {
  it.each([
    { rule: 'properties in first-use order, without repeats', condition: "b = 1 AND (a IS KNOWN OR b CONTAINS 'x') AND NOT c", properties: ['b', 'a', 'c'] },
    { rule: 'properties of IN, text tests and bare names', condition: "x NOT IN ('a') OR y STARTS WITH 'q' OR done", properties: ['x', 'y', 'done'] },
    { rule: 'property names keep their case', condition: 'Owner IS KNOWN AND owner IS KNOWN', properties: ['Owner', 'owner'] },
  ])('$rule', ({ condition, properties }) => {
    const c = compiled(condition);
    expect(c.properties).toEqual(properties);
    expect(c.source).toBe(condition);
  });

  it('keeps the source text exactly as written', () => {
    const source = "  lifecyclestage = 'mql'\n  AND hubspot_owner_id IS KNOWN ";
    expect(compiled(source).source).toBe(source);
  });
});

// Random conditions over a few properties, with values chosen to hit numbers, text, case and unknowns.
const NAMES = ['a', 'b', 'c'] as const;
const VALUES = ['', 'x', 'X', 'abc', '3', '03', '10', '9', '-3', '4.50', 'true', 'TRUE', 'false', '12345678901234567890', '12345678901234567891'];
const LITERALS = ["'x'", "'abc'", '3', '10', "'04'", '4.5', '-3', 'true', "'12345678901234567890'", "'B'", "''"];

const name = fc.constantFrom(...NAMES);
const literal = fc.constantFrom(...LITERALS);
const test = fc.oneof(
  fc.tuple(name, fc.constantFrom('=', '!=', '<', '<=', '>', '>='), literal).map(([n, op, l]) => `${n} ${op} ${l}`),
  name,
  fc.tuple(name, fc.constantFrom('IS KNOWN', 'IS UNKNOWN')).map(([n, k]) => `${n} ${k}`),
  fc
    .tuple(name, fc.constantFrom('IN', 'NOT IN'), fc.array(literal, { minLength: 1, maxLength: 3 }))
    .map(([n, op, ls]) => `${n} ${op} (${ls.join(', ')})`),
  fc.tuple(name, fc.constantFrom('CONTAINS', 'STARTS WITH', 'ENDS WITH'), literal).map(([n, op, l]) => `${n} ${op} ${l}`),
);
const { condition } = fc.letrec<{ condition: string }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    test,
    tie('condition').map((c) => `NOT (${c})`),
    fc.tuple(tie('condition'), tie('condition')).map(([l, r]) => `(${l}) AND (${r})`),
    fc.tuple(tie('condition'), tie('condition')).map(([l, r]) => `(${l}) OR (${r})`),
  ),
}));
const record = fc
  .tuple(...NAMES.map(() => fc.option(fc.constantFrom(...VALUES), { nil: undefined })))
  .map((vs) => {
    const m = new Map<string, string>();
    vs.forEach((v, i) => {
      const n = NAMES[i];
      if (v !== undefined && n !== undefined) m.set(n, v);
    });
    return m as Properties;
  });

describe('§2 laws over random conditions and records', () => {
  it('§2 NOT NOT c ≡ c', () => {
    fc.assert(
      fc.property(condition, record, (c, r) => compiled(`NOT NOT (${c})`).evaluate(r) === compiled(c).evaluate(r)),
    );
  });

  it('§2 De Morgan: NOT (p AND q) ≡ NOT p OR NOT q, and NOT (p OR q) ≡ NOT p AND NOT q', () => {
    fc.assert(
      fc.property(condition, condition, record, (p, q, r) => {
        const and = compiled(`NOT ((${p}) AND (${q}))`).evaluate(r) === compiled(`NOT (${p}) OR NOT (${q})`).evaluate(r);
        const or = compiled(`NOT ((${p}) OR (${q}))`).evaluate(r) === compiled(`NOT (${p}) AND NOT (${q})`).evaluate(r);
        return and && or;
      }),
    );
  });

  it('§2 unknown is false: x != l ≡ x IS KNOWN AND NOT x = l, and likewise NOT IN', () => {
    fc.assert(
      fc.property(name, literal, record, (n, l, r) => {
        const ne = compiled(`${n} != ${l}`).evaluate(r) === compiled(`${n} IS KNOWN AND NOT ${n} = ${l}`).evaluate(r);
        const notIn = compiled(`${n} NOT IN (${l})`).evaluate(r) === compiled(`${n} IS KNOWN AND NOT ${n} IN (${l})`).evaluate(r);
        return ne && notIn;
      }),
    );
  });
});

// Decimals as (unscaled, scale) pairs, written with optional leading zeros; a BigInt oracle orders them.
const decimal = fc
  .tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.nat({ max: 6 }), fc.nat({ max: 2 }), fc.boolean())
  .map(([unscaled, scale, zeros, trailing]) => {
    const digits = (unscaled < 0n ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
    const int = '0'.repeat(zeros) + digits.slice(0, digits.length - scale);
    const frac = digits.slice(digits.length - scale) + (trailing && scale > 0 ? '0' : '');
    return { unscaled, scale, text: `${unscaled < 0n ? '-' : ''}${int}${frac === '' ? '' : `.${frac}`}` };
  });

describe('§2 numeric comparison is exact', () => {
  it('§2 orders decimals like exact arithmetic, whatever their length', () => {
    fc.assert(
      fc.property(decimal, decimal, (x, y) => {
        const lhs = x.unscaled * 10n ** BigInt(y.scale);
        const rhs = y.unscaled * 10n ** BigInt(x.scale);
        const want = lhs < rhs ? -1 : lhs > rhs ? 1 : 0;
        return Math.sign(compareValues(x.text, y.text)) === want;
      }),
    );
  });
});
