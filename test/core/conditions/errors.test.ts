// Contract §2 (conditions): every parse error a RevOps user can meet in `validate`, word for word, at its column.
import { describe, expect, it } from 'vitest';
import { MAX_NESTING, parseCondition } from '../../../src/core/conditions/index.ts';

interface ErrorCase {
  readonly rule: string;
  readonly condition: string;
  readonly message: string;
  readonly column: number;
}

const check = (cases: readonly ErrorCase[]) =>
  it.each(cases)('$rule: $condition', ({ condition, message, column }) => {
    expect(parseCondition(condition)).toEqual({ ok: false, error: { message, column } });
  });

const LITERAL = 'a literal (quoted text or a number)';

describe('§2 errors: the column counts UTF-16 code units from 1, newlines and tabs included', () => {
  check([
    { rule: 'after a newline', condition: 'owner IS KNOWN\nAND', message: 'expected a value after AND', column: 19 },
    { rule: 'after a tab', condition: "x = 'a'\tAND", message: 'expected a value after AND', column: 12 },
    { rule: 'an emoji is two code units', condition: "x = '😀' y", message: "expected AND or OR after '😀', found 'y'", column: 10 },
    { rule: 'leading blanks count', condition: '  OR', message: "expected a condition, found 'OR'", column: 3 },
    { rule: 'deep in a long condition', condition: 'x IS KNOWN AND y IN ()', message: `expected ${LITERAL} after '(', found ')'`, column: 22 },
  ]);
});

describe('§2 errors: what may follow each operator', () => {
  check([
    { rule: 'ENDS needs WITH', condition: 'x ENDS', message: 'expected WITH after ENDS', column: 7 },
    { rule: 'STARTS needs WITH, at the end', condition: 'x starts', message: 'expected WITH after STARTS', column: 9 },
    { rule: 'ENDS WITH needs a literal', condition: 'x ends with', message: `expected ${LITERAL} after ENDS WITH`, column: 12 },
    { rule: 'CONTAINS needs a literal', condition: 'x contains', message: `expected ${LITERAL} after CONTAINS`, column: 11 },
    { rule: 'IN needs a list', condition: 'x in', message: "expected '(' after IN", column: 5 },
    { rule: 'NOT IN needs a list', condition: 'x not in', message: "expected '(' after NOT IN", column: 9 },
    { rule: 'NOT after a property needs IN', condition: 'x NOT', message: 'expected IN after NOT', column: 6 },
    { rule: 'IS needs KNOWN or UNKNOWN, lower case shown upper', condition: 'x is nul', message: "expected KNOWN or UNKNOWN after IS, found 'nul'", column: 6 },
    { rule: 'a comparison needs a literal', condition: 'x <= ', message: `expected ${LITERAL} after '<='`, column: 6 },
  ]);
});

describe('§2 errors: lists and parentheses', () => {
  check([
    { rule: 'an open list', condition: "x IN ('a'", message: "expected ',' or ')' after 'a'", column: 10 },
    { rule: 'an open list of numbers', condition: 'x IN (1, 2', message: "expected ',' or ')' after '2'", column: 11 },
    { rule: 'a list ending in a comma', condition: "x IN ('a',)", message: `expected ${LITERAL} after ',', found ')'`, column: 11 },
    { rule: 'a list cut after a comma', condition: "x IN ('a',", message: `expected ${LITERAL} after ','`, column: 11 },
    { rule: 'an open group after a test', condition: '(x = 1', message: "expected ')' after '1'", column: 7 },
    { rule: 'an open group around a group', condition: '((x = 1)', message: "expected ')' after ')'", column: 9 },
    { rule: 'an open group after a bare name', condition: 'NOT (x', message: "expected an operator or ')' after 'x'", column: 7 },
    { rule: 'an open group after OR', condition: "x = 'a' OR (", message: "expected a value after '('", column: 13 },
    { rule: 'one ) too many after a list', condition: "x NOT IN ('a')) ", message: "expected AND or OR after ')', found ')'", column: 15 },
    { rule: 'a stray ) at the start', condition: '   )', message: "expected a condition, found ')'", column: 4 },
  ]);
});

