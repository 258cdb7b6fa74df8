// The contract wording of zod's checks (zod-problems.ts): limits said in words, singular and plural, values quoted as written.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemsFromZod, quoteInput } from '../../src/core/zod-problems.ts';

const first = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) throw new Error('expected issues');
  return problemsFromZod(r.error)[0];
};
const message = (schema: z.ZodType, value: unknown) => first(schema, value)?.message;

describe('limits on a text', () => {
  it.each([
    { check: 'min(1)', schema: z.string().min(1), value: '', said: 'must not be empty' },
    { check: 'trim().min(1)', schema: z.string().trim().min(1), value: '   ', said: 'must not be empty' },
    { check: 'min(3)', schema: z.string().min(3), value: 'ab', said: 'must be at least 3 characters' },
    { check: 'length(2), too short', schema: z.string().length(2), value: 'a', said: 'must be at least 2 characters' },
    { check: 'max(1)', schema: z.string().max(1), value: 'ab', said: 'must be at most 1 character' },
    { check: 'max(2)', schema: z.string().max(2), value: 'abc', said: 'must be at most 2 characters' },
  ])('$check: $said', ({ schema, value, said }) => {
    expect(first(schema, value)).toEqual({ code: expect.stringMatching(/^too_(small|big)$/), path: [], message: said });
  });
});

describe('limits on a list or a set', () => {
  it.each([
    { check: 'array max(2)', schema: z.array(z.number()).max(2), value: [1, 2, 3], said: 'must have at most 2 entries' },
    { check: 'set max(1)', schema: z.set(z.number()).max(1), value: new Set([1, 2]), said: 'must have at most 1 entry' },
    { check: 'set max(2)', schema: z.set(z.number()).max(2), value: new Set([1, 2, 3]), said: 'must have at most 2 entries' },
    { check: 'a tuple given too much', schema: z.tuple([z.string()]), value: ['a', 'b'], said: 'must have at most 1 entry' },
  ])('$check: $said', ({ schema, value, said }) => {
    expect(first(schema as z.ZodType, value)).toEqual({ code: 'too_big', path: [], message: said });
  });
});

describe('limits on a number', () => {
  it.each([
    { check: 'lt(5)', schema: z.number().lt(5), value: 5, code: 'too_big', said: 'must be less than 5' },
    { check: 'max(5)', schema: z.number().max(5), value: 6, code: 'too_big', said: 'must be at most 5' },
    { check: 'bigint lt(5n)', schema: z.bigint().lt(5n), value: 7n, code: 'too_big', said: 'must be less than 5' },
    { check: 'gt(2)', schema: z.number().gt(2), value: 2, code: 'too_small', said: 'must be more than 2' },
    { check: 'gte(2)', schema: z.number().gte(2), value: 1, code: 'too_small', said: 'must be at least 2' },
    { check: 'int() past 2^53', schema: z.int(), value: 2 ** 60, code: 'too_big', said: 'must be a whole number no larger than 9007199254740991 (got a number too large to be exact)' },
  ])('$check: $said', ({ schema, value, code, said }) => {
    expect(first(schema as z.ZodType, value)).toEqual({ code, path: [], message: said });
  });
});

describe('the value found, as the message quotes it', () => {
  it.each([
    { value: 5n, found: 'got bigint 5' },
    { value: Number.NaN, found: 'got number NaN' },
    { value: 1e21, found: 'got a number too large to be exact' },
    { value: -(2 ** 53), found: 'got a number too large to be exact' },
    { value: 2 ** 53 - 1, found: 'got number 9007199254740991' },
    { value: 12.5, found: 'got number 12.5' },
  ])('$found', ({ value, found }) => {
    expect(message(z.string(), value)).toBe(`expected a text, ${found}`);
  });

  it('a long text is cut to 57 characters and "...", counted in characters of the text', () => {
    const long = `${'a'.repeat(56)}"bcdef`;
    expect(message(z.number(), long)).toBe(`expected a number, got ${JSON.stringify(`${'a'.repeat(56)}"...`)}`);
  });

  it('a choice quotes what it got the same way', () => {
    expect(message(z.enum(['day', 'week']), 7)).toBe('must be one of "day", "week", got number 7');
    expect(message(z.enum(['day']), ['day'])).toBe('must be one of "day", got a list');
  });

  it('a format names the text found and the pattern or format it missed', () => {
    expect(message(z.string().endsWith('z'), 'abc')).toBe('"abc" does not match the expected format (ends_with)');
  });

  it('quoteInput says something for every value, even one JSON cannot write', () => {
    expect([quoteInput(undefined), quoteInput(null), quoteInput(-(2 ** 60)), quoteInput(2 ** 53 - 1), quoteInput([1])]).toEqual([
      'undefined',
      'null',
      'a number too large to be exact',
      '9007199254740991',
      '[1]',
    ]);
  });
});

describe('codes of the other checks', () => {
  it('a bad element of a set is reported as the element’s own problem', () => {
    expect(first(z.set(z.number()), new Set(['x']))).toEqual({ code: 'invalid_type', path: [], message: 'expected a number, got "x"' });
  });

  it('a map key or value that zod cannot place at a path is invalid_value, with zod’s own message', () => {
    const key = z.map(z.object({ a: z.string() }), z.number()).safeParse(new Map([[{}, 1]]), { reportInput: true });
    const value = z.map(z.object({}), z.number()).safeParse(new Map([[{}, 'x']]), { reportInput: true });
    for (const r of [key, value]) {
      if (r.success) throw new Error('expected issues');
      expect(problemsFromZod(r.error)).toEqual([{ code: 'invalid_value', path: [], message: r.error.issues[0]!.message }]);
    }
  });

  it('a custom check on a present value is custom, with its own message', () => {
    expect(first(z.object({ a: z.unknown().refine(() => false, 'not this') }), { a: 1 })).toEqual({ code: 'custom', path: ['a'], message: 'not this' });
  });
});
