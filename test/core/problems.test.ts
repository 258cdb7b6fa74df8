// Problems as data: one shape (code, path, message), one converter from zod issues, one way to print a path.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatPath, formatProblem } from '../../src/core/problems.ts';
import { problemsFromZod, quoteInput } from '../../src/core/zod-problems.ts';

describe('formatPath', () => {
  it.each<[readonly (string | number)[], string]>([
    [['criteria', 1, 'price', 'tiers', 0, 'up_to'], 'criteria[1].price.tiers[0].up_to'],
    [['events', 2, 5], 'events[2][5]'],
    [['line 4', 1, 'portalId'], 'line 4[1].portalId'],
    [[0, 'id'], '[0].id'],
    [['PORT'], 'PORT'],
    [[], '(top level)'],
  ])('%j prints as %s', (path, printed) => {
    expect(formatPath(path)).toBe(printed);
  });

  it('names the whole input as the caller calls it', () => {
    expect(formatPath([], '(body)')).toBe('(body)');
    expect(formatProblem({ code: 'required', path: [], message: 'is required' }, '(environment)')).toBe('(environment): is required');
  });
});

describe('problemsFromZod', () => {
  const schema = z.strictObject({
    name: z.string({ error: 'expected a name' }),
    tags: z.array(z.string()).min(1),
    kind: z.enum(['a', 'b']),
  });
  const parse = (value: unknown) => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) throw new Error('expected issues');
    return result.error;
  };

  it('tells a missing value (required) from a wrong one (invalid_type), in the contract wording by default', () => {
    expect(problemsFromZod(parse({ tags: 'x', kind: 'c', extra: 1 }))).toEqual([
      { code: 'required', path: ['name'], message: 'is required' },
      { code: 'invalid_type', path: ['tags'], message: 'expected a list, got "x"' },
      { code: 'invalid_value', path: ['kind'], message: 'must be one of "a", "b", got "c"' },
      { code: 'unknown_field', path: ['extra'], message: 'unknown field (misspelt? every field name is part of the contract)' },
    ]);
  });

  it('keeps the schema own messages in the schema wording, and puts `at` before every path', () => {
    expect(problemsFromZod(parse({ name: 1, tags: [], kind: 'a', extra: 1 }), { at: ['items', 3], wording: 'schema' })).toEqual([
      { code: 'invalid_type', path: ['items', 3, 'name'], message: 'expected a name' },
      { code: 'too_small', path: ['items', 3, 'tags'], message: expect.any(String) },
      { code: 'unknown_field', path: ['items', 3, 'extra'], message: 'is not a known field' },
    ]);
  });

  it('puts a problem of the whole value at the empty path', () => {
    expect(problemsFromZod(parse('text'))).toEqual([{ code: 'invalid_type', path: [], message: 'expected a mapping of fields, got "text"' }]);
  });
});

describe('contract wording of numbers (issue 11)', () => {
  const problemOf = (schema: z.ZodType, value: unknown) => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) throw new Error('expected issues');
    return problemsFromZod(result.error);
  };

  it('an integer past 2^53 is "too large to be exact", never zod text or the rounded value', () => {
    expect(problemOf(z.number().int(), 1e23)).toEqual([{ code: 'too_big', path: [], message: 'must be a whole number no larger than 9007199254740991 (got a number too large to be exact)' }]);
  });

  it('a maximum is said in words', () => {
    expect(problemOf(z.number().max(10), 12)).toEqual([{ code: 'too_big', path: [], message: 'must be at most 10' }]);
    expect(problemOf(z.string().max(3), 'abcd')).toEqual([{ code: 'too_big', path: [], message: 'must be at most 3 characters' }]);
    expect(problemOf(z.array(z.number()).max(1), [1, 2])).toEqual([{ code: 'too_big', path: [], message: 'must have at most 1 entry' }]);
  });

  it('quoteInput never prints a number JSON would round', () => {
    expect([quoteInput(1.5), quoteInput('x'), quoteInput(1e20), quoteInput(-5)]).toEqual(['1.5', '"x"', 'a number too large to be exact', '-5']);
  });
});