describe('§2 errors: operands and operators', () => {
  check([
    { rule: 'NOT after AND is shown alone', condition: 'x = 1 AND NOT', message: 'expected a value after NOT', column: 14 },
    { rule: 'NOT after OR is shown alone', condition: 'x = 1 OR NOT', message: 'expected a value after NOT', column: 13 },
    { rule: 'NOT NOT is shown as NOT', condition: 'not not', message: 'expected a value after NOT', column: 8 },
    { rule: 'a lower-case OR is shown upper after, as written when found', condition: 'x = 1 or', message: 'expected a value after OR', column: 9 },
    { rule: 'a misplaced keyword is shown as written', condition: 'x = 1 and or', message: "expected a value after AND, found 'or'", column: 11 },
    { rule: 'a keyword operand', condition: "x = 'a' AND in", message: "expected a value after AND, found 'in'", column: 13 },
    { rule: 'a word that starts like AND', condition: "x = 'a' ANDY", message: "expected AND or OR after 'a', found 'ANDY'", column: 9 },
    { rule: 'two numbers', condition: 'x = 1 2', message: "expected AND or OR after '1', found '2'", column: 7 },
    { rule: 'after KNOWN', condition: 'x is known y', message: "expected AND or OR after KNOWN, found 'y'", column: 12 },
    { rule: 'after UNKNOWN', condition: 'x is unknown y', message: "expected AND or OR after UNKNOWN, found 'y'", column: 14 },
    { rule: 'after STARTS WITH and its literal', condition: "x starts with 'a' 'b'", message: "expected AND or OR after 'a', found 'b'", column: 19 },
    { rule: 'true is a literal, shown as written', condition: 'x = true y', message: "expected AND or OR after 'true', found 'y'", column: 10 },
    { rule: 'TRUE is a literal, shown as written', condition: 'x = TRUE y', message: "expected AND or OR after 'TRUE', found 'y'", column: 10 },
    { rule: 'false is a literal, shown as written', condition: 'x = false y', message: "expected AND or OR after 'false', found 'y'", column: 11 },
    { rule: 'a condition cannot start with AND', condition: 'AND x', message: "expected a condition, found 'AND'", column: 1 },
    { rule: 'a condition cannot start with a symbol', condition: '@', message: "expected a condition, found '@'", column: 1 },
  ]);
});

describe('§2 errors: unknown operators are reported whole', () => {
  check([
    { rule: '=== is not an operator', condition: "x === 'a'", message: "expected an operator after 'x', found '==='", column: 3 },
    { rule: '=> is not an operator', condition: 'x => 1', message: "expected an operator after 'x', found '=>'", column: 3 },
    { rule: '<> is not an operator', condition: 'x <> 1', message: "expected an operator after 'x', found '<>'", column: 3 },
    { rule: '! is not an operator', condition: 'x ! 1', message: "expected an operator after 'x', found '!'", column: 3 },
  ]);
});

describe('§2 errors: literals', () => {
  check([
    { rule: 'a sign alone is not a number', condition: 'x = -', message: `expected ${LITERAL} after '=', found '-'`, column: 5 },
    { rule: 'a number cannot start with a point', condition: 'x = .5', message: `expected ${LITERAL} after '=', found '.5'`, column: 5 },
    { rule: 'a number cannot run into letters', condition: 'x = 1a', message: `expected ${LITERAL} after '=', found '1a'`, column: 5 },
    { rule: 'a number has one point', condition: 'x > 1.5.2', message: `expected ${LITERAL} after '>', found '1.5.2'`, column: 5 },
    { rule: 'a symbol is not a literal', condition: 'x = @', message: `expected ${LITERAL} after '=', found '@'`, column: 5 },
    { rule: 'a string found is shown with its own quotes', condition: `x = 'a' "b"`, message: `expected AND or OR after 'a', found "b"`, column: 9 },
    { rule: 'a double-quoted string before the error', condition: '(x = "a"', message: `expected ')' after "a"`, column: 9 },
    { rule: 'quoted text with a space before the error', condition: "x = 'a b' y", message: "expected AND or OR after 'a b', found 'y'", column: 11 },
    { rule: 'double-quoted text before the error', condition: '(x = "abc"', message: `expected ')' after "abc"`, column: 11 },
    { rule: 'escaped quotes before the error', condition: String.raw`(x = 'it\'s' OR y = "say \"hi\""`, message: String.raw`expected ')' after "say \"hi\""`, column: 33 },
    { rule: 'escaped single quote before the error', condition: String.raw`(x = 'it\'s'`, message: String.raw`expected ')' after 'it\'s'`, column: 13 },
    // Only a literal can be unterminated: where AND or OR is expected, the open quote is what was found.
    { rule: 'an open quote where AND is expected', condition: "x = 'a' 'b", message: "expected AND or OR after 'a', found 'b", column: 9 },
    { rule: 'an open double quote where AND is expected', condition: `x = 'a' "b c`, message: `expected AND or OR after 'a', found "b c`, column: 9 },
    { rule: 'unterminated string in a list', condition: "x IN ('a', 'b", message: "unterminated string (missing closing ')", column: 12 },
    { rule: 'unterminated string after AND', condition: 'x = 1 AND y = "b', message: 'unterminated string (missing closing ")', column: 15 },
  ]);
});

