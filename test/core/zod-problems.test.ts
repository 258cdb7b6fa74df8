// The one converter from zod issues to problems (zod-problems.ts): each issue kind's code, and the contract wording.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { problemsFromZod } from '../../src/core/zod-problems.ts';

function problems(schema: z.ZodType, value: unknown, wording?: 'contract' | 'schema') {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) throw new Error('expected issues');
  return problemsFromZod(r.error, wording === undefined ? {} : { wording });
}

describe('problemsFromZod: codes', () => {
  it.each([
    { kind: 'a wrong type', schema: z.string(), value: 5, code: 'invalid_type', message: 'expected a text, got number 5' },
    { kind: 'a missing value', schema: z.object({ a: z.string() }), value: {}, code: 'required', message: 'is required' },
    { kind: 'a missing integer', schema: z.object({ a: z.int() }), value: {}, code: 'required', message: 'is required' },
    { kind: 'a wrong choice', schema: z.enum(['a', 'b']), value: 'c', code: 'invalid_value', message: 'must be one of "a", "b", got "c"' },
    { kind: 'a missing choice', schema: z.object({ a: z.enum(['a', 'b']) }), value: {}, code: 'required', message: 'is required: one of "a", "b"' },
    { kind: 'a literal', schema: z.literal('x'), value: 'y', code: 'invalid_value', message: 'must be one of "x", got "y"' },
    { kind: 'a union of types', schema: z.union([z.string(), z.number()]), value: true, code: 'invalid_type', message: expect.any(String) },
    { kind: 'a pattern', schema: z.string().regex(/^a+$/), value: 'b', code: 'invalid_format', message: '"b" does not match the expected format (/^a+$/)' },
    { kind: 'a format without a pattern', schema: z.string().startsWith('ab'), value: 'x', code: 'invalid_format', message: '"x" does not match the expected format (starts_with)' },
    { kind: 'too short a text', schema: z.string().min(1), value: '', code: 'too_small', message: 'must not be empty' },
    { kind: 'too short a list', schema: z.array(z.string()).min(1), value: [], code: 'too_small', message: 'needs at least 1 entry' },
    { kind: 'too short a list of 2', schema: z.array(z.string()).min(2), value: ['a'], code: 'too_small', message: 'needs at least 2 entries' },
    { kind: 'a number under an inclusive minimum', schema: z.number().min(3), value: 2, code: 'too_small', message: 'must be at least 3' },
    { kind: 'a number under an exclusive minimum', schema: z.number().positive(), value: 0, code: 'too_small', message: 'must be more than 0' },
    { kind: 'a number over a maximum', schema: z.number().max(3), value: 4, code: 'too_big', message: expect.any(String) },
    { kind: 'a multiple', schema: z.number().multipleOf(5), value: 7, code: 'invalid_value', message: expect.any(String) },
    { kind: 'a record key', schema: z.record(z.string().regex(/^a/), z.number()), value: { b: 1 }, code: 'invalid_value', message: expect.any(String) },
    { kind: 'a custom check', schema: z.string().refine(() => false, 'no good'), value: 'x', code: 'custom', message: 'no good' },
    {
      kind: 'a custom check that names its code',
      schema: z.string().refine(() => false, { message: 'out of range', params: { problem: 'invalid_value' } }),
      value: 'x',
      code: 'invalid_value',
      message: 'out of range',
    },
    {
      kind: 'a custom check whose named code is not a problem code',
      schema: z.string().refine(() => false, { message: 'hm', params: { problem: 'nonsense' } }),
      value: 'x',
      code: 'custom',
      message: 'hm',
    },
    {
      kind: 'a custom check on a missing value',
      schema: z.object({ a: z.custom<string>((v) => typeof v === 'string', 'needs a') }),
      value: {},
      code: 'required',
      message: 'needs a',
    },
  ])('$kind → $code', ({ schema, value, code, message }) => {
    const [p] = problems(schema as z.ZodType, value);
    expect(p).toEqual({ code, path: expect.any(Array), message });
  });
});

describe('problemsFromZod: the contract wording describes the value found', () => {
  it.each([
    { value: null, found: 'got null' },
    { value: [1], found: 'got a list' },
    { value: { a: 1 }, found: 'got a mapping' },
    { value: true, found: 'got boolean true' },
    { value: 'short', found: 'got "short"' },
    { value: 'x'.repeat(61), found: `got "${'x'.repeat(57)}..."` },
    { value: 'x'.repeat(60), found: `got "${'x'.repeat(60)}"` },
  ])('$found', ({ value, found }) => {
    expect(problems(z.number(), value)[0]?.message).toBe(`expected a number, ${found}`);
  });

  it.each([
    { schema: z.object({}), expected: 'a mapping of fields' },
    { schema: z.array(z.number()), expected: 'a list' },
    { schema: z.string(), expected: 'a text' },
    { schema: z.boolean(), expected: 'a boolean' },
  ])('names the type expected: $expected', ({ schema, expected }) => {
    expect(problems(schema as z.ZodType, Symbol.for('x'))[0]?.message).toBe(`expected ${expected}, got symbol Symbol(x)`);
  });

  it('an integer is asked for as one', () => {
    expect(problems(z.int(), 1.5)[0]?.message).toBe('expected an integer, got number 1.5');
  });

  it('an unknown field is one problem per key, worded for the reader', () => {
    const schema = z.strictObject({ a: z.number() });
    expect(problems(schema, { a: 1, b: 2, c: 3 })).toEqual([
      { code: 'unknown_field', path: ['b'], message: 'unknown field (misspelt? every field name is part of the contract)' },
      { code: 'unknown_field', path: ['c'], message: 'unknown field (misspelt? every field name is part of the contract)' },
    ]);
    expect(problems(schema, { a: 1, b: 2 }, 'schema')).toEqual([{ code: 'unknown_field', path: ['b'], message: 'is not a known field' }]);
  });

  it('the schema wording keeps zod’s own message, the contract wording rewrites it', () => {
    const schema = z.string({ error: 'give a name' });
    expect(problems(schema, 5, 'schema')[0]?.message).toBe('give a name');
    expect(problems(schema, 5)[0]?.message).toBe('expected a text, got number 5');
  });
});