describe('§2 errors: keywords cannot name a property', () => {
  it.each(['and', 'or', 'is', 'known', 'unknown', 'in', 'contains', 'starts', 'ends', 'with', 'true', 'false', 'TRUE', 'With'])(
    '%s',
    (word) => {
      expect(parseCondition(`${word} = 1`)).toEqual({ ok: false, error: { message: `expected a condition, found '${word}'`, column: 1 } });
    },
  );
  it('not reads as NOT, never as a property', () => {
    expect(parseCondition('not = 1')).toEqual({ ok: false, error: { message: "expected a value after NOT, found '='", column: 5 } });
  });
  it('a property may start with a keyword', () => {
    expect(parseCondition('within = 1 AND trueish IS KNOWN AND order_id IN (1)').ok).toBe(true);
  });
});

describe('§2 errors: long words are cut to 24 characters', () => {
  check([
    { rule: '24 characters are shown whole', condition: 'x = abcdefghijklmnopqrstuvwx', message: `expected ${LITERAL} after '=', found 'abcdefghijklmnopqrstuvwx'`, column: 5 },
    { rule: '25 characters are cut', condition: 'x = abcdefghijklmnopqrstuvwxy', message: `expected ${LITERAL} after '=', found 'abcdefghijklmnopqrstuvw…'`, column: 5 },
    { rule: 'a long string before the error is cut too', condition: "x = 'abcdefghijklmnopqrstuvwxyz' y", message: "expected AND or OR after 'abcdefghijklmnopqrstuv…, found 'y'", column: 34 },
  ]);
});

describe(`§2 errors: at most ${MAX_NESTING} levels of parentheses and NOT (decisions.md)`, () => {
  const TOO_DEEP = `nested too deep: at most ${MAX_NESTING} levels of parentheses and NOT`;
  const groups = (depth: number, inner = 'x'): string => `${'('.repeat(depth)}${inner}${')'.repeat(depth)}`;
  const nots = (depth: number, inner = 'x'): string => `${'NOT '.repeat(depth)}${inner}`;
  const holds = (condition: string, values: Record<string, string>): boolean => {
    const parsed = parseCondition(condition);
    if (!parsed.ok) throw new Error(parsed.error.message);
    return parsed.condition.evaluate(new Map(Object.entries(values)));
  };

  it('the limit itself parses and evaluates', () => {
    expect(holds(groups(MAX_NESTING), { x: 'true' })).toBe(true);
    expect(holds(nots(MAX_NESTING), { x: 'true' })).toBe(true);
    expect(holds(nots(MAX_NESTING - 1), { x: 'true' })).toBe(false);
  });

  check([
    { rule: 'one group too many, at its (', condition: groups(MAX_NESTING + 1), message: TOO_DEEP, column: MAX_NESTING + 1 },
    { rule: 'one NOT too many, at its NOT', condition: nots(MAX_NESTING + 1), message: TOO_DEEP, column: 4 * MAX_NESTING + 1 },
    { rule: 'groups and NOTs count together', condition: `y = 1 OR ${'NOT ('.repeat(MAX_NESTING / 2)}(x)${')'.repeat(MAX_NESTING / 2)}`, message: TOO_DEEP, column: 10 + 5 * (MAX_NESTING / 2) },
    { rule: 'thousands of levels are one message, not a stack overflow', condition: groups(3_000), message: TOO_DEEP, column: MAX_NESTING + 1 },
    { rule: 'a hundred thousand too', condition: nots(100_000), message: TOO_DEEP, column: 4 * MAX_NESTING + 1 },
    { rule: 'the first problem wins: depth before a later syntax error', condition: `${groups(MAX_NESTING + 1)} AND`, message: TOO_DEEP, column: MAX_NESTING + 1 },
  ]);

  it('levels are counted down again: side by side groups do not add up', () => {
    expect(holds(`${groups(MAX_NESTING)} AND ${nots(MAX_NESTING, groups(0))} AND ${groups(MAX_NESTING)}`, { x: 'true' })).toBe(true);
  });

  it('a list and NOT IN are not levels', () => {
    expect(holds(groups(MAX_NESTING, "x NOT IN ('a') AND y IN ('b')"), { x: 'c', y: 'b' })).toBe(true);
  });

  it('each parse counts afresh, after a refused one too', () => {
    expect(parseCondition(groups(MAX_NESTING + 1)).ok).toBe(false);
    expect(parseCondition(groups(MAX_NESTING)).ok).toBe(true);
    expect(parseCondition(groups(MAX_NESTING)).ok).toBe(true);
  });
});
